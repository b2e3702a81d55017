import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BATCH_HEADER_BYTES,
  OFFSET_CRC,
  OFFSET_LAST_OFFSET_DELTA,
  OFFSET_MAGIC,
  OFFSET_RECORD_COUNT,
  batchAttributesAt,
  batchBaseOffsetAt,
  batchHasProducerIdAt,
  batchLastOffsetAt,
  batchLastOffsetDeltaAt,
  batchMagicAt,
  batchMaxTimestampAt,
  batchRecordCountAt,
  buildRecordBatch,
  compression,
  isControlBatch,
  isLogAppendTime,
  readBatchHeader,
  setBaseOffset,
  setMaxTimestampLogAppendTime,
  setPartitionLeaderEpoch,
  validateRecordBatches,
} from '../../src/protocol/record-batch.js';
import { CONTROL_ABORT, CONTROL_COMMIT, controlKeyType } from '../../src/protocol/txn-records.js';

const sample = (n = 3) =>
  buildRecordBatch({
    baseTimestamp: 1_700_000_000_000,
    producerId: 42,
    producerEpoch: 1,
    baseSequence: 7,
    records: Array.from({ length: n }, (_, i) => ({
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(`value-${i}`),
      headers: [{ key: 'h', value: Buffer.from('v') }],
      timestampDelta: i * 10,
    })),
  });

test('buildRecordBatch writes a header readBatchHeader reads back', () => {
  const buf = sample(3);
  const h = readBatchHeader(buf, 0);
  assert.equal(h.sizeBytes, buf.length);
  assert.equal(h.magic, 2);
  assert.equal(h.recordCount, 3);
  assert.equal(h.lastOffsetDelta, 2);
  assert.equal(h.baseTimestamp, 1_700_000_000_000);
  assert.equal(h.maxTimestamp, 1_700_000_000_020);
  assert.equal(h.producerId, 42);
  assert.equal(h.baseSequence, 7);
  assert.equal(compression(h.attributes), 'none');
  assert.equal(isControlBatch(h.attributes), false);
});

test('a known record encodes as Kafka does (varint lengths, zigzag)', () => {
  // One record, key null, value "a", no headers: length 7, attrs 0, tsDelta 0, offDelta 0, key -1, len 1, 'a', 0 headers.
  const buf = buildRecordBatch({ records: [{ key: null, value: Buffer.from('a') }] });
  assert.deepEqual([...buf.subarray(BATCH_HEADER_BYTES)], [0x0e, 0x00, 0x00, 0x00, 0x01, 0x02, 0x61, 0x00]);
});

test('validateRecordBatches accepts a multi-batch buffer', () => {
  const buf = Buffer.concat([sample(1), sample(4), sample(2)]);
  const r = validateRecordBatches(buf);
  assert.ok(r.ok);
  assert.equal(r.batches, 3);
  assert.equal(r.records, 7);
  assert.equal(r.offsetCount, 7);
  assert.equal(r.maxTimestamp, 1_700_000_000_030);
});

function expectError(buf: Buffer, error: string): void {
  const r = validateRecordBatches(buf);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error, error, r.message);
}

test('validateRecordBatches rejects a bad CRC', () => {
  const buf = sample();
  buf[buf.length - 1]! ^= 1;
  expectError(buf, 'CORRUPT_MESSAGE');
  const buf2 = sample();
  buf2.writeUInt32BE((buf2.readUInt32BE(OFFSET_CRC) ^ 1) >>> 0, OFFSET_CRC);
  expectError(buf2, 'CORRUPT_MESSAGE');
});

test('validateRecordBatches rejects old and unknown magic', () => {
  const old = sample();
  old.writeInt8(1, OFFSET_MAGIC);
  expectError(old, 'UNSUPPORTED_FOR_MESSAGE_FORMAT');
  const future = sample();
  future.writeInt8(3, OFFSET_MAGIC);
  expectError(future, 'CORRUPT_MESSAGE');
});

test('validateRecordBatches rejects bad lengths and trailing bytes', () => {
  const buf = sample();
  expectError(buf.subarray(0, buf.length - 1), 'CORRUPT_MESSAGE');
  expectError(Buffer.concat([buf, Buffer.alloc(5)]), 'CORRUPT_MESSAGE');
  expectError(Buffer.concat([buf, buf.subarray(0, 70)]), 'CORRUPT_MESSAGE');
  const tiny = sample();
  tiny.writeInt32BE(10, 8);
  expectError(tiny, 'CORRUPT_MESSAGE');
  expectError(Buffer.alloc(0), 'CORRUPT_MESSAGE');
});

test('validateRecordBatches rejects inconsistent record counts (CRC fixed up)', () => {
  const buf = sample(3);
  buf.writeInt32BE(0, OFFSET_RECORD_COUNT);
  setMaxTimestampLogAppendTime(buf, 0, 5); // recomputes the CRC, so only the count is wrong
  expectError(buf, 'CORRUPT_MESSAGE');
  const buf2 = sample(3);
  buf2.writeInt32BE(5, OFFSET_LAST_OFFSET_DELTA);
  setMaxTimestampLogAppendTime(buf2, 0, 5);
  expectError(buf2, 'CORRUPT_MESSAGE');
});

