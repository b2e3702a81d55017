/**
 * Micro-benchmark: message format conversion (protocol/legacy-messages.ts) against the v2 path it replaces.
 * Produce: a 160-message magic 1 set up-converted to one v2 batch, vs checkRecords of the same records as a
 * v2 batch (what a modern producer costs the broker). Fetch: a stored v2 batch down-converted to magic 1,
 * vs nothing (a modern consumer gets the stored bytes as they are). Plain and gzip.
 */
import { type Compression, buildRecordBatch } from '../../src/protocol/record-batch.js';
import { buildCompressedBatch } from '../../src/protocol/compression.js';
import { checkRecords } from '../../src/protocol/records-check.js';
import { decompressBounded } from '../../src/protocol/records-codecs.js';
import { downConvert, encodeMessage, encodeWrapper, upConvert } from '../../src/protocol/legacy-messages.js';
import { report } from './harness.js';

const count = 160;
const now = Date.now();
const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.alloc(90, 'v'), timestampDelta: i }));
const policy = { requireKeys: false, decompressedBytesMax: 64 * 1024 * 1024, recordBytesMax: 1024 * 1024 };
const opts = { decompress: decompressBounded, outputBytesMax: 64 * 1024 * 1024 };
const ms = Number(process.env.MICRO_MS ?? 1000);

async function time(name: string, bytes: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await fn();
  let ops = 0;
  const t0 = process.hrtime.bigint();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await fn();
    ops++;
  }
  const ns = Number(process.hrtime.bigint() - t0) / ops;
  report({ name, opsPerSec: 1e9 / ns, nsPerOp: ns, bytesPerOp: bytes });
}

for (const codec of ['none', 'gzip'] as Compression[]) {
  const messages = Buffer.concat(records.map((r, i) => encodeMessage(BigInt(i), 1, { timestamp: now + i, key: r.key, value: r.value })));
  const legacySet = codec === 'none' ? messages : await encodeWrapper(BigInt(count - 1), 1, codec, messages, now + count - 1, false);
  const input = { baseTimestamp: now, records };
  const v2 = codec === 'none' ? buildRecordBatch(input) : await buildCompressedBatch(input, codec);
  await time(`produce ${codec}: v2 batch check (${count} records)`, v2.length, () => checkRecords(v2, policy));
  await time(`produce ${codec}: magic 1 up-conversion + check`, legacySet.length, async () => checkRecords((await upConvert(legacySet, opts)).batch, policy));
  await time(`fetch ${codec}: magic 1 down-conversion (v2: stored bytes as they are)`, v2.length, () => downConvert(v2, 1, 1 << 30, true));
}
