// Properties of the record walker (records.ts) and bounded decompression (records-codecs.ts): what a
// well-formed batch holds is walked exactly, any lie or damage is a RecordsError (never another
// exception, never a read past the section), and no codec produces more than its limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BATCH_HEADER_BYTES, buildRecordBatch, type Compression, type RecordInput } from '../../src/protocol/record-batch.js';
import { RECORD_FRAMING_BYTES_MAX, RecordWalker, RecordsError, decompressedBytesLimit, walkSlice } from '../../src/protocol/records.js';
import { decompressBounded, lz4OutputBound, zstdOutputBound } from '../../src/protocol/records-codecs.js';
import { compress, compressXerialSnappy } from '../../src/protocol/compression.js';

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(bytes(20), { nil: null }),
  value: fc.option(bytes(200), { nil: null }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 8 }), value: fc.option(bytes(8), { nil: null }) }), { maxLength: 3 }),
  timestampDelta: fc.integer({ min: -1000, max: 1_000_000 }),
});
const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 30 });

function section(records: RecordInput[]): Buffer {
  return buildRecordBatch({ baseTimestamp: 1_700_000_000_000, records }).subarray(BATCH_HEADER_BYTES);
}

/** Walks everything; returns the records seen or the RecordsError. Any other exception fails the property. */
function walkAll(s: Buffer, count: number, requireKeys = false, lastOffsetDelta?: number): Array<[Buffer | null, number]> | RecordsError {
  const w = new RecordWalker().reset(s, count, lastOffsetDelta);
  const seen: Array<[Buffer | null, number]> = [];
  try {
    for (let guard = 0; guard <= count + 1; guard++) {
      if (!w.next()) return seen;
      if (requireKeys && w.keyLength < 0) throw new RecordsError('INVALID_RECORD', 'keyless');
      assert.ok(w.recordStart < w.recordEnd && w.recordEnd <= s.length, 'record inside the section');
      seen.push([w.key(), w.valueLength]);
    }
    assert.fail('walked more records than declared');
  } catch (err) {
    if (err instanceof RecordsError) return err;
    throw err;
  }
}

test('property: a well-formed batch walks to exactly its records; keys and value lengths as built', () => {
  fc.assert(fc.property(recordsArb, (records) => {
    const got = walkAll(section(records), records.length);
    assert.ok(!(got instanceof RecordsError), String(got));
    assert.deepEqual(got.map(([k, v]) => [k === null ? null : Buffer.from(k), v]), records.map((r) => [r.key ?? null, r.value === null ? -1 : r.value.length]));
    assert.ok(walkSlice(new RecordWalker().reset(section(records), records.length), 1, false) === (records.length === 1) || records.length > 1);
  }));
});

test('property: a declared count other than the records held is CORRUPT_MESSAGE', () => {
  fc.assert(fc.property(recordsArb, fc.integer({ min: 0, max: 40 }), (records, declared) => {
    fc.pre(declared !== records.length);
    const got = walkAll(section(records), declared);
    assert.ok(got instanceof RecordsError && got.code === 'CORRUPT_MESSAGE');
  }));
});

test('property: offset deltas other than 0..n-1 are CORRUPT_MESSAGE as produced, fine as stored when increasing within lastOffsetDelta', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 2, maxLength: 10 }), (deltas) => {
    const records = deltas.map((offsetDelta) => ({ key: Buffer.from('k'), value: Buffer.from('v'), offsetDelta }));
    const s = section(records);
    const dense = deltas.every((d, i) => d === i);
    assert.equal(walkAll(s, deltas.length) instanceof RecordsError, !dense);
    const increasing = deltas.every((d, i) => i === 0 || d > deltas[i - 1]!);
    assert.equal(walkAll(s, deltas.length, false, Math.max(...deltas)) instanceof RecordsError, !increasing);
  }));
});

test('property: keyless records are INVALID_RECORD when keys are required', () => {
  fc.assert(fc.property(recordsArb, (records) => {
    const got = walkAll(section(records), records.length, true);
    const keyless = records.some((r) => r.key === null);
    assert.equal(got instanceof RecordsError, keyless);
  }));
});

test('property: damaged sections never throw anything but RecordsError and never read outside the section', () => {
  fc.assert(fc.property(recordsArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(50), (records, flips, cut) => {
    const s = Buffer.from(section(records));
    for (const [at, byte] of flips) s[at % s.length] = byte;
    walkAll(s.subarray(0, Math.max(0, s.length - cut)), records.length);
  }));
});

const CODECS: Compression[] = ['gzip', 'snappy', 'lz4', 'zstd'];

