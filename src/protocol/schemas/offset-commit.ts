// OffsetCommit (API key 8): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const OffsetCommitRequest = message(8, 'OffsetCommitRequest', 'request', '0-9', '8+', [
  field('groupId', 'string', '0+'),
  field('generationIdOrMemberEpoch', 'int32', '1+', { default: -1 }),
  field('memberId', 'string', '1+'),
  field('groupInstanceId', 'string', '7+', { nullable: '7+', default: null }),
  field('retentionTimeMs', 'int64', '2-4', { default: -1n }),
  field('topics', arrayOf(struct('OffsetCommitRequestTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('OffsetCommitRequestPartition', [
      field('partitionIndex', 'int32', '0+'),
      field('committedOffset', 'int64', '0+'),
      field('committedLeaderEpoch', 'int32', '6+', { default: -1 }),
      field('commitTimestamp', 'int64', '1', { default: -1n }),
      field('committedMetadata', 'string', '0+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
]);

export const OffsetCommitResponse = message(8, 'OffsetCommitResponse', 'response', '0-9', '8+', [
  field('throttleTimeMs', 'int32', '3+'),
  field('topics', arrayOf(struct('OffsetCommitResponseTopic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('OffsetCommitResponsePartition', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
    ])), '0+'),
  ])), '0+'),
]);
