import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey,
  encodeOffsetCommitValue, recordsOfBatch, encodeConsumerGroupMetadataKey, encodeConsumerGroupMetadataValue, decodeConsumerGroupMetadataValue,
} from '../../src/group/records.js';
import { javaStringHashCode, offsetsPartitionFor } from '../../src/group/partitioning.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';

test('OffsetCommitKey v1 / OffsetCommitValue v3 bytes are Kafka\'s layout', () => {
  const key = encodeOffsetCommitKey('g', 't', 3);
  assert.deepEqual([...key], [0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 3]);
  const value = encodeOffsetCommitValue({ offset: 42n, leaderEpoch: 7, metadata: 'm', commitTimestampMs: 1000, expireTimestampMs: -1 });
  assert.deepEqual([...value], [0, 3, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 7, 0, 1, 0x6d, 0, 0, 0, 0, 0, 0, 0x03, 0xe8]);
  assert.deepEqual(decodeKey(key), { kind: 'offset', group: 'g', topic: 't', partition: 3 });
});

test('key and value codecs round-trip', () => {
  fc.assert(fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 1 << 30 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.string(), (g, t, p, off, md) => {
    assert.deepEqual(decodeKey(encodeOffsetCommitKey(g, t, p)), { kind: 'offset', group: g, topic: t, partition: p });
    assert.deepEqual(decodeKey(encodeGroupMetadataKey(g)), { kind: 'group', group: g });
    assert.deepEqual(decodeKey(encodeConsumerGroupMetadataKey(g)), { kind: 'consumerGroup', group: g });
    const v = { offset: off, leaderEpoch: -1, metadata: md, commitTimestampMs: 5, expireTimestampMs: -1 };
    assert.deepEqual(decodeOffsetCommitValue(encodeOffsetCommitValue(v)), v);
    assert.deepEqual(decodeConsumerGroupMetadataValue(encodeConsumerGroupMetadataValue(p)), { epoch: p });
  }));
  const gm = {
    protocolType: 'consumer', generation: 4, protocol: 'range', leader: 'm1', currentStateTimestampMs: 99,
    members: [{ memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 1, sessionTimeoutMs: 2, subscription: Buffer.from([1, 2]), assignment: Buffer.from([3]) }],
  };
  assert.deepEqual(decodeGroupMetadataValue(encodeGroupMetadataValue(gm)), gm);
});

test('records of a batch decode back, tombstones as null values', () => {
  const batch = buildRecordBatch({ baseOffset: 10, records: [{ key: Buffer.from('a'), value: Buffer.from('b') }, { key: Buffer.from('c'), value: null }] });
  assert.deepEqual(recordsOfBatch(batch, 0), [
    { key: Buffer.from('a'), value: Buffer.from('b'), offset: 10 },
    { key: Buffer.from('c'), value: null, offset: 11 },
  ]);
});

test('group → partition is abs(String.hashCode) % n as in Kafka', () => {
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648); // Integer.MIN_VALUE: Utils.abs gives 0
  assert.equal(offsetsPartitionFor('polygenelubricants', 50), 0);
  assert.equal(offsetsPartitionFor('hello', 50), 99162322 % 50);
});
