/**
 * Message formats v0/v1 (src/protocol/legacy-messages.ts): v0/v1 in, v2 stored, read back down-converted
 * keeps keys, values, timestamps and offsets (property tests with fast-check); kafka-python's own
 * legacy encoder and decoder agree with ours; byte limits; bad input only ever raises LegacyMessageError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { type Compression, buildRecordBatch, compression, setBaseOffset } from '../../src/protocol/record-batch.js';
import { buildCompressedBatch, decodeRecordBatches, decompress } from '../../src/protocol/compression.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  type Decompress, type LegacyMagic, LegacyMessageError, NO_TIMESTAMP, downConvert, encodeMessage, encodeWrapper, readMessageSet, upConvert,
} from '../../src/protocol/legacy-messages.js';

const OUTPUT_BYTES_MAX = 1 << 20;
const boundedDecompress: Decompress = async (codec, data, max) => {
  const out = await decompress(codec, data);
  if (out.length > max) throw new LegacyMessageError(ErrorCode.CORRUPT_MESSAGE, 'too large');
  return out;
};
const opts = { decompress: boundedDecompress, outputBytesMax: OUTPUT_BYTES_MAX };

interface Msg { key: Buffer | null; value: Buffer | null; timestamp: number }

const bytes = fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null });
const msgs = fc.array(fc.record({ key: bytes, value: bytes, timestamp: fc.integer({ min: 0, max: 2 ** 41 }) }), { minLength: 1, maxLength: 12 });
const legacyCodec = fc.constantFrom<Compression>('none', 'gzip', 'snappy', 'lz4');
const magicArb = fc.constantFrom<LegacyMagic>(0, 1);

/** A producer's message set: plain entries, or one compressed wrapper (v1: relative inner offsets). */
async function produced(magic: LegacyMagic, codec: Compression, ms: Msg[]): Promise<Buffer> {
  const entries = ms.map((m, i) => encodeMessage(BigInt(i), magic, m));
  if (codec === 'none') return Buffer.concat(entries);
  const maxTs = Math.max(...ms.map((m) => m.timestamp));
  return encodeWrapper(BigInt(ms.length - 1), magic, codec, Buffer.concat(entries), magic === 1 ? maxTs : NO_TIMESTAMP, false);
}

const expectedTs = (magicIn: LegacyMagic, magicOut: LegacyMagic | 2, t: number) => (magicIn === 0 || magicOut === 0 ? NO_TIMESTAMP : t);

test('property: v0/v1 in, one v2 batch stored with the producer\'s codec, read back as v0/v1 with the same keys, values, timestamps and offsets', async () => {
  await fc.assert(fc.asyncProperty(magicArb, legacyCodec, msgs, magicArb, fc.integer({ min: 0, max: 2 ** 40 }), async (magicIn, codec, ms, magicOut, base) => {
    const up = await upConvert(await produced(magicIn, codec, ms), opts);
    assert.equal(up.records, ms.length);
    assert.equal(up.magic, magicIn);
    assert.equal(compression(up.batch.readInt16BE(21)), codec);
    const [stored] = await decodeRecordBatches(up.batch);
    assert.deepEqual(stored!.records.map((r) => [r.key, r.value, r.timestamp]), ms.map((m) => [m.key, m.value, expectedTs(magicIn, 2, m.timestamp)]));
    setBaseOffset(up.batch, 0, base); // what the log does on append
    const down = await downConvert(up.batch, magicOut, 1 << 30, true);
    const back = await readMessageSet(down, opts);
    assert.equal(back.codec, codec);
    assert.deepEqual(back.messages.map((m) => [m.offset, m.magic, m.key, m.value, m.timestamp]),
      ms.map((m, i) => [BigInt(base + i), magicOut, m.key, m.value, expectedTs(magicIn, magicOut, m.timestamp)]));
  }), { numRuns: 150 });
});

test('property: down-conversion keeps the offset gaps of a compacted batch (v1 relative inner offsets)', async () => {
  await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 10 }), fc.constantFrom<Compression>('none', 'gzip', 'lz4'), magicArb, async (deltas, codec, magic) => {
    deltas.sort((a, b) => a - b);
    const input = { baseOffset: 1000, baseTimestamp: 5000, records: deltas.map((d) => ({ key: Buffer.from(`k${d}`), value: Buffer.from(`v${d}`), offsetDelta: d, timestampDelta: d })) };
    const batch = codec === 'none' ? buildRecordBatch(input) : await buildCompressedBatch(input, codec);
    const back = await readMessageSet(await downConvert(batch, magic, 1 << 30, true), opts);
    assert.deepEqual(back.messages.map((m) => [m.offset, m.key?.toString()]), deltas.map((d) => [BigInt(1000 + d), `k${d}`]));
  }), { numRuns: 100 });
});

