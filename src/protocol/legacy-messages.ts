// Message formats v0 and v1 (magic 0 and 1, Kafka before 0.11), and their conversion to and from v2
// record batches: up on Produce v0-2 (Kafka 3.x stores v2 only), down on Fetch v0-3.
//
// A message set is a sequence of entries, each:
//   offset int64 | messageSize int32 | crc uint32 (CRC-32, IEEE, over magic..end) | magic int8 |
//   attributes int8 (bits 0-2 codec, bit 3 LogAppendTime: v1 only) | timestamp int64 (v1 only) |
//   key bytes (int32 length, -1 null) | value bytes (int32 length, -1 null)
// A compressed message is a wrapper whose value is a compressed message set of inner messages. In v1 the
// inner offsets are relative (0..n-1) and the wrapper carries the absolute offset of the last inner
// message; in v0 the inner offsets are absolute. Messages have no headers; v0 has no timestamp (-1).
import { type Compression, buildRecordBatch, readBatchHeader, isControlBatch, isLogAppendTime, compression as batchCompression, BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD_BYTES } from './record-batch.js';
import { buildCompressedBatch, compress, compressXerialSnappy, decodeRecordBatches } from './compression.js';
import { ErrorCode, MinikafkaError } from './errors.js';
import { RecordsError } from './records.js';

export type LegacyMagic = 0 | 1;

/** offset (8) + messageSize (4). */
const ENTRY_OVERHEAD_BYTES = 12;
/** crc (4) + magic (1) + attributes (1) + key length (4) + value length (4). */
const MESSAGE_V0_OVERHEAD_BYTES = 14;
const TIMESTAMP_BYTES = 8;
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME_FLAG = 0x08;
export const NO_TIMESTAMP = -1;
/** Records down-converted between two yields to the event loop (~7 us each: a few ms). */
const RECORDS_PER_YIELD = 500;
const CODECS: ReadonlyArray<Compression | undefined> = ['none', 'gzip', 'snappy', 'lz4', undefined];

export interface LegacyMessage {
  offset: bigint;
  magic: LegacyMagic;
  /** -1 for magic 0. */
  timestamp: number;
  logAppendTime: boolean;
  key: Buffer | null;
  value: Buffer | null;
}

/** A message set that cannot be accepted or produced; `errorCode` is the Kafka error it answers with. */
export class LegacyMessageError extends MinikafkaError {
  constructor(readonly errorCode: number, message: string) {
    super('ERR_LEGACY_MESSAGE', message);
  }
}

const corrupt = (message: string): LegacyMessageError => new LegacyMessageError(ErrorCode.CORRUPT_MESSAGE, message);

// ---------------------------------------------------------------- CRC-32 (IEEE): legacy formats only

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc32(buf: Buffer): number {
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// ---------------------------------------------------------------- reading and writing message sets

interface RawMessage extends LegacyMessage {
  codec: Compression;
}

/**
 * Reads the entries of a message set. A trailing partial entry is an error unless `partialTail` (a
 * fetched set may end mid-message). Throws LegacyMessageError(CORRUPT_MESSAGE) on a bad size, CRC
 * or magic, or an unknown codec.
 */
function readEntries(buf: Buffer, partialTail: boolean): RawMessage[] {
  const out: RawMessage[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < ENTRY_OVERHEAD_BYTES) {
      if (partialTail) break;
      throw corrupt(`${buf.length - pos} bytes left after ${out.length} messages: not a whole entry`);
    }
    const offset = buf.readBigInt64BE(pos);
    const size = buf.readInt32BE(pos + 8);
    if (size < MESSAGE_V0_OVERHEAD_BYTES) throw corrupt(`message ${out.length}: size ${size} is below the smallest message`);
    const start = pos + ENTRY_OVERHEAD_BYTES;
    if (size > buf.length - start) {
      if (partialTail) break;
      throw corrupt(`message ${out.length}: size ${size} overruns the message set`);
    }
    out.push(readMessage(buf.subarray(start, start + size), offset, out.length));
    pos = start + size;
  }
  return out;
}

