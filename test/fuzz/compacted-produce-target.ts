/**
 * Fuzz target: the produce path of a compacted topic as the Produce handler runs it: header validation
 * (validateRecordBatches), the record walk with bounded decompression (checkRecords with a compacted
 * topic's policy), then PartitionLog.append, on an in-memory fs.
 *
 * Input layout: one mode byte, then
 *  - built modes (codec = mode & 7 below 6: none, gzip, snappy, lz4, zstd, xerial snappy): u24 declared
 *    record count, int8 skew (lastOffsetDelta = count - 1 + skew), then a records section that the
 *    target compresses with the codec into one batch (valid CRC). Mutations reach the walker whatever
 *    the codec.
 *  - raw modes (6, 7): a produce record set as is (CRC fixed up), so frames of every codec are mutated
 *    as bytes (frame parsers and codecs meet damaged input).
 *  Bit 4 of the mode appends with LogAppendTime.
 *
 * Oracle: nothing throws but RecordsError (from the check); in built modes the outcome is what a plain
 * reference reading of the header and the uncompressed section says (CORRUPT_MESSAGE for a lie or
 * damage, RECORD_LIST_TOO_LARGE for a count that cannot fit, INVALID_RECORD for a keyless record,
 * else accepted); in raw modes an accepted record set reads back through the reference reading
 * too; an accepted record set appends without an exception and reads back byte for byte (but for
 * the fields the broker rewrites). Load it only after Coverage.start() (see engine.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import {
  BATCH_HEADER_BYTES, OFFSET_ATTRIBUTES, OFFSET_CRC, OFFSET_LAST_OFFSET_DELTA, OFFSET_LENGTH, OFFSET_RECORD_COUNT,
  buildRecordBatch, validateRecordBatches, type Compression,
} from '../../src/protocol/record-batch.js';
import { RecordsError, type RecordsPolicy } from '../../src/protocol/records.js';
import { checkRecords } from '../../src/protocol/records-check.js';
import { compress, compressXerialSnappy, decompress } from '../../src/protocol/compression.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog } from '../../src/storage/log.js';
import { fixturesDir } from '../support/paths.js';
import type { Mutator } from './engine.js';
import type { AsyncFuzzTarget } from './engine-async.js';
import { OracleViolation } from './request-target.js';

export const compactedProduceCrashesDir = join(fixturesDir, 'fuzz', 'compacted-produce');

const CODECS: Array<Compression | 'xerial'> = ['none', 'gzip', 'snappy', 'lz4', 'zstd', 'xerial'];
const CODEC_IDS: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const MODE_RAW = 6;
const MODE_LOG_APPEND_TIME = 0x10;
const BUILT_PREFIX_BYTES = 4;
const POLICY: RecordsPolicy = { requireKeys: true, decompressedBytesMax: 2 * 1024 * 1024, recordBytesMax: 4096 };
const RECORD_BYTES_MIN = 7;
const DECOMPRESSED_FLOOR = 1024 * 1024;

type Outcome = 'ok' | 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'RECORD_LIST_TOO_LARGE';

/** Plain reading of a records section: the first problem, in the walker's order, or 'ok'. */
export function referenceRecords(s: Buffer, count: number): Outcome {
  let p = 0;
  const varint = (end: number, bytesMax: number): number | undefined => {
    let u = 0n;
    for (let i = 0; i < bytesMax; i++) {
      if (p >= end) return undefined;
      const b = s[p++]!;
      u |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (bytesMax === 5 && u > 0xffffffffn) return undefined;
        if (u > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
        const v = Number(u);
        return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      }
    }
    return undefined;
  };
  for (let i = 0; i < count; i++) {
    if (p >= s.length) return 'CORRUPT_MESSAGE';
    const length = varint(s.length, 5);
    if (length === undefined || length < 6 || length > s.length - p) return 'CORRUPT_MESSAGE';
    const end = p + length;
    p += 1; // attributes
    if (varint(end, 10) === undefined) return 'CORRUPT_MESSAGE';
    if (varint(end, 5) !== i) return 'CORRUPT_MESSAGE';
    const field = (): boolean => {
      const n = varint(end, 5);
      if (n === undefined || n < -1 || n > end - p) return false;
      if (n > 0) p += n;
      return true;
    };
    const keyLength = varint(end, 5);
    if (keyLength === undefined || keyLength < -1 || keyLength > end - p) return 'CORRUPT_MESSAGE';
    if (keyLength > 0) p += keyLength;
    if (!field()) return 'CORRUPT_MESSAGE';
    const headers = varint(end, 5);
    if (headers === undefined || headers < 0) return 'CORRUPT_MESSAGE';
    for (let h = 0; h < headers; h++) {
      const k = varint(end, 5);
      if (k === undefined || k < 0 || k > end - p) return 'CORRUPT_MESSAGE';
      p += k;
      if (!field()) return 'CORRUPT_MESSAGE';
    }
    if (p !== end) return 'CORRUPT_MESSAGE';
    if (keyLength === -1) return 'INVALID_RECORD';
  }
  return p === s.length ? 'ok' : 'CORRUPT_MESSAGE';
}