test('setBaseOffset and setPartitionLeaderEpoch keep the CRC valid', () => {
  const buf = sample();
  setBaseOffset(buf, 0, 2 ** 40 + 3);
  setPartitionLeaderEpoch(buf, 0, 9);
  const h = readBatchHeader(buf, 0);
  assert.equal(h.baseOffset, 2 ** 40 + 3);
  assert.equal(h.partitionLeaderEpoch, 9);
  assert.ok(validateRecordBatches(buf).ok);
});

test('setMaxTimestampLogAppendTime sets the type bit and maxTimestamp and recomputes the CRC', () => {
  const buf = sample();
  setMaxTimestampLogAppendTime(buf, 0, 1_800_000_000_000);
  const h = readBatchHeader(buf, 0);
  assert.ok(isLogAppendTime(h.attributes));
  assert.equal(h.maxTimestamp, 1_800_000_000_000);
  assert.ok(validateRecordBatches(buf).ok);
});

test('property: built batches validate; any single flipped byte in the CRC range is caught', () => {
  const record = fc.record({
    key: fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)), { nil: null }),
    value: fc.option(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), { nil: null }),
    timestampDelta: fc.integer({ min: 0, max: 100_000 }),
  });
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), fc.nat(), (records, at) => {
      const buf = buildRecordBatch({ baseTimestamp: 1000, records });
      assert.ok(validateRecordBatches(buf).ok);
      const pos = 21 + (at % (buf.length - 21));
      buf[pos]! ^= 0x10;
      assert.equal(validateRecordBatches(buf).ok, false);
    }),
    { numRuns: 200 },
  );
});

test('findRecordByTimestamp walks record headers to the first record at or after ts', async () => {
  const { findRecordByTimestamp } = await import('../../src/protocol/record-batch.js');
  const buf = sample(4); // timestamps base+0, +10, +20, +30
  setBaseOffset(buf, 0, 100);
  const base = 1_700_000_000_000;
  assert.deepEqual(findRecordByTimestamp(buf, 0, base - 5), { offset: 100, timestamp: base });
  assert.deepEqual(findRecordByTimestamp(buf, 0, base + 11), { offset: 102, timestamp: base + 20 });
  assert.deepEqual(findRecordByTimestamp(buf, 0, base + 30), { offset: 103, timestamp: base + 30 });
  assert.equal(findRecordByTimestamp(buf, 0, base + 31), undefined);
  setMaxTimestampLogAppendTime(buf, 0, base + 99);
  assert.deepEqual(findRecordByTimestamp(buf, 0, base + 50), { offset: 100, timestamp: base + 99 });
});

test('single-field accessors agree with the full header decode, at any position in a buffer', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(),
    (pad, n, base, withProducer) => {
      const b = buildRecordBatch({
        baseTimestamp: 1_700_000_000_000, producerId: withProducer ? 7 : -1, producerEpoch: withProducer ? 0 : -1, baseSequence: withProducer ? 0 : -1,
        records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${i}`), timestampDelta: i })),
      });
      const buf = Buffer.concat([Buffer.alloc(pad, 0xff), b]);
      setBaseOffset(buf, pad, base);
      const h = readBatchHeader(buf, pad);
      assert.equal(batchBaseOffsetAt(buf, pad), h.baseOffset);
      assert.equal(batchLastOffsetDeltaAt(buf, pad), h.lastOffsetDelta);
      assert.equal(batchLastOffsetAt(buf, pad), h.baseOffset + h.lastOffsetDelta);
      assert.equal(batchAttributesAt(buf, pad), h.attributes);
      assert.equal(batchMagicAt(buf, pad), 2);
      assert.equal(batchMaxTimestampAt(buf, pad), h.maxTimestamp);
      assert.equal(batchRecordCountAt(buf, pad), h.recordCount);
      assert.equal(batchHasProducerIdAt(buf, pad), h.producerId >= 0);
    }), { numRuns: 200 });
});

test('controlKeyType: version 0 keys of type 0/1 only; anything else (short, other version, other type) is undefined', () => {
  const key = (version: number, type: number) => { const b = Buffer.alloc(4); b.writeInt16BE(version, 0); b.writeInt16BE(type, 2); return b; };
  assert.equal(controlKeyType(key(0, 0)), CONTROL_ABORT);
  assert.equal(controlKeyType(key(0, 1)), CONTROL_COMMIT);
  assert.equal(controlKeyType(key(0, 2)), undefined);
  assert.equal(controlKeyType(key(1, 0)), undefined);
  assert.equal(controlKeyType(Buffer.alloc(3)), undefined);
  assert.equal(controlKeyType(Buffer.alloc(0)), undefined);
});
