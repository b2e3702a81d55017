/**
 * Fuzz target: the records of one Produce partition, through the produce path's validation
 * (validateRecordBatches) and, when accepted, PartitionLog.append as the Produce handler calls it, on an
 * in-memory fs. Oracle: validation never throws; it agrees with a plain reference reading of the
 * header rules, so a batch whose CRC32C does not check out is never accepted and each rejection carries
 * the Kafka error code the rule implies; an accepted buffer appends without any exception but a
 * StorageError (the log walks the records: a compacted log refuses keyless records with INVALID_RECORD, lying counts get CORRUPT_MESSAGE), and reads back as the same bytes with only baseOffset, partitionLeaderEpoch (and, for
 * LogAppendTime, attributes, maxTimestamp and CRC) rewritten, every CRC still checking out.
 *
 * Input layout: one mode byte, then the record set. Mode bit 0 recomputes each batch's CRC before
 * validation and bit 1 fixes each batchLength to what is left (so mutations get past those checks);
 * bit 2 appends with LogAppendTime, bit 3 to a compacted log (which decodes records to refuse keyless ones). Load it only after Coverage.start() (see engine.ts).
 */
import { crc32c } from '@node-rs/crc32';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BATCH_HEADER_BYTES, OFFSET_ATTRIBUTES, OFFSET_BASE, OFFSET_CRC, OFFSET_LAST_OFFSET_DELTA, OFFSET_LENGTH,
  OFFSET_MAGIC, OFFSET_MAX_TIMESTAMP, OFFSET_RECORD_COUNT, OFFSET_PRODUCER_ID, OFFSET_BASE_TIMESTAMP,
  buildRecordBatch, validateRecordBatches, type BatchErrorCode,
} from '../../src/protocol/record-batch.js';
import { buildCompressedBatch } from '../../src/protocol/compression.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { Reader } from '../../src/protocol/reader.js';
import { decodeRequestHeader } from '../../src/protocol/header.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog } from '../../src/storage/log.js';
import { StorageError } from '../../src/storage/errors.js';
import { fixturesDir } from '../support/paths.js';
import type { FuzzTarget, Mutator } from './engine.js';
import { OracleViolation, requestFixturesDir } from './request-target.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

export const batchCrashesDir = join(fixturesDir, 'fuzz', 'batches');

const MODE_FIX_CRC = 1;
const MODE_FIX_LENGTH = 2;
const MODE_LOG_APPEND_TIME = 4;
const MODE_COMPACTED = 8;

/** The header rules of DESIGN invariant 1, read plainly, in the order the broker applies them. */
export function referenceCheck(buf: Buffer): BatchErrorCode | undefined {
  if (buf.length === 0) return 'CORRUPT_MESSAGE';
  let pos = 0;
  while (pos < buf.length) {
    const left = buf.length - pos;
    if (left < BATCH_HEADER_BYTES) return 'CORRUPT_MESSAGE';
    const size = buf.readInt32BE(pos + OFFSET_LENGTH) + 12;
    if (size < BATCH_HEADER_BYTES || size > left) return 'CORRUPT_MESSAGE';
    const magic = buf.readInt8(pos + OFFSET_MAGIC);
    if (magic < 2) return 'UNSUPPORTED_FOR_MESSAGE_FORMAT';
    if (magic > 2) return 'CORRUPT_MESSAGE';
    if ((crc32c(buf.subarray(pos + OFFSET_ATTRIBUTES, pos + size)) >>> 0) !== buf.readUInt32BE(pos + OFFSET_CRC)) return 'CORRUPT_MESSAGE';
    if ((buf.readInt16BE(pos + OFFSET_ATTRIBUTES) & 7) > 4) return 'UNSUPPORTED_COMPRESSION_TYPE';
    const count = buf.readInt32BE(pos + OFFSET_RECORD_COUNT);
    if (count < 1 || buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA) !== count - 1) return 'CORRUPT_MESSAGE';
    const unsafe = (at: number) => { const v = buf.readBigInt64BE(pos + at); return v > 2n ** 53n - 1n || v < -(2n ** 53n); };
    if (unsafe(OFFSET_BASE_TIMESTAMP) || unsafe(OFFSET_MAX_TIMESTAMP)) return 'INVALID_TIMESTAMP';
    if (unsafe(OFFSET_PRODUCER_ID)) return 'INVALID_RECORD';
    pos += size;
  }
  return undefined;
}

function fixUp(buf: Buffer, mode: number): void {
  for (let pos = 0; buf.length - pos >= BATCH_HEADER_BYTES; ) {
    if ((mode & MODE_FIX_LENGTH) !== 0) {
      const size = buf.readInt32BE(pos + OFFSET_LENGTH) + 12;
      if (size < BATCH_HEADER_BYTES || size > buf.length - pos) buf.writeInt32BE(buf.length - pos - 12, pos + OFFSET_LENGTH);
    }
    const size = buf.readInt32BE(pos + OFFSET_LENGTH) + 12;
    if (size < BATCH_HEADER_BYTES || size > buf.length - pos) return;
    if ((mode & MODE_FIX_CRC) !== 0) buf.writeUInt32BE(crc32c(buf.subarray(pos + OFFSET_ATTRIBUTES, pos + size)) >>> 0, pos + OFFSET_CRC);
    pos += size;
  }
}

