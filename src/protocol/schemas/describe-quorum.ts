// DescribeQuorum (API key 55): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

const ReplicaState = struct('ReplicaState', [
  field('replicaId', 'int32', '0+'),
  field('replicaDirectoryId', 'uuid', '2+'),
  field('logEndOffset', 'int64', '0+'),
  field('lastFetchTimestamp', 'int64', '1+', { default: -1n }),
  field('lastCaughtUpTimestamp', 'int64', '1+', { default: -1n }),
]);

export const DescribeQuorumRequest = message(55, 'DescribeQuorumRequest', 'request', '0-2', '0+', [
  field('topics', arrayOf(struct('DescribeQuorumTopicData', [
    field('topicName', 'string', '0+'),
    field('partitions', arrayOf(struct('DescribeQuorumPartitionData', [
      field('partitionIndex', 'int32', '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const DescribeQuorumResponse = message(55, 'DescribeQuorumResponse', 'response', '0-2', '0+', [
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '2+', { nullable: '2+', default: null }),
  field('topics', arrayOf(struct('DescribeQuorumResponseTopicData', [
    field('topicName', 'string', '0+'),
    field('partitions', arrayOf(struct('DescribeQuorumResponsePartitionData', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '2+', { nullable: '2+', default: null }),
      field('leaderId', 'int32', '0+'),
      field('leaderEpoch', 'int32', '0+'),
      field('highWatermark', 'int64', '0+'),
      field('currentVoters', arrayOf(ReplicaState), '0+'),
      field('observers', arrayOf(ReplicaState), '0+'),
    ])), '0+'),
  ])), '0+'),
  field('nodes', arrayOf(struct('DescribeQuorumNode', [
    field('nodeId', 'int32', '2+'),
    field('listeners', arrayOf(struct('DescribeQuorumListener', [
      field('name', 'string', '2+'),
      field('host', 'string', '2+'),
      field('port', 'uint16', '2+'),
    ])), '2+'),
  ])), '2+'),
]);