function readMessage(m: Buffer, offset: bigint, index: number): RawMessage {
  const crc = m.readUInt32BE(0);
  if (crc32(m.subarray(4)) !== crc) throw corrupt(`message ${index}: CRC mismatch`);
  const magic = m.readInt8(4);
  if (magic !== 0 && magic !== 1) throw corrupt(`message ${index}: magic ${magic} in a v0/v1 message set`);
  const attributes = m.readInt8(5);
  const codec = CODECS[attributes & CODEC_MASK];
  if (codec === undefined) throw new LegacyMessageError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `message ${index}: codec ${attributes & CODEC_MASK} is not allowed in magic ${magic}`);
  let pos = 6;
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    if (m.length < MESSAGE_V0_OVERHEAD_BYTES + TIMESTAMP_BYTES) throw corrupt(`message ${index}: too short for magic 1`);
    timestamp = Number(m.readBigInt64BE(pos));
    pos += TIMESTAMP_BYTES;
  }
  const field = (what: string): Buffer | null => {
    if (m.length - pos < 4) throw corrupt(`message ${index}: no room for the ${what} length`);
    const n = m.readInt32BE(pos);
    pos += 4;
    if (n === -1) return null;
    if (n < 0 || n > m.length - pos) throw corrupt(`message ${index}: ${what} of ${n} bytes does not fit`);
    const b = m.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const key = field('key');
  const value = field('value');
  if (pos !== m.length) throw corrupt(`message ${index}: ${m.length - pos} bytes after the value`);
  return { offset, magic, timestamp, logAppendTime: magic === 1 && (attributes & LOG_APPEND_TIME_FLAG) !== 0, key, value, codec };
}

/** Encodes one message set entry. */
export function encodeMessage(offset: bigint, magic: LegacyMagic, m: { timestamp?: number; key: Buffer | null; value: Buffer | null; codec?: Compression; logAppendTime?: boolean }): Buffer {
  const keyBytes = m.key?.length ?? 0;
  const valueBytes = m.value?.length ?? 0;
  const size = MESSAGE_V0_OVERHEAD_BYTES + (magic === 1 ? TIMESTAMP_BYTES : 0) + keyBytes + valueBytes;
  const buf = Buffer.alloc(ENTRY_OVERHEAD_BYTES + size);
  buf.writeBigInt64BE(offset, 0);
  buf.writeInt32BE(size, 8);
  let pos = 16;
  buf.writeInt8(magic, pos++);
  const codec = CODECS.indexOf(m.codec ?? 'none');
  buf.writeInt8(codec | (magic === 1 && m.logAppendTime ? LOG_APPEND_TIME_FLAG : 0), pos++);
  if (magic === 1) {
    buf.writeBigInt64BE(BigInt(m.timestamp ?? NO_TIMESTAMP), pos);
    pos += TIMESTAMP_BYTES;
  }
  for (const b of [m.key, m.value]) {
    buf.writeInt32BE(b === null ? -1 : b.length, pos);
    pos += 4;
    if (b !== null) pos += b.copy(buf, pos);
  }
  buf.writeUInt32BE(crc32(buf.subarray(16)), 12);
  return buf;
}

/** Compresses `inner` (a message set) into one wrapper message. Snappy uses the xerial framing Kafka's Java client wrote. */
export async function encodeWrapper(offset: bigint, magic: LegacyMagic, codec: Compression, inner: Buffer, timestamp: number, logAppendTime: boolean): Promise<Buffer> {
  if (codec === 'none' || codec === 'zstd') throw new RangeError(`no ${codec} wrapper in magic ${magic}`);
  const value = codec === 'snappy' ? await compressXerialSnappy(inner) : await compress(codec, inner);
  return encodeMessage(offset, magic, { timestamp, key: null, value, codec, logAppendTime });
}

export type Decompress = (codec: Compression, data: Buffer, outputBytesMax: number) => Promise<Buffer>;
export type DecompressSync = (codec: Compression, data: Buffer, outputBytesMax: number) => Buffer;

interface ReadOptions {
  outputBytesMax: number;
  partialTail?: boolean;
}

/**
 * Every message of a message set with compressed wrappers opened: inner messages get absolute offsets
 * (v1: wrapper offset - last relative + relative) and, under a LogAppendTime wrapper, the wrapper's timestamp.
 * `outputBytesMax` bounds each wrapper's decompressed size.
 */
