// `__consumer_offsets` records (src/protocol/offsets-records.ts on the generated codecs): the bytes we
// write are the ones the hand-written encoder wrote before the codecs were generated (golden hex
// captured from it), every version of every key and value round-trips, and records of a stored batch
// come back through the one records walker, with damage reported as RecordsError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeConsumerGroupMetadataValue, decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue, encodeConsumerGroupMetadataKey,
  encodeConsumerGroupMetadataValue, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue,
  OffsetsKeyVersion, type GroupMetadataValue,
} from '../../src/protocol/offsets-records.js';
import * as gen from '../../src/protocol/generated/offsets-records.js';
import { ProtocolDecodeError } from '../../src/protocol/errors.js';
import { Writer } from '../../src/protocol/writer.js';
import { buildRecordBatch, BATCH_HEADER_BYTES } from '../../src/protocol/record-batch.js';
import { keyValuesOfBatch, RecordsError } from '../../src/protocol/records.js';

const hex = (b: Buffer): string => b.toString('hex');

function versioned(version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  body(w);
  return w.toBuffer();
}

const twoMembers: GroupMetadataValue = {
  protocolType: 'consumer', generation: 5, protocol: 'range', leader: 'm-1', currentStateTimestampMs: 1700000000456,
  members: [
    { memberId: 'm-1', groupInstanceId: null, clientId: 'c1', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 300000, sessionTimeoutMs: 45000, subscription: Buffer.from('0001', 'hex'), assignment: Buffer.from('000203', 'hex') },
    { memberId: 'm-2', groupInstanceId: 'inst-2', clientId: 'c2', clientHost: '/127.0.0.2', rebalanceTimeoutMs: 60000, sessionTimeoutMs: 10000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
  ],
};

// Captured from src/group/records.ts (the hand-written Out/In encoder) at cb3dccf, before the move.
test('we write exactly the bytes the hand-written encoder wrote, and read them back', () => {
  assert.equal(hex(encodeOffsetCommitKey('g1', 'orders', 7)), '00010002673100066f726465727300000007');
  assert.equal(hex(encodeOffsetCommitKey('grüppe', 't.é', 0)), '000100076772c3bc7070650004742ec3a900000000');
  assert.equal(hex(encodeGroupMetadataKey('g1')), '000200026731');
  assert.equal(hex(encodeConsumerGroupMetadataKey('g848')), '0003000467383438');
  const offset = { offset: 42n, leaderEpoch: 3, metadata: 'meta', commitTimestampMs: 1700000000123, expireTimestampMs: -1 };
  assert.equal(hex(encodeOffsetCommitValue(offset)), '0003000000000000002a0000000300046d6574610000018bcfe5687b');
  assert.deepEqual(decodeOffsetCommitValue(Buffer.from('0003000000000000002a0000000300046d6574610000018bcfe5687b', 'hex')), offset);
  const max = { offset: 2n ** 63n - 1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 0, expireTimestampMs: -1 };
  assert.equal(hex(encodeOffsetCommitValue(max)), '00037fffffffffffffffffffffff00000000000000000000');
  assert.deepEqual(decodeOffsetCommitValue(encodeOffsetCommitValue(max)), max);
  const empty = { protocolType: 'consumer', generation: 0, protocol: null, leader: null, currentStateTimestampMs: 1700000000000, members: [] };
  assert.equal(hex(encodeGroupMetadataValue(empty)), '00030008636f6e73756d657200000000ffffffff0000018bcfe5680000000000');
  assert.deepEqual(decodeGroupMetadataValue(encodeGroupMetadataValue(empty)), empty);
  const golden = '00030008636f6e73756d657200000005000572616e676500036d2d310000018bcfe569c80000000200036d2d31ffff00026331000a2f3132372e302e302e31000493e00000afc80000000200010000000300020300036d2d320006696e73742d3200026332000a2f3132372e302e302e320000ea60000027100000000000000000';
  assert.equal(hex(encodeGroupMetadataValue(twoMembers)), golden);
  assert.deepEqual(decodeGroupMetadataValue(Buffer.from(golden, 'hex')), twoMembers);
  assert.equal(hex(encodeConsumerGroupMetadataValue(12)), '00000000000c00');
  assert.deepEqual(decodeConsumerGroupMetadataValue(Buffer.from('00000000000c00', 'hex')), { epoch: 12 });
  assert.deepEqual(decodeKey(Buffer.from('00010002673100066f726465727300000007', 'hex')), { kind: 'offset', group: 'g1', topic: 'orders', partition: 7 });
  assert.deepEqual(decodeKey(Buffer.from('000200026731', 'hex')), { kind: 'group', group: 'g1' });
  assert.deepEqual(decodeKey(Buffer.from('0003000467383438', 'hex')), { kind: 'consumerGroup', group: 'g848' });
});

const str = fc.string({ maxLength: 20 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const safeMs = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER });
const bytes = fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a));