function limitFor(count: number): number {
  return Math.min(POLICY.decompressedBytesMax, Math.max(count * POLICY.recordBytesMax, DECOMPRESSED_FLOOR));
}

/** The batch the built modes produce: header fields as given, the section compressed with the codec. */
async function buildBatch(codec: Compression | 'xerial', count: number, lastOffsetDelta: number, section: Buffer): Promise<Buffer> {
  const packed = codec === 'xerial' ? await compressXerialSnappy(section, 1024) : await compress(codec, section);
  const b = Buffer.concat([buildRecordBatch({ baseTimestamp: 1_700_000_000_000, records: [{ key: Buffer.from('k'), value: null }] }).subarray(0, BATCH_HEADER_BYTES), packed]);
  b.writeInt32BE(b.length - 12, OFFSET_LENGTH);
  b.writeInt16BE(CODEC_IDS[codec === 'xerial' ? 'snappy' : codec], OFFSET_ATTRIBUTES);
  b.writeInt32BE(count, OFFSET_RECORD_COUNT);
  b.writeInt32BE(lastOffsetDelta, OFFSET_LAST_OFFSET_DELTA);
  b.writeUInt32BE(crc32c(b.subarray(OFFSET_ATTRIBUTES)) >>> 0, OFFSET_CRC);
  return b;
}

let fs = new MemoryFs();
let log = openLog();
let appends = 0;

function openLog(): PartitionLog {
  return PartitionLog.open('/fuzz/c/0', { fs, config: { segmentBytes: 64 * 1024, indexIntervalBytes: 512, cleanupPolicy: { delete: false, compact: true }, decompressedBytesMax: POLICY.decompressedBytesMax } });
}

async function appendAndReadBack(records: Buffer, logAppendTime: boolean): Promise<void> {
  if (++appends > 2000) {
    await log.close();
    fs = new MemoryFs();
    log = openLog();
    appends = 0;
  }
  const produced = Buffer.from(records);
  const before = log.logEndOffset;
  try {
    log.append(records, { validated: true, recordsChecked: true, leaderEpoch: 0, ...(logAppendTime ? { logAppendTimeMs: 1_800_000_000_000 } : {}) });
  } catch (err) {
    throw new OracleViolation(`append of a checked record set threw ${String(err)}`, { cause: err });
  }
  const read = log.read(before, produced.length + 1, { minOneBatch: true });
  if (!read.ok) throw new OracleViolation('appended batches do not read back');
  const stored = read.records.subarray(0, produced.length);
  for (let pos = 0; pos < produced.length; ) {
    const size = produced.readInt32BE(pos + OFFSET_LENGTH) + 12;
    // Stored as produced but for baseOffset and leader epoch (and, under LogAppendTime, attributes, maxTimestamp, CRC).
    const from = logAppendTime ? BATCH_HEADER_BYTES : 16;
    if (!stored.subarray(pos + from, pos + size).equals(produced.subarray(pos + from, pos + size))) throw new OracleViolation(`batch at ${pos} stored differently`);
    pos += size;
  }
}

async function check(records: Buffer): Promise<Outcome> {
  try {
    await checkRecords(records, POLICY);
    return 'ok';
  } catch (err) {
    if (!(err instanceof RecordsError)) throw new OracleViolation(`checkRecords threw ${String(err)}`, { cause: err });
    if (err.code === 'UNSUPPORTED_COMPRESSION_TYPE') throw new OracleViolation('validated batches have known codecs');
    return err.code;
  }
}

async function runBuilt(mode: number, input: Buffer): Promise<void> {
  if (input.length < BUILT_PREFIX_BYTES) return;
  const codec = CODECS[mode & 7]!;
  const count = input.readUIntBE(0, 3);
  const lastOffsetDelta = count - 1 + input.readInt8(3);
  const section = input.subarray(BUILT_PREFIX_BYTES);
  const records = await buildBatch(codec, count, lastOffsetDelta, section);
  const header = validateRecordBatches(records);
  let expected: Outcome;
  if (count < 1 || lastOffsetDelta !== count - 1) expected = 'CORRUPT_MESSAGE';
  else if (codec !== 'none' && count * RECORD_BYTES_MIN > limitFor(count)) expected = 'RECORD_LIST_TOO_LARGE';
  else expected = referenceRecords(section, count);
  const got = header.ok ? await check(records) : (header.error as Outcome);
  if (got !== expected) throw new OracleViolation(`${codec}: ${got}, the reference reading says ${expected}`);
  if (got === 'ok') await appendAndReadBack(records, (mode & MODE_LOG_APPEND_TIME) !== 0);
}

