// decodeRecordPage (src/protocol/record-page.ts), the console's bounded reader, as properties over
// generated logs of batches in every codec: a page from any offset with any limit holds exactly the
// records from that offset on, in order, at most `limit`, and its next offset follows the last one; with
// a decompressed-bytes bound below a batch's size, that batch is skipped whole and named, never decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildCompressedBatch } from '../../src/protocol/compression.js';
import { decodeRecordPage } from '../../src/protocol/record-page.js';
import type { Compression } from '../../src/protocol/record-batch.js';

const codecs: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const batchArb = fc.record({
  codec: fc.constantFrom(...codecs),
  values: fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 12 }),
});

async function buildLog(batches: Array<{ codec: Compression; values: Uint8Array[] }>): Promise<{ buf: Buffer; values: Buffer[]; ranges: Array<{ base: number; last: number; codec: Compression }> }> {
  const parts: Buffer[] = [];
  const values: Buffer[] = [];
  const ranges: Array<{ base: number; last: number; codec: Compression }> = [];
  for (const b of batches) {
    const base = values.length;
    const records = b.values.map((v, i) => ({ key: Buffer.from(`k${base + i}`), value: Buffer.from(v), headers: [{ key: 'h', value: Buffer.from(String(base + i)) }] }));
    parts.push(await buildCompressedBatch({ baseOffset: base, baseTimestamp: 1_700_000_000_000 + base, records }, b.codec));
    values.push(...records.map((r) => r.value));
    ranges.push({ base, last: values.length - 1, codec: b.codec });
  }
  return { buf: Buffer.concat(parts), values, ranges };
}

test('a page holds exactly the records from its offset, in order, at most the limit, and next follows', { timeout: 120_000 }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 8 }), fc.nat(120), fc.integer({ min: 1, max: 40 }), async (batches, fromRaw, limit) => {
    const { buf, values, ranges } = await buildLog(batches);
    const from = fromRaw % (values.length + 2);
    const page = await decodeRecordPage(buf, from, { recordsMax: limit, batchDecompressedBytesMax: 1024 * 1024 });
    const want = Math.max(0, Math.min(limit, values.length - from));
    assert.deepEqual(page.records.map((r) => Number(r.offset)), Array.from({ length: want }, (_, i) => from + i));
    page.records.forEach((r) => {
      const o = Number(r.offset);
      assert.ok(r.value!.equals(values[o]!), `value of ${o}`);
      assert.equal(r.key!.toString(), `k${o}`);
      assert.equal(r.headers[0]!.value!.toString(), String(o));
      assert.equal(r.timestamp, 1_700_000_000_000 + ranges.find((b) => b.base <= o && o <= b.last)!.base, 'the batch\'s base timestamp');
    });
    assert.deepEqual(page.skipped, []);
    assert.equal(page.nextOffset, from + page.records.length);
  }), { numRuns: 150 });
});

test('with a decompressed bound of 1 byte every compressed batch is skipped whole, named, and the page moves past it', { timeout: 120_000 }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 8 }), async (batches) => {
    const { buf, values, ranges } = await buildLog(batches);
    const page = await decodeRecordPage(buf, 0, { recordsMax: 1000, batchDecompressedBytesMax: 1 });
    const plain = ranges.filter((r) => r.codec === 'none');
    assert.deepEqual(page.records.map((r) => Number(r.offset)), plain.flatMap((r) => Array.from({ length: r.last - r.base + 1 }, (_, i) => r.base + i)));
    assert.deepEqual(page.skipped.map((s) => [s.baseOffset, s.lastOffset]), ranges.filter((r) => r.codec !== 'none').map((r) => [r.base, r.last]));
    for (const s of page.skipped) assert.ok(s.reason.length > 0 && s.reason.length <= 300);
    assert.equal(page.nextOffset, values.length);
  }), { numRuns: 100 });
});