export async function readMessageSet(buf: Buffer, opts: ReadOptions & { decompress: Decompress }): Promise<{ messages: LegacyMessage[]; codec: Compression }> {
  const steps = messageSetSteps(buf, opts);
  for (let step = steps.next(); ; ) {
    if (step.done === true) return step.value;
    const wrapper = step.value;
    step = steps.next(await guarded(wrapper.codec, () => opts.decompress(wrapper.codec, wrapper.value, opts.outputBytesMax)));
  }
}

/** readMessageSet with a synchronous decompressor (the fuzz target; small inputs). */
export function readMessageSetSync(buf: Buffer, opts: ReadOptions & { decompress: DecompressSync }): { messages: LegacyMessage[]; codec: Compression } {
  const steps = messageSetSteps(buf, opts);
  for (let step = steps.next(); ; ) {
    if (step.done === true) return step.value;
    const wrapper = step.value;
    let inner: Buffer;
    try {
      inner = opts.decompress(wrapper.codec, wrapper.value, opts.outputBytesMax);
    } catch (err) {
      throw decompressionError(err, wrapper.codec);
    }
    step = steps.next(inner);
  }
}

/** A compressed wrapper the reader needs decompressed to go on. */
interface WrapperToOpen { codec: Exclude<Compression, 'none'>; value: Buffer }

/**
 * The one walk of a message set both readers share: yields each compressed wrapper and is resumed
 * with its decompressed bytes (the sync and async readers differ only in how they decompress).
 */
function* messageSetSteps(buf: Buffer, opts: ReadOptions): Generator<WrapperToOpen, { messages: LegacyMessage[]; codec: Compression }, Buffer> {
  const messages: LegacyMessage[] = [];
  let codec: Compression = 'none';
  for (const m of readEntries(buf, opts.partialTail ?? false)) {
    if (m.codec === 'none') {
      messages.push(strip(m));
      continue;
    }
    codec = m.codec;
    const inner = yield { codec: m.codec, value: wrapperValue(m) };
    messages.push(...innerMessages(m, inner));
  }
  return { messages, codec };
}

async function guarded(codec: Compression, decompress: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await decompress();
  } catch (err) {
    throw decompressionError(err, codec);
  }
}

function wrapperValue(m: RawMessage): Buffer {
  if (m.value === null) throw corrupt('a compressed wrapper message without a value');
  return m.value;
}

function decompressionError(err: unknown, codec: Compression): LegacyMessageError {
  if (err instanceof LegacyMessageError) return err;
  if (err instanceof RecordsError) return new LegacyMessageError(err.errorCode, `wrapper message: ${err.message}`);
  return corrupt(`wrapper message: ${codec} data does not decompress (${(err as Error).message.slice(0, 200)})`);
}

function innerMessages(wrapper: RawMessage, inner: Buffer): LegacyMessage[] {
  const inners = readEntries(inner, false);
  if (inners.length === 0) throw corrupt('an empty compressed wrapper message');
  // v1: the wrapper carries the last inner message's absolute offset (KIP-31), so gaps survive.
  const base = wrapper.magic === 1 ? wrapper.offset - inners[inners.length - 1]!.offset : 0n;
  return inners.map((i) => {
    if (i.codec !== 'none') throw corrupt('a compressed message inside a compressed message');
    const timestamp = wrapper.logAppendTime ? wrapper.timestamp : i.timestamp;
    return { ...strip(i), offset: wrapper.magic === 1 ? base + i.offset : i.offset, timestamp, logAppendTime: wrapper.logAppendTime };
  });
}

function strip(m: RawMessage): LegacyMessage {
  return { offset: m.offset, magic: m.magic, timestamp: m.timestamp, logAppendTime: m.logAppendTime, key: m.key, value: m.value };
}

// ---------------------------------------------------------------- conversion

/**
 * Up-conversion (Produce v0-2): one v2 batch holding every message, compressed with the codec the
 * producer used (Kafka 3.x keeps the producer's codec), offsets from 0 (the log assigns them), CreateTime
 * timestamps as sent (v0: none, -1); the produce path then checks it as any batch.
 */
