// ConsumerGroupHeartbeat (API key 68): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

const TopicPartitions = struct('TopicPartitions', [
  field('topicId', 'uuid', '0+'),
  field('partitions', arrayOf('int32'), '0+'),
]);

export const ConsumerGroupHeartbeatRequest = message(68, 'ConsumerGroupHeartbeatRequest', 'request', '0-1', '0+', [
  field('groupId', 'string', '0+'),
  field('memberId', 'string', '0+'),
  field('memberEpoch', 'int32', '0+'),
  field('instanceId', 'string', '0+', { nullable: '0+', default: null }),
  field('rackId', 'string', '0+', { nullable: '0+', default: null }),
  field('rebalanceTimeoutMs', 'int32', '0+', { default: -1 }),
  field('subscribedTopicNames', arrayOf('string'), '0+', { nullable: '0+', default: null }),
  field('subscribedTopicRegex', 'string', '1+', { nullable: '1+', default: null }),
  field('serverAssignor', 'string', '0+', { nullable: '0+', default: null }),
  field('topicPartitions', arrayOf(struct('TopicPartitions', [
    field('topicId', 'uuid', '0+'),
    field('partitions', arrayOf('int32'), '0+'),
  ])), '0+', { nullable: '0+', default: null }),
]);

export const ConsumerGroupHeartbeatResponse = message(68, 'ConsumerGroupHeartbeatResponse', 'response', '0-1', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('memberId', 'string', '0+', { nullable: '0+', default: null }),
  field('memberEpoch', 'int32', '0+'),
  field('heartbeatIntervalMs', 'int32', '0+'),
  field('assignment', struct('Assignment', [
    field('topicPartitions', arrayOf(TopicPartitions), '0+'),
  ]), '0+', { nullable: '0+', default: null }),
]);