async function runRaw(mode: number, records: Buffer): Promise<void> {
  for (let pos = 0; records.length - pos >= BATCH_HEADER_BYTES; ) {
    const size = records.readInt32BE(pos + OFFSET_LENGTH) + 12;
    if (size < BATCH_HEADER_BYTES || size > records.length - pos) break;
    records.writeUInt32BE(crc32c(records.subarray(pos + OFFSET_ATTRIBUTES, pos + size)) >>> 0, pos + OFFSET_CRC);
    pos += size;
  }
  if (!validateRecordBatches(records).ok) return;
  if ((await check(records)) !== 'ok') return;
  for (let pos = 0; pos < records.length; ) {
    const size = records.readInt32BE(pos + OFFSET_LENGTH) + 12;
    const codec = (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)[records.readInt16BE(pos + OFFSET_ATTRIBUTES) & 7]!;
    const section = await decompress(codec, records.subarray(pos + BATCH_HEADER_BYTES, pos + size));
    const outcome = referenceRecords(section, records.readInt32BE(pos + OFFSET_RECORD_COUNT));
    if (outcome !== 'ok') throw new OracleViolation(`accepted a ${codec} batch the reference reading refuses (${outcome})`);
    pos += size;
  }
  await appendAndReadBack(records, (mode & MODE_LOG_APPEND_TIME) !== 0);
}

export async function runCompactedProduce(input: Buffer): Promise<void> {
  if (input.length === 0) return;
  const mode = input[0]!;
  const rest = Buffer.from(input.subarray(1));
  if ((mode & 7) >= MODE_RAW) await runRaw(mode, rest);
  else await runBuilt(mode, rest);
}

/** The count and skew of built inputs: the values that matter. */
const headerLie: Mutator = (b, rng) => {
  if (b.length < 1 + BUILT_PREFIX_BYTES || (b[0]! & 7) >= MODE_RAW) return b;
  const out = Buffer.from(b);
  if (rng.chance(2)) out.writeUIntBE(rng.pick([0, 1, 2, 3, 5, 100, 9362, 149797, 300000, 0xffffff]), 1, 3);
  else out.writeInt8(rng.pick([-1, 0, 0, 0, 1, 127, -128]), 4);
  return out;
};

const setMode: Mutator = (b, rng) => {
  if (b.length === 0) return b;
  const out = Buffer.from(b);
  out[0] = (out[0]! & ~0x17) | rng.below(8) | (rng.chance(4) ? MODE_LOG_APPEND_TIME : 0);
  return out;
};

function sectionOf(records: Parameters<typeof buildRecordBatch>[0]['records']): Buffer {
  return buildRecordBatch({ baseTimestamp: 1_700_000_000_000, records }).subarray(BATCH_HEADER_BYTES);
}

function built(mode: number, count: number, section: Buffer, skew = 0): Buffer {
  const prefix = Buffer.alloc(1 + BUILT_PREFIX_BYTES);
  prefix[0] = mode;
  prefix.writeUIntBE(count, 1, 3);
  prefix.writeInt8(skew, 4);
  return Buffer.concat([prefix, section]);
}

async function seeds(): Promise<Buffer[]> {
  const three = [
    { key: Buffer.from('user-1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }] },
    { key: Buffer.from('user-2'), value: null, timestampDelta: 5 },
    { key: Buffer.from('user-1'), value: Buffer.alloc(40, 7) },
  ];
  const keyless = [{ key: null, value: Buffer.from('v') }];
  const out: Buffer[] = [];
  for (let m = 0; m < MODE_RAW; m++) {
    out.push(built(m, 3, sectionOf(three)), built(m, 1, sectionOf(three)), built(m, 1, sectionOf(keyless)), built(m | MODE_LOG_APPEND_TIME, 3, sectionOf(three)));
  }
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const b = await buildBatch(codec, 3, 2, sectionOf(three));
    out.push(Buffer.concat([Buffer.from([MODE_RAW]), b]), Buffer.concat([Buffer.from([MODE_RAW + 1]), b, await buildBatch(codec, 1, 0, sectionOf(three.slice(0, 1)))]));
  }
  try {
    for (const f of readdirSync(compactedProduceCrashesDir).filter((n) => n.endsWith('.bin')).sort()) out.push(readFileSync(join(compactedProduceCrashesDir, f)));
  } catch {
    // no past crashes saved
  }
  return out;
}

export const compactedProduceTarget: AsyncFuzzTarget = {
  name: 'compacted-produce',
  includeScript: (url) => /\/dist\/src\/(protocol\/(record-batch|records|records-check|records-codecs)|storage\/log)\.js$/.test(url),
  seeds: await seeds(),
  maxInputBytes: 4096,
  mutators: [headerLie, headerLie, setMode],
  run: runCompactedProduce,
};
