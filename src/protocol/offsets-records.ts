// `__consumer_offsets` records, each an int16 version followed by its generated body
// (schemas/offsets-records.ts), so tools that read that topic understand it. A null value is a
// tombstone. We write OffsetCommitKey v1 + OffsetCommitValue v3, GroupMetadataKey v2 +
// GroupMetadataValue v3, ConsumerGroupMetadataKey v3 + ConsumerGroupMetadataValue v0, as Kafka's
// classic coordinator does; we read every version Kafka wrote. Bad bytes throw ProtocolDecodeError.
import { ProtocolDecodeError } from './errors.js';
import {
  decodeConsumerGroupKey,
  decodeConsumerGroupMemberKey,
  decodeConsumerGroupMetadataKey,
  decodeConsumerGroupMetadataValue as decodeConsumerGroupMetadataBody,
  decodeGroupMetadataKey,
  decodeGroupMetadataValue as decodeGroupMetadataBody,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue as decodeOffsetCommitBody,
  encodeConsumerGroupMetadataKey as encodeConsumerGroupMetadataKeyBody,
  encodeConsumerGroupMetadataValue as encodeConsumerGroupMetadataBody,
  encodeGroupMetadataKey as encodeGroupMetadataKeyBody,
  encodeGroupMetadataValue as encodeGroupMetadataBody,
  encodeOffsetCommitKey as encodeOffsetCommitKeyBody,
  encodeOffsetCommitValue as encodeOffsetCommitBody,
  type GroupMetadataValueMemberMetadata,
} from './generated/offsets-records.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** Key versions: what a record is. */
export const OffsetsKeyVersion = {
  OffsetCommitV0: 0,
  OffsetCommit: 1,
  GroupMetadata: 2,
  ConsumerGroupMetadata: 3,
  ConsumerGroupPartitionMetadata: 4,
  ConsumerGroupMemberMetadata: 5,
  ConsumerGroupTargetAssignmentMetadata: 6,
  ConsumerGroupTargetAssignmentMember: 7,
  ConsumerGroupCurrentMemberAssignment: 8,
} as const;

const OFFSET_COMMIT_VALUE_WRITTEN = 3;
const GROUP_METADATA_VALUE_WRITTEN = 3;
const CONSUMER_GROUP_METADATA_VALUE_WRITTEN = 0;

export type GroupRecordKey =
  | { kind: 'offset'; group: string; topic: string; partition: number }
  | { kind: 'group'; group: string }
  | { kind: 'consumerGroup'; group: string }
  /** A KIP-848 record we do not keep (4-8: group known), or a key version we do not know. */
  | { kind: 'other'; version: number; group?: string };

function versioned(version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  body(w);
  return w.toBuffer();
}

/** The value's version, checked against the versions the format has. */
function valueVersion(r: Reader, what: string, max: number): number {
  const version = r.int16();
  if (version < 0 || version > max) throw new ProtocolDecodeError(`${what} version ${version} is unknown`);
  return version;
}

/** Timestamps are numbers in the coordinator: beyond 2^53 the record is not one a broker wrote. */
function safeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtocolDecodeError(`${what} ${v} beyond 2^53`);
  return Number(v);
}

// ---------------------------------------------------------------- keys

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  const version = OffsetsKeyVersion.OffsetCommit;
  return versioned(version, (w) => encodeOffsetCommitKeyBody(w, version, { group, topic, partition }));
}

export function encodeGroupMetadataKey(group: string): Buffer {
  const version = OffsetsKeyVersion.GroupMetadata;
  return versioned(version, (w) => encodeGroupMetadataKeyBody(w, version, { group }));
}

export function encodeConsumerGroupMetadataKey(group: string): Buffer {
  const version = OffsetsKeyVersion.ConsumerGroupMetadata;
  return versioned(version, (w) => encodeConsumerGroupMetadataKeyBody(w, version, { groupId: group }));
}

