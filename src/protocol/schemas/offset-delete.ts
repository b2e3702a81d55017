// OffsetDelete (API key 47): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const OffsetDeleteRequest = message(47, 'OffsetDeleteRequest', 'request', '0', 'none', [
  field('groupId', 'string', '0+'),
  field('topics', arrayOf(struct('OffsetDeleteRequestTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('OffsetDeleteRequestPartition', [
      field('partitionIndex', 'int32', '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const OffsetDeleteResponse = message(47, 'OffsetDeleteResponse', 'response', '0', 'none', [
  field('errorCode', 'int16', '0+'),
  field('throttleTimeMs', 'int32', '0+'),
  field('topics', arrayOf(struct('OffsetDeleteResponseTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('OffsetDeleteResponsePartition', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
    ])), '0+'),
  ])), '0+'),
]);