const logConfig = { segmentBytes: 64 * 1024, indexIntervalBytes: 512 };
const compactConfig = { ...logConfig, cleanupPolicy: { delete: false, compact: true } };
let logs = openLogs();
let appends = 0;

function openLogs(): { plain: PartitionLog; compacted: PartitionLog } {
  const fs = new MemoryFs();
  return {
    plain: PartitionLog.open('/fuzz/t/0', { fs, config: logConfig }),
    compacted: PartitionLog.open('/fuzz/c/0', { fs, config: compactConfig }),
  };
}

/** A fresh pair of logs every few thousand appends keeps memory flat. */
function nextLog(compacted: boolean): PartitionLog {
  if (++appends > 5000) {
    void logs.plain.close();
    void logs.compacted.close();
    logs = openLogs();
    appends = 0;
  }
  return compacted ? logs.compacted : logs.plain;
}

/** Bytes that may differ between what was produced and what is stored. */
function rewritten(offset: number, logAppendTime: boolean): boolean {
  if (offset < 8 || (offset >= 12 && offset < 16)) return true; // baseOffset, partitionLeaderEpoch
  if (!logAppendTime) return false;
  return (offset >= OFFSET_CRC && offset < OFFSET_CRC + 4)
    || (offset >= OFFSET_ATTRIBUTES && offset < OFFSET_ATTRIBUTES + 2)
    || (offset >= OFFSET_MAX_TIMESTAMP && offset < OFFSET_MAX_TIMESTAMP + 8);
}

