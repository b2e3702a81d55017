// The classic consumer protocol's embedded formats, which are not requests: what a member puts in
// JoinGroup's protocol metadata (Kafka's ConsumerProtocolSubscription v0-3) and what the leader
// puts in SyncGroup's assignments (ConsumerProtocolAssignment v0-3). Never flexible. Each travels
// after an int16 version written by src/protocol/consumer-protocol.ts.
import { arrayOf, field, message, struct } from './types.js';

export const ConsumerProtocolSubscription = message(-1, 'ConsumerProtocolSubscription', 'header', '0-3', 'none', [
  field('topics', arrayOf('string'), '0+'),
  field('userData', 'bytes', '0+', { nullable: '0+', default: null }),
  field('ownedPartitions', arrayOf(struct('TopicPartition', [
    field('topic', 'string', '1+'),
    field('partitions', arrayOf('int32'), '1+'),
  ])), '1+'),
  field('generationId', 'int32', '2+', { default: -1 }),
  field('rackId', 'string', '3+', { nullable: '3+', default: null }),
]);

export const ConsumerProtocolAssignment = message(-1, 'ConsumerProtocolAssignment', 'header', '0-3', 'none', [
  field('assignedPartitions', arrayOf(struct('TopicPartition', [
    field('topic', 'string', '0+'),
    field('partitions', arrayOf('int32'), '0+'),
  ])), '0+'),
  field('userData', 'bytes', '0+', { nullable: '0+', default: null }),
]);