test('property: every codec round-trips within the limit and refuses past it (RECORD_LIST_TOO_LARGE); the frame bounds hold', async () => {
  await fc.assert(fc.asyncProperty(fc.constantFrom(...CODECS), fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 400 }), async (codec, data, repeat) => {
    const plain = Buffer.concat(Array.from({ length: repeat }, () => Buffer.from(data)));
    const packed = await compress(codec, plain);
    if (codec === 'lz4') assert.ok(lz4OutputBound(packed) >= plain.length);
    if (codec === 'zstd') assert.ok(zstdOutputBound(packed) >= plain.length);
    // Bounds come from frame headers: a compressed zstd block may claim up to 128 KiB, so some room.
    assert.ok((await decompressBounded(codec, packed, plain.length + 128 * 1024)).equals(plain));
    if (plain.length > 0) {
      await assert.rejects(decompressBounded(codec, packed, plain.length - 1), (err: unknown) => err instanceof RecordsError && err.code === 'RECORD_LIST_TOO_LARGE');
    }
  }), { numRuns: 60 });
  const xerial = await compressXerialSnappy(Buffer.alloc(100_000, 3), 16 * 1024);
  assert.equal((await decompressBounded('snappy', xerial, 100_000)).length, 100_000);
  await assert.rejects(decompressBounded('snappy', xerial, 99_999), RecordsError);
});

test('property: garbage or damaged frames give RecordsError only, never more output than the limit', async () => {
  const seeds = await Promise.all(CODECS.map(async (c) => [c, await compress(c, Buffer.alloc(50_000, 7))] as const));
  await fc.assert(fc.asyncProperty(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(200), async ([codec, packed], flips, cut) => {
    const damaged = Buffer.from(packed.subarray(0, Math.max(0, packed.length - cut)));
    for (const [at, byte] of flips) if (damaged.length > 0) damaged[at % damaged.length] = byte;
    try {
      const out = await decompressBounded(codec, damaged, 60_000);
      assert.ok(out.length <= 60_000);
    } catch (err) {
      assert.ok(err instanceof RecordsError, `${codec}: ${String(err)}`);
    }
  }), { numRuns: 200 });
});

test('decompressedBytesLimit: the record count bounds the output, and counts that cannot fit are refused up front', () => {
  const policy = { requireKeys: false, decompressedBytesMax: 64 * 1024 * 1024, recordBytesMax: 1024 * 1024 };
  assert.equal(decompressedBytesLimit(1, policy), 1024 * 1024 + RECORD_FRAMING_BYTES_MAX, 'a record of max.message.bytes and its framing');
  assert.equal(decompressedBytesLimit(2, { ...policy, recordBytesMax: 1000 }), 1024 * 1024, 'a floor for small max.message.bytes');
  assert.equal(decompressedBytesLimit(2, { ...policy, decompressedBytesMax: 5000, recordBytesMax: 1000 }), 5000, 'the cap wins');
  assert.equal(decompressedBytesLimit(1000, policy), 64 * 1024 * 1024);
  assert.throws(() => decompressedBytesLimit(20_000_000, policy), (err: unknown) => err instanceof RecordsError && err.code === 'RECORD_LIST_TOO_LARGE');
});

// Regression: franz-go's TestConsumeMaxDecompressBatchBytes produces three 1 MiB values in one gzip
// batch with timestamps a second apart; the bound of records x max.message.bytes left no room for each
// record's own framing (length, deltas, varints) and refused the batch, which Kafka accepts.
test('decompressedBytesLimit leaves room for each record\'s framing: records of max.message.bytes fit', () => {
  const policy = { requireKeys: false, decompressedBytesMax: 64 * 1024 * 1024, recordBytesMax: 1048588 };
  const value = Buffer.alloc(1 << 20);
  const records = [0, 1000, 2000].map((timestampDelta) => ({ key: null, value, timestampDelta }));
  const decompressed = buildRecordBatch({ records }).length - BATCH_HEADER_BYTES;
  assert.ok(decompressed <= decompressedBytesLimit(records.length, policy), `${decompressed} bytes of records fit the limit`);
});

test('LZ4 and zstd bounds step over skippable frames and refuse a truncated one (CORRUPT_MESSAGE)', async () => {
  const skippable = (magic: number, payload: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(magic, 0);
    head.writeUInt32LE(payload.length, 4);
    return Buffer.concat([head, payload]);
  };
  const plain = Buffer.alloc(20_000, 9);
  for (const [codec, bound] of [['lz4', lz4OutputBound], ['zstd', zstdOutputBound]] as const) {
    const packed = await compress(codec, plain);
    const framed = Buffer.concat([skippable(0x184d2a50, Buffer.from('meta')), packed, skippable(0x184d2a5f, Buffer.alloc(0))]);
    assert.equal(bound(framed), bound(packed), `${codec}: skippable frames add nothing to the bound`);
    const truncated = skippable(0x184d2a53, Buffer.alloc(10)).subarray(0, 12);
    assert.throws(() => bound(truncated), (err: unknown) => err instanceof RecordsError && err.code === 'CORRUPT_MESSAGE', `${codec}: truncated skippable frame`);
    assert.throws(() => bound(Buffer.from([0x50, 0x2a, 0x4d, 0x18, 1])), (err: unknown) => err instanceof RecordsError && err.code === 'CORRUPT_MESSAGE', `${codec}: truncated size`);
  }
});
