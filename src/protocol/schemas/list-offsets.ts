// ListOffsets (API key 2): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const ListOffsetsRequest = message(2, 'ListOffsetsRequest', 'request', '0-10', '6+', [
  field('replicaId', 'int32', '0+'),
  field('isolationLevel', 'int8', '2+'),
  field('topics', arrayOf(struct('ListOffsetsTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('ListOffsetsPartition', [
      field('partitionIndex', 'int32', '0+'),
      field('currentLeaderEpoch', 'int32', '4+', { default: -1 }),
      field('timestamp', 'int64', '0+'),
      field('maxNumOffsets', 'int32', '0', { default: 1 }),
    ])), '0+'),
  ])), '0+'),
  field('timeoutMs', 'int32', '10+'),
]);

export const ListOffsetsResponse = message(2, 'ListOffsetsResponse', 'response', '0-10', '6+', [
  field('throttleTimeMs', 'int32', '2+'),
  field('topics', arrayOf(struct('ListOffsetsTopicResponse', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('ListOffsetsPartitionResponse', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('oldStyleOffsets', arrayOf('int64'), '0'),
      field('timestamp', 'int64', '1+', { default: -1n }),
      field('offset', 'int64', '1+', { default: -1n }),
      field('leaderEpoch', 'int32', '4+', { default: -1 }),
    ])), '0+'),
  ])), '0+'),
]);
