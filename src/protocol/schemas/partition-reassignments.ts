// AlterPartitionReassignments (API key 45) and ListPartitionReassignments (46): our definitions of the layouts.
import { arrayOf, field, message, struct } from './types.js';

export const AlterPartitionReassignmentsRequest = message(45, 'AlterPartitionReassignmentsRequest', 'request', '0', '0+', [
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  field('topics', arrayOf(struct('ReassignableTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('ReassignablePartition', [
      field('partitionIndex', 'int32', '0+'),
      field('replicas', arrayOf('int32'), '0+', { nullable: '0+', default: null }),
    ])), '0+'),
  ])), '0+'),
]);

export const AlterPartitionReassignmentsResponse = message(45, 'AlterPartitionReassignmentsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('responses', arrayOf(struct('ReassignableTopicResponse', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('ReassignablePartitionResponse', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    ])), '0+'),
  ])), '0+'),
]);

export const ListPartitionReassignmentsRequest = message(46, 'ListPartitionReassignmentsRequest', 'request', '0', '0+', [
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  field('topics', arrayOf(struct('ListPartitionReassignmentsTopics', [
    field('name', 'string', '0+'),
    field('partitionIndexes', arrayOf('int32'), '0+'),
  ])), '0+', { nullable: '0+', default: null }),
]);

export const ListPartitionReassignmentsResponse = message(46, 'ListPartitionReassignmentsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('topics', arrayOf(struct('OngoingTopicReassignment', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('OngoingPartitionReassignment', [
      field('partitionIndex', 'int32', '0+'),
      field('replicas', arrayOf('int32'), '0+'),
      field('addingReplicas', arrayOf('int32'), '0+'),
      field('removingReplicas', arrayOf('int32'), '0+'),
    ])), '0+'),
  ])), '0+'),
]);