test('byte limits: Fetch v0-2 cut the set at the limit (maybe mid-message); v3 keeps whole batches and always the first', async () => {
  const batches = Buffer.concat(Array.from({ length: 5 }, (_, i) => buildRecordBatch({ baseOffset: i * 2, baseTimestamp: 1, records: [{ value: Buffer.alloc(100, i) }, { value: Buffer.alloc(100, i) }] })));
  const all = await downConvert(batches, 1, 1 << 30, false);
  const one = encodeMessage(0n, 1, { timestamp: 1, key: null, value: Buffer.alloc(100) }).length;
  assert.equal(all.length, 10 * one);
  const cut = await downConvert(batches, 1, 3 * one + 7, false);
  assert.equal(cut.length, 3 * one + 7);
  assert.equal((await readMessageSet(cut, { ...opts, partialTail: true })).messages.length, 3, 'a partial message at the end is left for the client to drop');
  const whole = await downConvert(batches, 1, 3 * one + 7, true);
  assert.equal(whole.length, 2 * one, 'one whole batch (two messages) fits');
  assert.equal((await downConvert(batches, 1, 10, true)).length, 2 * one, 'the first batch even over the limit');
});

test('down-conversion leaves out control batches and drops headers; zstd answers UNSUPPORTED_COMPRESSION_TYPE', async () => {
  const control = buildRecordBatch({ baseOffset: 0, attributes: 0x30, records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
  const data = buildRecordBatch({ baseOffset: 1, baseTimestamp: 9, records: [{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: Buffer.from('x') }] }] });
  const back = await readMessageSet(await downConvert(Buffer.concat([control, data]), 1, 1 << 20, true), opts);
  assert.deepEqual(back.messages.map((m) => [m.offset, m.key?.toString(), m.value?.toString()]), [[1n, 'k', 'v']]);
  const zstd = await buildCompressedBatch({ baseOffset: 0, records: [{ value: Buffer.from('z') }] }, 'zstd');
  await assert.rejects(downConvert(zstd, 1, 1 << 20, true), (e: LegacyMessageError) => e.errorCode === ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
});

test('property: any corruption of a message set is refused with a Kafka error code, never another exception', async () => {
  await fc.assert(fc.asyncProperty(magicArb, legacyCodec, msgs, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), async (magic, codec, ms, flips, cut) => {
    const set = Buffer.from(await produced(magic, codec, ms));
    for (const [at, x] of flips) set[at % set.length] ^= x;
    const input = cut % 3 === 0 ? set.subarray(0, cut % set.length) : set;
    try {
      await upConvert(input, opts);
    } catch (err) {
      assert.ok(err instanceof LegacyMessageError, `${(err as Error).name}: ${(err as Error).message}`);
      assert.ok(([ErrorCode.CORRUPT_MESSAGE, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE] as number[]).includes(err.errorCode));
    }
  }), { numRuns: 400 });
  await assert.rejects(upConvert(Buffer.alloc(0), opts), LegacyMessageError);
  const v2 = buildRecordBatch({ records: [{ value: Buffer.from('x') }] });
  await assert.rejects(upConvert(v2, opts), (e: LegacyMessageError) => e.errorCode === ErrorCode.CORRUPT_MESSAGE, 'a v2 batch is not a v0/v1 message set');
});

const hasKafkaPython = spawnSync('/usr/bin/python3', ['-c', 'from kafka.record.legacy_records import LegacyRecordBatchBuilder'], { stdio: 'ignore' }).status === 0;

test('kafka-python\'s legacy encoder and decoder agree with ours', { skip: hasKafkaPython ? false : 'python3-kafka is not installed' }, async () => {
  const script = `
import sys, json, base64
from kafka.record.legacy_records import LegacyRecordBatchBuilder
from kafka.record.memory_records import MemoryRecords
from kafka.codec import has_snappy, has_lz4
codecs = {'none': 0, 'gzip': 1}
if has_snappy(): codecs['snappy'] = 2
if has_lz4(): codecs['lz4'] = 3
if sys.argv[1] == 'encode':
    out = {}
    for magic in (0, 1):
        for name, codec in codecs.items():
            b = LegacyRecordBatchBuilder(magic, codec, 1 << 20)
            for i in range(3):
                b.append(i, timestamp=1700000000000 + i if magic else None, key=None if i == 1 else b'k%d' % i, value=b'value-%d' % i)
            out['%d-%s' % (magic, name)] = base64.b64encode(bytes(b.build())).decode()
    print(json.dumps(out))
else:
    data = base64.b64decode(sys.stdin.read())
    seen = []
    records = MemoryRecords(data)
    while True:
        batch = records.next_batch()
        if batch is None:
            break
        for r in batch:
            seen.append([r.offset, r.timestamp, r.key and r.key.decode(), r.value.decode()])
    print(json.dumps(seen))
`;
  const sets = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, 'encode']).toString()) as Record<string, string>;
  for (const [name, b64] of Object.entries(sets)) {
    const magic = Number(name[0]) as LegacyMagic;
    const up = await upConvert(Buffer.from(b64, 'base64'), opts);
    const [stored] = await decodeRecordBatches(up.batch);
    assert.deepEqual(stored!.records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.timestamp]),
      [0, 1, 2].map((i) => [i === 1 ? null : `k${i}`, `value-${i}`, magic === 1 ? 1700000000000 + i : NO_TIMESTAMP]), name);
    assert.equal(stored!.compression, name.slice(2) as Compression);
    setBaseOffset(up.batch, 0, 40);
    const down = await downConvert(up.batch, magic, 1 << 20, true);
    const seen = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, 'decode', String(magic)], { input: down.toString('base64') }).toString());
    assert.deepEqual(seen, [0, 1, 2].map((i) => [40 + i, magic === 1 ? 1700000000000 + i : null, i === 1 ? null : `k${i}`, `value-${i}`]), name);
  }
});