export function decodeKey(buf: Buffer): GroupRecordKey {
  const r = new Reader(buf);
  const version = r.int16();
  switch (version) {
    case OffsetsKeyVersion.OffsetCommitV0:
    case OffsetsKeyVersion.OffsetCommit:
    {
      const k = decodeOffsetCommitKey(r, version);
      return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition };
    }
    case OffsetsKeyVersion.GroupMetadata:
      return { kind: 'group', group: decodeGroupMetadataKey(r, version).group };
    case OffsetsKeyVersion.ConsumerGroupMetadata:
      return { kind: 'consumerGroup', group: decodeConsumerGroupMetadataKey(r, version).groupId };
    case OffsetsKeyVersion.ConsumerGroupPartitionMetadata:
    case OffsetsKeyVersion.ConsumerGroupTargetAssignmentMetadata:
      return { kind: 'other', version, group: decodeConsumerGroupKey(r, version).groupId };
    case OffsetsKeyVersion.ConsumerGroupMemberMetadata:
    case OffsetsKeyVersion.ConsumerGroupTargetAssignmentMember:
    case OffsetsKeyVersion.ConsumerGroupCurrentMemberAssignment:
      return { kind: 'other', version, group: decodeConsumerGroupMemberKey(r, version).groupId };
    default:
      return { kind: 'other', version };
  }
}

// ---------------------------------------------------------------- OffsetCommitValue

export interface OffsetCommitValue {
  /** Any int64, as Kafka stores it (a client may commit 2^63-1). */
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only v1 carried it; -1 otherwise. */
  expireTimestampMs: number;
}

/** Written as v3: offset, leaderEpoch, metadata, commitTimestamp. */
export function encodeOffsetCommitValue(v: OffsetCommitValue): Buffer {
  const { offset, leaderEpoch, metadata } = v;
  return versioned(OFFSET_COMMIT_VALUE_WRITTEN, (w) => encodeOffsetCommitBody(w, OFFSET_COMMIT_VALUE_WRITTEN, {
    offset, leaderEpoch, metadata, commitTimestampMs: BigInt(v.commitTimestampMs),
  }));
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new Reader(buf);
  const { commitTimestampMs, expireTimestampMs, _unknownTaggedFields: _tags, ...v } = decodeOffsetCommitBody(r, valueVersion(r, 'OffsetCommitValue', 4));
  return { ...v, commitTimestampMs: safeNumber(commitTimestampMs, 'commit timestamp'), expireTimestampMs: safeNumber(expireTimestampMs, 'expire timestamp') };
}

// ---------------------------------------------------------------- GroupMetadataValue

/** A classic group's member as stored (rebalanceTimeoutMs -1 before v1, groupInstanceId null before v3). */
export type GroupMetadataMember = Omit<GroupMetadataValueMemberMetadata, '_unknownTaggedFields'>;

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestampMs: number;
  members: GroupMetadataMember[];
}

/** Written as v3 (groupInstanceId present, not flexible). */
export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  return versioned(GROUP_METADATA_VALUE_WRITTEN, (w) => encodeGroupMetadataBody(w, GROUP_METADATA_VALUE_WRITTEN, {
    ...v, currentStateTimestampMs: BigInt(v.currentStateTimestampMs),
  }));
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new Reader(buf);
  const { currentStateTimestampMs, _unknownTaggedFields: _tags, ...v } = decodeGroupMetadataBody(r, valueVersion(r, 'GroupMetadataValue', 4));
  return { ...v, currentStateTimestampMs: safeNumber(currentStateTimestampMs, 'state timestamp') };
}

// ---------------------------------------------------------------- ConsumerGroupMetadataValue (KIP-848)

export function encodeConsumerGroupMetadataValue(epoch: number): Buffer {
  return versioned(CONSUMER_GROUP_METADATA_VALUE_WRITTEN, (w) => encodeConsumerGroupMetadataBody(w, CONSUMER_GROUP_METADATA_VALUE_WRITTEN, { epoch }));
}

export function decodeConsumerGroupMetadataValue(buf: Buffer): { epoch: number } {
  const r = new Reader(buf);
  return { epoch: decodeConsumerGroupMetadataBody(r, valueVersion(r, 'ConsumerGroupMetadataValue', 0)).epoch };
}
