// DeleteRecords (API key 21): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DeleteRecordsRequest = message(21, 'DeleteRecordsRequest', 'request', '0-2', '2+', [
  field('topics', arrayOf(struct('DeleteRecordsTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('DeleteRecordsPartition', [
      field('partitionIndex', 'int32', '0+'),
      /** Delete records below this offset; -1 means the high watermark. */
      field('offset', 'int64', '0+'),
    ])), '0+'),
  ])), '0+'),
  field('timeoutMs', 'int32', '0+'),
]);

export const DeleteRecordsResponse = message(21, 'DeleteRecordsResponse', 'response', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('topics', arrayOf(struct('DeleteRecordsTopicResult', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('DeleteRecordsPartitionResult', [
      field('partitionIndex', 'int32', '0+'),
      field('lowWatermark', 'int64', '0+'),
      field('errorCode', 'int16', '0+'),
    ])), '0+'),
  ])), '0+'),
]);
