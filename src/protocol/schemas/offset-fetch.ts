// OffsetFetch (API key 9): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const OffsetFetchRequest = message(9, 'OffsetFetchRequest', 'request', '0-9', '6+', [
  field('groupId', 'string', '0-7'),
  field('topics', arrayOf(struct('OffsetFetchRequestTopic', [
    field('name', 'string', '0-7'),
    field('partitionIndexes', arrayOf('int32'), '0-7'),
  ])), '0-7', { nullable: '2-7' }),
  field('groups', arrayOf(struct('OffsetFetchRequestGroup', [
    field('groupId', 'string', '8+'),
    field('memberId', 'string', '9+', { nullable: '9+', default: null }),
    field('memberEpoch', 'int32', '9+', { default: -1 }),
    field('topics', arrayOf(struct('OffsetFetchRequestTopics', [
      field('name', 'string', '8+'),
      field('partitionIndexes', arrayOf('int32'), '8+'),
    ])), '8+', { nullable: '8+' }),
  ])), '8+'),
  field('requireStable', 'bool', '7+', { default: false }),
]);

export const OffsetFetchResponse = message(9, 'OffsetFetchResponse', 'response', '0-9', '6+', [
  field('throttleTimeMs', 'int32', '3+'),
  field('topics', arrayOf(struct('OffsetFetchResponseTopic', [
    field('name', 'string', '0-7'),
    field('partitions', arrayOf(struct('OffsetFetchResponsePartition', [
      field('partitionIndex', 'int32', '0-7'),
      field('committedOffset', 'int64', '0-7'),
      field('committedLeaderEpoch', 'int32', '5-7', { default: -1 }),
      field('metadata', 'string', '0-7', { nullable: '0-7' }),
      field('errorCode', 'int16', '0-7'),
    ])), '0-7'),
  ])), '0-7'),
  field('errorCode', 'int16', '2-7', { default: 0 }),
  field('groups', arrayOf(struct('OffsetFetchResponseGroup', [
    field('groupId', 'string', '8+'),
    field('topics', arrayOf(struct('OffsetFetchResponseTopics', [
      field('name', 'string', '8+'),
      field('partitions', arrayOf(struct('OffsetFetchResponsePartitions', [
        field('partitionIndex', 'int32', '8+'),
        field('committedOffset', 'int64', '8+'),
        field('committedLeaderEpoch', 'int32', '8+', { default: -1 }),
        field('metadata', 'string', '8+', { nullable: '8+' }),
        field('errorCode', 'int16', '8+'),
      ])), '8+'),
    ])), '8+'),
    field('errorCode', 'int16', '8+', { default: 0 }),
  ])), '8+'),
]);