test('every key version decodes to what was encoded', () => {
  fc.assert(fc.property(str, str, int32, (group, topic, partition) => {
    for (const version of [0, 1]) {
      const key = versioned(version, (w) => gen.encodeOffsetCommitKey(w, version, { group, topic, partition }));
      assert.deepEqual(decodeKey(key), { kind: 'offset', group, topic, partition });
    }
    assert.deepEqual(decodeKey(encodeOffsetCommitKey(group, topic, partition)), { kind: 'offset', group, topic, partition });
    assert.deepEqual(decodeKey(encodeGroupMetadataKey(group)), { kind: 'group', group });
    assert.deepEqual(decodeKey(encodeConsumerGroupMetadataKey(group)), { kind: 'consumerGroup', group });
    for (const version of [OffsetsKeyVersion.ConsumerGroupPartitionMetadata, OffsetsKeyVersion.ConsumerGroupTargetAssignmentMetadata]) {
      const key = versioned(version, (w) => gen.encodeConsumerGroupKey(w, version, { groupId: group }));
      assert.deepEqual(decodeKey(key), { kind: 'other', version, group });
    }
    for (const version of [OffsetsKeyVersion.ConsumerGroupMemberMetadata, OffsetsKeyVersion.ConsumerGroupTargetAssignmentMember, OffsetsKeyVersion.ConsumerGroupCurrentMemberAssignment]) {
      const key = versioned(version, (w) => gen.encodeConsumerGroupMemberKey(w, version, { groupId: group, memberId: topic }));
      assert.deepEqual(decodeKey(key), { kind: 'other', version, group });
    }
  }));
  assert.deepEqual(decodeKey(Buffer.from('0009', 'hex')), { kind: 'other', version: 9 });
  assert.deepEqual(decodeKey(Buffer.from('ffff', 'hex')), { kind: 'other', version: -1 });
});

test('OffsetCommitValue v0-4 decode to what was encoded; absent fields take Kafka\'s defaults', () => {
  fc.assert(fc.property(int64, int32, str, safeMs, safeMs, (offset, leaderEpoch, metadata, commit, expire) => {
    for (let version = 0; version <= 4; version++) {
      const value = versioned(version, (w) => gen.encodeOffsetCommitValue(w, version, {
        offset, leaderEpoch, metadata, commitTimestampMs: BigInt(commit), expireTimestampMs: BigInt(expire),
      }));
      assert.deepEqual(decodeOffsetCommitValue(value), {
        offset, leaderEpoch: version >= 3 ? leaderEpoch : -1, metadata, commitTimestampMs: commit, expireTimestampMs: version === 1 ? expire : -1,
      }, `v${version}`);
    }
    const v3 = { offset, leaderEpoch, metadata, commitTimestampMs: commit, expireTimestampMs: -1 };
    assert.deepEqual(decodeOffsetCommitValue(encodeOffsetCommitValue(v3)), v3);
  }));
});

const memberArb = fc.record({
  memberId: str, groupInstanceId: fc.option(str, { nil: null }), clientId: str, clientHost: str,
  rebalanceTimeoutMs: int32, sessionTimeoutMs: int32, subscription: bytes, assignment: bytes,
});
const groupArb = fc.record({
  protocolType: str, generation: int32, protocol: fc.option(str, { nil: null }), leader: fc.option(str, { nil: null }),
  currentStateTimestampMs: safeMs, members: fc.array(memberArb, { maxLength: 4 }),
});