export async function upConvert(messageSet: Buffer, opts: ReadOptions & { decompress: Decompress }): Promise<{ batch: Buffer; records: number; magic: LegacyMagic }> {
  const { messages, codec } = await readMessageSet(messageSet, opts);
  if (messages.length === 0) throw corrupt('an empty message set');
  const magic = messages[0]!.magic;
  const stamped = messages.filter((m) => m.timestamp !== NO_TIMESTAMP);
  const baseTimestamp = stamped.length === 0 ? NO_TIMESTAMP : stamped[0]!.timestamp;
  const maxTimestamp = stamped.length === 0 ? NO_TIMESTAMP : Math.max(...stamped.map((m) => m.timestamp));
  const input = {
    baseOffset: 0, baseTimestamp, maxTimestamp,
    records: messages.map((m) => ({ key: m.key, value: m.value, timestampDelta: m.timestamp === NO_TIMESTAMP ? 0 : m.timestamp - baseTimestamp })),
  };
  const batch = codec === 'none' ? buildRecordBatch(input) : await buildCompressedBatch(input, codec);
  return { batch, records: messages.length, magic };
}

/**
 * Down-conversion (Fetch v0-3): the v2 batches of a stored record set as a magic 0 or 1 message set.
 * Control batches (transaction markers) are left out and headers dropped, as Kafka does. A compressed
 * batch becomes one wrapper with the same codec; zstd cannot be expressed (UNSUPPORTED_COMPRESSION_TYPE,
 * as Kafka answers a Fetch older than v10). Conversion stops once `bytesMax` is reached: `atLeastOne`
 * (Fetch v3, KIP-74) keeps the first converted batch whole, else the set is cut at `bytesMax` and may
 * end in a partial message, which old consumers expect. Records before `firstOffset` are left out.
 */
export async function downConvert(records: Buffer, magic: LegacyMagic, bytesMax: number, atLeastOne: boolean, firstOffset = 0n): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  let pos = 0;
  let sinceYield = 0;
  while (records.length - pos >= BATCH_HEADER_BYTES && total < bytesMax) {
    // A fetch may convert megabytes: give the event loop its turn every few milliseconds of work (DESIGN invariant 8).
    if (sinceYield >= RECORDS_PER_YIELD) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const size = records.readInt32BE(pos + 8) + BATCH_LOG_OVERHEAD_BYTES;
    if (size > records.length - pos) break; // a partial batch at the end of a read
    const one = records.subarray(pos, pos + size);
    pos += size;
    const h = readBatchHeader(one, 0);
    if (isControlBatch(h.attributes)) continue;
    const codec = batchCompression(h.attributes) ?? 'none';
    if (codec === 'zstd') throw new LegacyMessageError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd batches cannot be down-converted to message format v0/v1');
    const [batch] = await decodeRecordBatches(one);
    // Records before the fetch offset (a read starts at the batch holding it) are left out, as Kafka does.
    const kept = batch!.records.filter((r) => r.offset >= firstOffset);
    if (kept.length === 0) continue;
    sinceYield += kept.length;
    const decoded = { records: kept };
    const logAppendTime = isLogAppendTime(h.attributes);
    const at = (timestamp: number): number => (magic === 0 ? NO_TIMESTAMP : logAppendTime ? h.maxTimestamp : timestamp);
    let converted: Buffer;
    if (codec === 'none') {
      converted = Buffer.concat(decoded.records.map((r) => encodeMessage(r.offset, magic, { timestamp: at(r.timestamp), key: r.key, value: r.value, logAppendTime })));
    } else {
      const first = decoded.records[0]!.offset;
      const last = decoded.records[decoded.records.length - 1]!.offset;
      const inner = Buffer.concat(decoded.records.map((r) => encodeMessage(magic === 1 ? r.offset - first : r.offset, magic, { timestamp: at(r.timestamp), key: r.key, value: r.value })));
      converted = await encodeWrapper(last, magic, codec, inner, magic === 0 ? NO_TIMESTAMP : h.maxTimestamp, logAppendTime);
    }
    parts.push(converted);
    total += converted.length;
  }
  const out = Buffer.concat(parts);
  if (out.length <= bytesMax) return out;
  if (atLeastOne && parts.length > 0) {
    // Whole batches up to the limit, and always the first.
    let keep = parts[0]!.length;
    for (let i = 1; i < parts.length && keep + parts[i]!.length <= bytesMax; i++) keep += parts[i]!.length;
    return out.subarray(0, keep);
  }
  return out.subarray(0, bytesMax);
}