export function runBatch(input: Buffer): void {
  if (input.length === 0) return;
  const mode = input[0]!;
  const records = Buffer.from(input.subarray(1));
  fixUp(records, mode);
  const produced = Buffer.from(records);

  let result;
  try {
    result = validateRecordBatches(records);
  } catch (err) {
    throw new OracleViolation(`validateRecordBatches threw ${String(err)}`, { cause: err });
  }
  const expected = referenceCheck(produced);
  if (!result.ok) {
    if (ErrorCode[result.error] === undefined) throw new OracleViolation(`unknown error code ${result.error}`);
    if (expected !== result.error) throw new OracleViolation(`rejected with ${result.error} (${result.message}), the rules say ${expected ?? 'accept'}`);
    return;
  }
  if (expected !== undefined) throw new OracleViolation(`accepted a record set the rules reject with ${expected}`);

  const log = nextLog((mode & MODE_COMPACTED) !== 0);
  const logAppendTime = (mode & MODE_LOG_APPEND_TIME) !== 0;
  const before = log.logEndOffset;
  let appended;
  try {
    appended = log.append(records, { validated: true, leaderEpoch: 0, ...(logAppendTime ? { logAppendTimeMs: Date.now() } : {}) });
  } catch (err) {
    // The log walks the records of what no one walked before (records.ts): a refusal there is one of these, and nothing is appended.
    // Record-level refusals, and the producer-state ones (idempotence and transactions) a random producer id/epoch/sequence earns.
    const recordLevel = ['INVALID_RECORD', 'CORRUPT_MESSAGE', 'RECORD_LIST_TOO_LARGE', 'UNSUPPORTED_COMPRESSION_TYPE',
      'INVALID_PRODUCER_EPOCH', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_TXN_STATE'];
    if (err instanceof StorageError && recordLevel.includes(err.code)) {
      if (log.logEndOffset !== before) throw new OracleViolation(`a refused append (${err.code}) moved the log end`);
      return;
    }
    throw new OracleViolation(`append of a validated record set threw ${String(err)}`, { cause: err });
  }
  if (appended.duplicate === true) {
    // An idempotent producer's retry of a batch already stored: answered with the first append's offsets, nothing written.
    if (log.logEndOffset !== before) throw new OracleViolation('a duplicate batch moved the log end');
    // As Kafka: the first batch found to be a duplicate answers for the append (one batch per partition is what producers send).
    if (appended.baseOffset < 0 || appended.lastOffset >= before || appended.lastOffset < appended.baseOffset) {
      throw new OracleViolation(`a duplicate answered offsets ${appended.baseOffset}..${appended.lastOffset}, not an earlier append's`);
    }
    return;
  }
  if (appended.baseOffset !== before || appended.lastOffset !== before + result.offsetCount - 1) {
    throw new OracleViolation(`append took offsets ${appended.baseOffset}..${appended.lastOffset}, expected ${before} + ${result.offsetCount}`);
  }
  const read = log.read(before, produced.length + 1);
  if (!read.ok) throw new OracleViolation('appended batches do not read back');
  const stored = read.records.subarray(0, produced.length);
  if (stored.length !== produced.length) throw new OracleViolation(`read back ${stored.length} of ${produced.length} bytes`);
  if (!validateRecordBatches(Buffer.from(stored)).ok) throw new OracleViolation('stored batches fail validation');
  for (let pos = 0; pos < produced.length; ) {
    const size = produced.readInt32BE(pos + OFFSET_LENGTH) + 12;
    for (let i = 0; i < size; i++) {
      if (stored[pos + i] !== produced[pos + i] && !rewritten(i, logAppendTime)) {
        throw new OracleViolation(`stored byte ${i} of the batch at ${pos} differs from the one produced`);
      }
    }
    pos += size;
  }
}

/** Header fields at fixed places in the first batch (after the mode byte): the values that matter. */
const headerField: Mutator = (b, rng) => {
  if (b.length < 1 + BATCH_HEADER_BYTES) return b;
  const out = Buffer.from(b);
  const at = 1;
  switch (rng.below(7)) {
    case 0: out.writeInt16BE(rng.below(8) | (rng.below(4) << 4), at + OFFSET_ATTRIBUTES); break;
    case 1: out.writeInt8(rng.pick([-1, 0, 1, 2, 3, 127]), at + OFFSET_MAGIC); break;
    case 2: {
      const n = rng.pick([-1, 0, 1, 2, 1000, 0x7fffffff]);
      out.writeInt32BE(n, at + OFFSET_RECORD_COUNT);
      out.writeInt32BE(rng.chance(2) ? n - 1 : rng.pick([-1, 0, n]), at + OFFSET_LAST_OFFSET_DELTA);
      break;
    }
    default: {
      const field = rng.pick([OFFSET_BASE, OFFSET_MAX_TIMESTAMP, OFFSET_BASE_TIMESTAMP, OFFSET_PRODUCER_ID]);
      out.writeBigInt64BE(rng.pick([-1n, 0n, 2n ** 53n, 2n ** 62n, 2n ** 63n - 1n, -(2n ** 63n)]), at + field);
    }
  }
  return out;
};

const setMode: Mutator = (b, rng) => {
  if (b.length === 0) return b;
  const out = Buffer.from(b);
  out[0] = rng.below(16);
  return out;
};

/** Record sets of the Produce requests captured from real clients. */
function capturedRecordSets(): Buffer[] {
  const out: Buffer[] = [];
  for (const f of readdirSync(requestFixturesDir).filter((n) => /^0-v\d+-/.test(n)).sort()) {
    const r = new Reader(readFileSync(join(requestFixturesDir, f)));
    const h = decodeRequestHeader(r);
    const req = apiMessages[ApiKey.Produce]!.decodeRequest(r, h.apiVersion) as { topicData: { partitionData: { records: Buffer | null }[] }[] };
    for (const t of req.topicData) for (const p of t.partitionData) if (p.records !== null) out.push(Buffer.from(p.records));
  }
  return out;
}

async function builtRecordSets(): Promise<Buffer[]> {
  const records = [
    { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }] },
    { key: null, value: null, timestampDelta: 5 },
    { key: Buffer.from('k3'), value: Buffer.alloc(40, 7) },
  ];
  const one = buildRecordBatch({ baseTimestamp: 1_700_000_000_000, records: records.slice(0, 1) });
  const three = buildRecordBatch({ baseTimestamp: 1_700_000_000_000, producerId: 7, producerEpoch: 0, baseSequence: 0, records });
  return [
    one,
    three,
    Buffer.concat([one, three]),
    await buildCompressedBatch({ baseTimestamp: 1_700_000_000_000, records }, 'gzip'),
    await buildCompressedBatch({ baseTimestamp: 1_700_000_000_000, records }, 'zstd'),
  ];
}

function readDir(dir: string): Buffer[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.bin')).sort().map((f) => readFileSync(join(dir, f)));
  } catch {
    return [];
  }
}

export async function batchSeeds(): Promise<Buffer[]> {
  const sets = [...capturedRecordSets(), ...(await builtRecordSets())];
  const withMode = sets.flatMap((s) => [0, MODE_FIX_CRC | MODE_FIX_LENGTH, MODE_FIX_CRC | MODE_COMPACTED].map((m) => Buffer.concat([Buffer.from([m]), s])));
  return [...withMode, ...readDir(batchCrashesDir)];
}

export const batchTarget: FuzzTarget = {
  name: 'record-batch',
  includeScript: (url) => /\/dist\/src\/(protocol\/record-batch|protocol\/records(-check|-codecs)?|storage\/(log|segment))\.js$/.test(url),
  seeds: await batchSeeds(),
  maxInputBytes: 4096,
  mutators: [headerField, headerField, setMode],
  run: runBatch,
};