test('GroupMetadataValue v0-4 decode to what was encoded; absent fields take Kafka\'s defaults', () => {
  fc.assert(fc.property(groupArb, (arb) => {
    const g: GroupMetadataValue = { ...arb, members: arb.members.map((m) => ({ ...m })) }; // plain objects, as decode returns
    for (let version = 0; version <= 4; version++) {
      const value = versioned(version, (w) => gen.encodeGroupMetadataValue(w, version, { ...g, currentStateTimestampMs: BigInt(g.currentStateTimestampMs) }));
      assert.deepEqual(decodeGroupMetadataValue(value), {
        ...g,
        currentStateTimestampMs: version >= 2 ? g.currentStateTimestampMs : -1,
        members: g.members.map((m) => ({ ...m, groupInstanceId: version >= 3 ? m.groupInstanceId : null, rebalanceTimeoutMs: version >= 1 ? m.rebalanceTimeoutMs : -1 })),
      }, `v${version}`);
    }
    assert.deepEqual(decodeGroupMetadataValue(encodeGroupMetadataValue(g)), g);
  }));
});

test('ConsumerGroupMetadataValue v0 decodes to what was encoded', () => {
  fc.assert(fc.property(int32, (epoch) => {
    assert.deepEqual(decodeConsumerGroupMetadataValue(encodeConsumerGroupMetadataValue(epoch)), { epoch });
  }));
});

test('bad values throw ProtocolDecodeError: unknown versions, truncation, timestamps beyond 2^53', () => {
  const bad = [
    Buffer.from('0005000000000000002a', 'hex'), // OffsetCommitValue v5
    encodeOffsetCommitValue({ offset: 1n, leaderEpoch: 0, metadata: 'm', commitTimestampMs: 5, expireTimestampMs: -1 }).subarray(0, 12),
    versioned(3, (w) => gen.encodeOffsetCommitValue(w, 3, { offset: 1n, metadata: '', commitTimestampMs: 2n ** 60n })),
  ];
  for (const b of bad) assert.throws(() => decodeOffsetCommitValue(b), ProtocolDecodeError);
  assert.throws(() => decodeGroupMetadataValue(Buffer.from('0005', 'hex')), ProtocolDecodeError);
  assert.throws(() => decodeGroupMetadataValue(encodeGroupMetadataValue(twoMembers).subarray(0, 60)), ProtocolDecodeError);
  // A member count far beyond the bytes left is refused before anything is allocated for it.
  assert.throws(() => decodeGroupMetadataValue(Buffer.from('00030000000000010000ffff0000000000000000007fffffff', 'hex')), ProtocolDecodeError);
  assert.throws(() => decodeConsumerGroupMetadataValue(Buffer.from('0001000000000c00', 'hex')), ProtocolDecodeError);
  assert.throws(() => decodeKey(Buffer.from('000100', 'hex')), ProtocolDecodeError);
});

test('records of a stored batch come back with their offsets, tombstones as null values', () => {
  const batch = buildRecordBatch({ baseOffset: 10, records: [{ key: Buffer.from('a'), value: Buffer.from('b') }, { key: Buffer.from('c'), value: null }] });
  assert.deepEqual(keyValuesOfBatch(Buffer.concat([Buffer.from('xx'), batch]), 2), [
    { key: Buffer.from('a'), value: Buffer.from('b'), offset: 10 },
    { key: Buffer.from('c'), value: null, offset: 11 },
  ]);
});

test('a damaged or compressed batch is a RecordsError, never another exception', () => {
  const batch = buildRecordBatch({ records: [{ key: Buffer.from('k'), value: Buffer.from('v') }, { key: Buffer.from('k2'), value: Buffer.from('v2') }] });
  const compressed = Buffer.from(batch);
  compressed.writeInt16BE(1, 21); // attributes: gzip
  assert.throws(() => keyValuesOfBatch(compressed, 0), (err: unknown) => err instanceof RecordsError && err.code === 'UNSUPPORTED_COMPRESSION_TYPE');
  const lying = Buffer.from(batch);
  lying.writeInt32BE(3, 57); // record count 3 where 2 are stored
  assert.throws(() => keyValuesOfBatch(lying, 0), RecordsError);
  fc.assert(fc.property(fc.integer({ min: BATCH_HEADER_BYTES, max: batch.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
    const damaged = Buffer.from(batch);
    damaged[at] = byte;
    try {
      for (const r of keyValuesOfBatch(damaged, 0)) assert.ok(r.offset >= 0);
    } catch (err) {
      if (!(err instanceof RecordsError)) throw err;
    }
  }));
});
