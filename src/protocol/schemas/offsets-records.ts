// Record formats of `__consumer_offsets` (Kafka's group coordinator records). Every key starts with
// an int16 version that says what the record is, and every value with its own int16 version; both
// are written by src/protocol/offsets-records.ts. Key versions:
//   0-1 OffsetCommitKey            value OffsetCommitValue v0-4 (v4 flexible)
//   2   GroupMetadataKey           value GroupMetadataValue v0-4 (v4 flexible)
//   3   ConsumerGroupMetadataKey   value ConsumerGroupMetadataValue v0 (KIP-848)
//   4-8 the other KIP-848 consumer-group records: recognised by their key, never written by us.
// Field names carry their unit (…Ms) where Kafka's do not; the bytes are Kafka's.
import { arrayOf, field, message, struct } from './types.js';

export const OffsetCommitKey = message(-1, 'OffsetCommitKey', 'header', '0-1', 'none', [
  field('group', 'string', '0+'),
  field('topic', 'string', '0+'),
  field('partition', 'int32', '0+'),
]);

export const OffsetCommitValue = message(-1, 'OffsetCommitValue', 'header', '0-4', '4+', [
  field('offset', 'int64', '0+'),
  field('leaderEpoch', 'int32', '3+', { default: -1 }),
  field('metadata', 'string', '0+'),
  field('commitTimestampMs', 'int64', '0+'),
  field('expireTimestampMs', 'int64', '1', { default: -1n }),
]);

export const GroupMetadataKey = message(-1, 'GroupMetadataKey', 'header', '2', 'none', [
  field('group', 'string', '2'),
]);

export const GroupMetadataValue = message(-1, 'GroupMetadataValue', 'header', '0-4', '4+', [
  field('protocolType', 'string', '0+'),
  field('generation', 'int32', '0+'),
  field('protocol', 'string', '0+', { nullable: '0+' }),
  field('leader', 'string', '0+', { nullable: '0+' }),
  field('currentStateTimestampMs', 'int64', '2+', { default: -1n }),
  field('members', arrayOf(struct('MemberMetadata', [
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    field('clientId', 'string', '0+'),
    field('clientHost', 'string', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('subscription', 'bytes', '0+'),
    field('assignment', 'bytes', '0+'),
  ])), '0+'),
]);

export const ConsumerGroupMetadataKey = message(-1, 'ConsumerGroupMetadataKey', 'header', '3', 'none', [
  field('groupId', 'string', '3'),
]);

export const ConsumerGroupMetadataValue = message(-1, 'ConsumerGroupMetadataValue', 'header', '0', '0+', [
  field('epoch', 'int32', '0+'),
]);

/** Keys 4 (ConsumerGroupPartitionMetadataKey) and 6 (ConsumerGroupTargetAssignmentMetadataKey): the group alone. */
export const ConsumerGroupKey = message(-1, 'ConsumerGroupKey', 'header', '4-8', 'none', [
  field('groupId', 'string', '4+'),
]);

/** Keys 5 (ConsumerGroupMemberMetadataKey), 7 (…TargetAssignmentMemberKey) and 8 (…CurrentMemberAssignmentKey). */
export const ConsumerGroupMemberKey = message(-1, 'ConsumerGroupMemberKey', 'header', '4-8', 'none', [
  field('groupId', 'string', '4+'),
  field('memberId', 'string', '4+'),
]);
