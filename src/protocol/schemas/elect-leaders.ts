// ElectLeaders (API key 43): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const ElectLeadersRequest = message(43, 'ElectLeadersRequest', 'request', '0-2', '2+', [
  field('electionType', 'int8', '1+'),
  field('topicPartitions', arrayOf(struct('ElectLeadersTopicPartitions', [
    field('topic', 'string', '0+'),
    field('partitions', arrayOf('int32'), '0+'),
  ])), '0+', { nullable: '0+' }),
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
]);

export const ElectLeadersResponse = message(43, 'ElectLeadersResponse', 'response', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '1+'),
  field('replicaElectionResults', arrayOf(struct('ReplicaElectionResult', [
    field('topic', 'string', '0+'),
    field('partitionResult', arrayOf(struct('ElectLeadersPartitionResult', [
      field('partitionId', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ])), '0+'),
  ])), '0+'),
]);
