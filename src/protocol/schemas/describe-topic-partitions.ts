// DescribeTopicPartitions (API key 75, KIP-966): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

const Cursor = struct('Cursor', [
  field('topicName', 'string', '0+'),
  field('partitionIndex', 'int32', '0+'),
]);

export const DescribeTopicPartitionsRequest = message(75, 'DescribeTopicPartitionsRequest', 'request', '0', '0+', [
  field('topics', arrayOf(struct('TopicRequest', [
    field('name', 'string', '0+'),
  ])), '0+'),
  field('responsePartitionLimit', 'int32', '0+', { default: 2000 }),
  field('cursor', Cursor, '0+', { nullable: '0+', default: null }),
]);

export const DescribeTopicPartitionsResponse = message(75, 'DescribeTopicPartitionsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('topics', arrayOf(struct('DescribeTopicPartitionsResponseTopic', [
    field('errorCode', 'int16', '0+'),
    field('name', 'string', '0+', { nullable: '0+' }),
    field('topicId', 'uuid', '0+'),
    field('isInternal', 'bool', '0+', { default: false }),
    field('partitions', arrayOf(struct('DescribeTopicPartitionsResponsePartition', [
      field('errorCode', 'int16', '0+'),
      field('partitionIndex', 'int32', '0+'),
      field('leaderId', 'int32', '0+'),
      field('leaderEpoch', 'int32', '0+', { default: -1 }),
      field('replicaNodes', arrayOf('int32'), '0+'),
      field('isrNodes', arrayOf('int32'), '0+'),
      field('eligibleLeaderReplicas', arrayOf('int32'), '0+', { nullable: '0+', default: null }),
      field('lastKnownElr', arrayOf('int32'), '0+', { nullable: '0+', default: null }),
      field('offlineReplicas', arrayOf('int32'), '0+'),
    ])), '0+'),
    field('topicAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
  ])), '0+'),
  field('nextCursor', Cursor, '0+', { nullable: '0+', default: null }),
]);
