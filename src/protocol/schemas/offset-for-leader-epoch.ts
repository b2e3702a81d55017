// OffsetForLeaderEpoch (API key 23): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const OffsetForLeaderEpochRequest = message(23, 'OffsetForLeaderEpochRequest', 'request', '0-4', '4+', [
  field('replicaId', 'int32', '3+', { default: -2 }),
  field('topics', arrayOf(struct('OffsetForLeaderTopic', [
    field('topic', 'string', '0+'),
    field('partitions', arrayOf(struct('OffsetForLeaderPartition', [
      field('partition', 'int32', '0+'),
      field('currentLeaderEpoch', 'int32', '2+', { default: -1 }),
      field('leaderEpoch', 'int32', '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const OffsetForLeaderEpochResponse = message(23, 'OffsetForLeaderEpochResponse', 'response', '0-4', '4+', [
  field('throttleTimeMs', 'int32', '2+'),
  field('topics', arrayOf(struct('OffsetForLeaderTopicResult', [
    field('topic', 'string', '0+'),
    field('partitions', arrayOf(struct('EpochEndOffset', [
      field('errorCode', 'int16', '0+'),
      field('partition', 'int32', '0+'),
      field('leaderEpoch', 'int32', '1+', { default: -1 }),
      field('endOffset', 'int64', '0+', { default: -1n }),
    ])), '0+'),
  ])), '0+'),
]);
