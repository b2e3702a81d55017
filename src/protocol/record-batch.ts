// Record batch v2 header helpers. Batches stay opaque on the produce/fetch path: only the 61-byte
// header is read or rewritten here; the records inside are walked by records.ts.
//
// Layout (big-endian), offsets from the batch start:
//   0 baseOffset int64 | 8 batchLength int32 (bytes after this field)
//  12 partitionLeaderEpoch int32 | 16 magic int8 | 17 crc uint32 (CRC32C of 21..end)
//  21 attributes int16 | 23 lastOffsetDelta int32 | 27 baseTimestamp int64
//  35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
//  53 baseSequence int32 | 57 recordCount int32 | 61 records...
import { crc32c } from './crc32c.js';

export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's coverage starts (baseOffset + batchLength). */
export const BATCH_LOG_OVERHEAD_BYTES = 12;
export const CURRENT_MAGIC = 2;

export const OFFSET_BASE = 0;
export const OFFSET_LENGTH = 8;
export const OFFSET_LEADER_EPOCH = 12;
export const OFFSET_MAGIC = 16;
export const OFFSET_CRC = 17;
export const OFFSET_ATTRIBUTES = 21;
export const OFFSET_LAST_OFFSET_DELTA = 23;
export const OFFSET_BASE_TIMESTAMP = 27;
export const OFFSET_MAX_TIMESTAMP = 35;
export const OFFSET_PRODUCER_ID = 43;
export const OFFSET_PRODUCER_EPOCH = 51;
export const OFFSET_BASE_SEQUENCE = 53;
export const OFFSET_RECORD_COUNT = 57;

const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_TIMESTAMP_TYPE = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface BatchHeader {
  baseOffset: number;
  /** Whole batch size on disk: batchLength + 12. */
  sizeBytes: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads a signed int64 as a number; asserts it fits in 53 bits (offsets, ms timestamps, producer ids do). */
export function readInt64Number(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos);
  const lo = buf.readUInt32BE(pos + 4);
  if (hi > 0x1fffff || hi < -0x200000) throw new RangeError(`int64 at ${pos} exceeds 2^53`);
  return hi * 0x1_0000_0000 + lo;
}

export function writeInt64Number(buf: Buffer, value: number, pos: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  const hi = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 0x1_0000_0000, pos + 4);
}

export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  if (pos + BATCH_HEADER_BYTES > buf.length) throw new RangeError('truncated batch header');
  const batchLength = buf.readInt32BE(pos + OFFSET_LENGTH);
  return {
    baseOffset: readInt64Number(buf, pos + OFFSET_BASE),
    sizeBytes: batchLength + BATCH_LOG_OVERHEAD_BYTES,
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + OFFSET_LEADER_EPOCH),
    magic: buf.readInt8(pos + OFFSET_MAGIC),
    crc: buf.readUInt32BE(pos + OFFSET_CRC),
    attributes: buf.readInt16BE(pos + OFFSET_ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA),
    baseTimestamp: readInt64Number(buf, pos + OFFSET_BASE_TIMESTAMP),
    maxTimestamp: readInt64Number(buf, pos + OFFSET_MAX_TIMESTAMP),
    producerId: readInt64Number(buf, pos + OFFSET_PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + OFFSET_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFFSET_BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + OFFSET_RECORD_COUNT),
  };
}

/** The header fields producer state looks at. Never reads baseOffset (a client may send any int64 there). */
export interface BatchProducerFields {
  sizeBytes: number;
  attributes: number;
  lastOffsetDelta: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export function readBatchProducerFields(buf: Buffer, pos: number): BatchProducerFields {
  if (pos + BATCH_HEADER_BYTES > buf.length) throw new RangeError('truncated batch header');
  return {
    sizeBytes: buf.readInt32BE(pos + OFFSET_LENGTH) + BATCH_LOG_OVERHEAD_BYTES,
    attributes: buf.readInt16BE(pos + OFFSET_ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA),
    producerId: readInt64Number(buf, pos + OFFSET_PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + OFFSET_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFFSET_BASE_SEQUENCE),
  };
}

// Single header fields of the batch at buf[pos] (a whole header must be readable), for hot loops
// that walk batches without decoding whole headers.
export function batchBaseOffsetAt(buf: Buffer, pos: number): number {
  return readInt64Number(buf, pos + OFFSET_BASE);
}
export function batchLastOffsetDeltaAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA);
}
/** Base offset + last offset delta: the batch's last offset. */
export function batchLastOffsetAt(buf: Buffer, pos: number): number {
  return batchBaseOffsetAt(buf, pos) + batchLastOffsetDeltaAt(buf, pos);
}
export function batchMagicAt(buf: Buffer, pos: number): number {
  return buf.readInt8(pos + OFFSET_MAGIC);
}
export function batchAttributesAt(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + OFFSET_ATTRIBUTES);
}
export function batchMaxTimestampAt(buf: Buffer, pos: number): number {
  return readInt64Number(buf, pos + OFFSET_MAX_TIMESTAMP);
}
export function batchRecordCountAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + OFFSET_RECORD_COUNT);
}
/** The int64 producer id is >= 0 exactly when its high int32 is: one read, no bigint. */
export function batchHasProducerIdAt(buf: Buffer, pos: number): boolean {
  return buf.readInt32BE(pos + OFFSET_PRODUCER_ID) >= 0;
}

/** Whole batch size (batchLength + 12) of the batch at pos; needs 12 readable bytes. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + OFFSET_LENGTH) + BATCH_LOG_OVERHEAD_BYTES;
}

export function computeBatchCrc(buf: Buffer, pos: number, sizeBytes: number): number {
  return crc32c(buf.subarray(pos + OFFSET_ATTRIBUTES, pos + sizeBytes)) >>> 0;
}

export function batchCrcMatches(buf: Buffer, pos: number, sizeBytes: number): boolean {
  return computeBatchCrc(buf, pos, sizeBytes) === buf.readUInt32BE(pos + OFFSET_CRC);
}

function rewriteCrc(buf: Buffer, pos: number): void {
  const size = batchSizeAt(buf, pos);
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + OFFSET_CRC);
}

// baseOffset and partitionLeaderEpoch sit before the CRC'd range: no CRC update needed.
export function setBaseOffset(buf: Buffer, pos: number, offset: number): void {
  writeInt64Number(buf, offset, pos + OFFSET_BASE);
}

export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + OFFSET_LEADER_EPOCH);
}

/**
 * Kafka's LogAppendTime: the broker sets the timestamp-type bit and maxTimestamp = now;
 * consumers then use maxTimestamp for every record. Both fields are CRC-covered, so the CRC is recomputed.
 */
export function setMaxTimestampLogAppendTime(buf: Buffer, pos: number, timestampMs: number): void {
  const attributes = buf.readInt16BE(pos + OFFSET_ATTRIBUTES);
  buf.writeInt16BE(attributes | ATTR_TIMESTAMP_TYPE, pos + OFFSET_ATTRIBUTES);
  writeInt64Number(buf, timestampMs, pos + OFFSET_MAX_TIMESTAMP);
  rewriteCrc(buf, pos);
}

/** Kafka's KIP-534 attribute bit: baseTimestamp holds the batch's delete horizon (ms). */
export const ATTR_DELETE_HORIZON = 0x40;

/** Delete horizon of a batch (KIP-534), or undefined if none is set. */
export function deleteHorizonMs(header: BatchHeader): number | undefined {
  return (header.attributes & ATTR_DELETE_HORIZON) !== 0 ? header.baseTimestamp : undefined;
}

export interface BatchRewrite {
  attributes: number;
  baseTimestamp: number;
  maxTimestamp: number;
  recordCount: number;
  /** The records section, compressed as `attributes` says. */
  section: Buffer;
}

/**
 * A batch like `h` (same baseOffset, lastOffsetDelta, leader epoch, producer fields) with other
 * records: what the log cleaner writes. CRC computed.
 */
export function rebuildBatch(h: BatchHeader, r: BatchRewrite): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + r.section.length);
  writeInt64Number(out, h.baseOffset, OFFSET_BASE);
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD_BYTES, OFFSET_LENGTH);
  out.writeInt32BE(h.partitionLeaderEpoch, OFFSET_LEADER_EPOCH);
  out.writeInt8(CURRENT_MAGIC, OFFSET_MAGIC);
  out.writeInt16BE(r.attributes, OFFSET_ATTRIBUTES);
  out.writeInt32BE(h.lastOffsetDelta, OFFSET_LAST_OFFSET_DELTA);
  writeInt64Number(out, r.baseTimestamp, OFFSET_BASE_TIMESTAMP);
  writeInt64Number(out, r.maxTimestamp, OFFSET_MAX_TIMESTAMP);
  writeInt64Number(out, h.producerId, OFFSET_PRODUCER_ID);
  out.writeInt16BE(h.producerEpoch, OFFSET_PRODUCER_EPOCH);
  out.writeInt32BE(h.baseSequence, OFFSET_BASE_SEQUENCE);
  out.writeInt32BE(r.recordCount, OFFSET_RECORD_COUNT);
  r.section.copy(out, BATCH_HEADER_BYTES);
  rewriteCrc(out, 0);
  return out;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & ATTR_CONTROL) !== 0;
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & ATTR_TRANSACTIONAL) !== 0;
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & ATTR_TIMESTAMP_TYPE) !== 0;
}

/** Compression codec of a batch, or undefined for an unknown codec id (5..7). */
export function compression(attributes: number): Compression | undefined {
  return COMPRESSIONS[attributes & ATTR_COMPRESSION_MASK];
}

export type BatchErrorCode =
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'UNSUPPORTED_FOR_MESSAGE_FORMAT'
  | 'UNSUPPORTED_COMPRESSION_TYPE'
  | 'INVALID_TIMESTAMP';

export type ValidationResult =
  | {
      ok: true;
      batches: number;
      records: number;
      /** Largest maxTimestamp over the batches (-1 if none set one). */
      maxTimestamp: number;
      /** Sum of lastOffsetDelta + 1: the offsets the buffer will take. */
      offsetCount: number;
      /** Some batch is compressed (its records are checked off the event loop). */
      compressed: boolean;
      /** Size of the largest batch (max.message.bytes applies per batch). */
      largestBatchBytes: number;
    }
  | { ok: false; error: BatchErrorCode; message: string; batchIndex: number; position: number };

/**
 * Walks every batch in a produce buffer by header only: sizes fit, magic 2, known compression,
 * recordCount >= 1 with lastOffsetDelta == recordCount - 1 (else CORRUPT_MESSAGE), CRC32C matches, timestamps and producer id
 * within 2^53 (storage reads them as numbers), no trailing bytes. The producer's baseOffset is not read.
 */
export function validateRecordBatches(buf: Buffer): ValidationResult {
  let pos = 0;
  let batches = 0;
  let records = 0;
  let maxTimestamp = -1;
  let offsetCount = 0;
  let compressed = false;
  let largestBatchBytes = 0;
  while (pos < buf.length) {
    const problem = checkBatchAt(buf, pos);
    if (problem !== undefined) return { ok: false, ...problem, batchIndex: batches, position: pos };
    const count = buf.readInt32BE(pos + OFFSET_RECORD_COUNT);
    const ts = readInt64Number(buf, pos + OFFSET_MAX_TIMESTAMP);
    if (ts > maxTimestamp) maxTimestamp = ts;
    records += count;
    offsetCount += buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA) + 1;
    compressed ||= (buf.readInt16BE(pos + OFFSET_ATTRIBUTES) & 7) !== 0;
    const size = batchSizeAt(buf, pos);
    if (size > largestBatchBytes) largestBatchBytes = size;
    batches += 1;
    pos += size;
  }
  if (batches === 0) {
    return { ok: false, error: 'CORRUPT_MESSAGE', message: 'empty record set', batchIndex: 0, position: 0 };
  }
  return { ok: true, batches, records, maxTimestamp, offsetCount, compressed, largestBatchBytes };
}

/** Checks one batch at pos; returns the problem or undefined. Shared with log recovery. */
export function checkBatchAt(
  buf: Buffer,
  pos: number,
): { error: BatchErrorCode; message: string } | undefined {
  const remaining = buf.length - pos;
  if (remaining < BATCH_HEADER_BYTES) {
    return { error: 'CORRUPT_MESSAGE', message: `trailing ${remaining} bytes shorter than a batch header` };
  }
  const size = batchSizeAt(buf, pos);
  if (size < BATCH_HEADER_BYTES) return { error: 'CORRUPT_MESSAGE', message: `batch length ${size - 12} too small` };
  if (size > remaining) {
    return { error: 'CORRUPT_MESSAGE', message: `batch length ${size - 12} exceeds the ${remaining - 12} bytes left` };
  }
  const magic = buf.readInt8(pos + OFFSET_MAGIC);
  if (magic < CURRENT_MAGIC) return { error: 'UNSUPPORTED_FOR_MESSAGE_FORMAT', message: `magic ${magic} not supported` };
  if (magic !== CURRENT_MAGIC) return { error: 'CORRUPT_MESSAGE', message: `unknown magic ${magic}` };
  if (!batchCrcMatches(buf, pos, size)) return { error: 'CORRUPT_MESSAGE', message: 'CRC32C mismatch' };
  const attributes = buf.readInt16BE(pos + OFFSET_ATTRIBUTES);
  if (compression(attributes) === undefined) {
    return { error: 'UNSUPPORTED_COMPRESSION_TYPE', message: `compression codec ${attributes & 7}` };
  }
  const count = buf.readInt32BE(pos + OFFSET_RECORD_COUNT);
  const lastOffsetDelta = buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA);
  // A header that lies about its records is corrupt data (hostile-input finding 3): the walk of the
  // records (records.ts) then checks the count and offset deltas against what the batch holds.
  if (count < 1) return { error: 'CORRUPT_MESSAGE', message: `record count ${count}` };
  if (lastOffsetDelta !== count - 1) {
    return { error: 'CORRUPT_MESSAGE', message: `lastOffsetDelta ${lastOffsetDelta} != recordCount - 1 (${count - 1})` };
  }
  if (!int64IsSafe(buf, pos + OFFSET_BASE_TIMESTAMP) || !int64IsSafe(buf, pos + OFFSET_MAX_TIMESTAMP)) {
    return { error: 'INVALID_TIMESTAMP', message: 'timestamp beyond 2^53 ms' };
  }
  if (!int64IsSafe(buf, pos + OFFSET_PRODUCER_ID)) return { error: 'INVALID_RECORD', message: 'producer id beyond 2^53' };
  return undefined;
}

/** Whether the int64 at pos is a safe integer (what readInt64Number accepts). */
function int64IsSafe(buf: Buffer, pos: number): boolean {
  const hi = buf.readInt32BE(pos);
  return hi <= 0x1fffff && hi >= -0x200000;
}

// ---- Building batches (tests and our client). Uncompressed only. ----

export interface RecordHeaderInput {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaderInput[];
  timestampDelta?: number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

export interface BuildBatchInput {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  attributes?: number;
  baseTimestamp?: number;
  /** Defaults to baseTimestamp + the largest timestampDelta. */
  maxTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  records: RecordInput[];
}

function zigzag32Size(v: number): number {
  return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0);
}

function uvarintSize(u: number): number {
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 128);
    n += 1;
  }
  return n;
}

/** Zigzag for values within ±2^52 without bigint. */
function zigzagNumber(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function writeUvarint(buf: Buffer, u: number, pos: number): number {
  while (u >= 0x80) {
    buf[pos++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}

/** Writes a zigzag varint (|v| up to 2^52); returns the position after it. */
export function writeVarint(buf: Buffer, v: number, pos: number): number {
  return writeUvarint(buf, zigzagNumber(v), pos);
}

/** Encoded size of a zigzag varint. */
export function varintBytes(v: number): number {
  return uvarintSize(zigzagNumber(v));
}

function bytesFieldSize(b: Buffer | null | undefined): number {
  return b == null ? zigzag32Size(-1) : zigzag32Size(b.length) + b.length;
}

function writeBytesField(buf: Buffer, b: Buffer | null | undefined, pos: number): number {
  if (b == null) return writeVarint(buf, -1, pos);
  pos = writeVarint(buf, b.length, pos);
  b.copy(buf, pos);
  return pos + b.length;
}

function recordBodySize(r: RecordInput, offsetDelta: number): number {
  let size = 1 + uvarintSize(zigzagNumber(r.timestampDelta ?? 0)) + zigzag32Size(offsetDelta);
  size += bytesFieldSize(r.key) + bytesFieldSize(r.value);
  const headers = r.headers ?? [];
  size += zigzag32Size(headers.length);
  for (const h of headers) size += bytesFieldSize(Buffer.from(h.key, 'utf8')) + bytesFieldSize(h.value);
  return size;
}

function writeRecord(buf: Buffer, r: RecordInput, offsetDelta: number, pos: number): number {
  pos = writeVarint(buf, recordBodySize(r, offsetDelta), pos);
  buf[pos++] = 0; // record attributes: unused
  pos = writeVarint(buf, r.timestampDelta ?? 0, pos);
  pos = writeVarint(buf, offsetDelta, pos);
  pos = writeBytesField(buf, r.key, pos);
  pos = writeBytesField(buf, r.value, pos);
  const headers = r.headers ?? [];
  pos = writeVarint(buf, headers.length, pos);
  for (const h of headers) {
    pos = writeBytesField(buf, Buffer.from(h.key, 'utf8'), pos);
    pos = writeBytesField(buf, h.value, pos);
  }
  return pos;
}

/** Encodes an uncompressed v2 batch with a valid CRC. */
export function buildRecordBatch(input: BuildBatchInput): Buffer {
  if (input.records.length === 0) throw new RangeError('a batch needs at least one record');
  const deltas = input.records.map((r, i) => r.offsetDelta ?? i);
  let size = BATCH_HEADER_BYTES;
  input.records.forEach((r, i) => {
    const body = recordBodySize(r, deltas[i]!);
    size += uvarintSize(zigzagNumber(body)) + body;
  });
  const buf = Buffer.alloc(size);
  const baseTimestamp = input.baseTimestamp ?? 0;
  const maxDelta = Math.max(...input.records.map((r) => r.timestampDelta ?? 0));
  writeInt64Number(buf, input.baseOffset ?? 0, OFFSET_BASE);
  buf.writeInt32BE(size - BATCH_LOG_OVERHEAD_BYTES, OFFSET_LENGTH);
  buf.writeInt32BE(input.partitionLeaderEpoch ?? -1, OFFSET_LEADER_EPOCH);
  buf.writeInt8(CURRENT_MAGIC, OFFSET_MAGIC);
  buf.writeInt16BE(input.attributes ?? 0, OFFSET_ATTRIBUTES);
  buf.writeInt32BE(Math.max(...deltas), OFFSET_LAST_OFFSET_DELTA);
  writeInt64Number(buf, baseTimestamp, OFFSET_BASE_TIMESTAMP);
  writeInt64Number(buf, input.maxTimestamp ?? baseTimestamp + maxDelta, OFFSET_MAX_TIMESTAMP);
  writeInt64Number(buf, input.producerId ?? -1, OFFSET_PRODUCER_ID);
  buf.writeInt16BE(input.producerEpoch ?? -1, OFFSET_PRODUCER_EPOCH);
  buf.writeInt32BE(input.baseSequence ?? -1, OFFSET_BASE_SEQUENCE);
  buf.writeInt32BE(input.records.length, OFFSET_RECORD_COUNT);
  let pos = BATCH_HEADER_BYTES;
  input.records.forEach((r, i) => {
    pos = writeRecord(buf, r, deltas[i]!, pos);
  });
  if (pos !== size) throw new Error(`batch size mismatch: wrote ${pos}, planned ${size}`);
  rewriteCrc(buf, 0);
  return buf;
}

// ---- Record-level lookup (ListOffsets only: never on produce/fetch). ----

/** Reads a zigzag varint (up to 2^53 magnitude); returns value and next position. */
function readVarint(buf: Buffer, pos: number): { value: number; next: number } {
  let u = 0;
  let scale = 1;
  for (let shift = 0; shift < 70; shift += 7) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const byte = buf[pos++]!;
    u += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value: u % 2 === 0 ? u / 2 : -(u + 1) / 2, next: pos };
  }
  throw new RangeError('varint too long');
}

/**
 * Offset and timestamp of the first record with timestamp >= ts in the batch at buf[pos], as
 * Kafka's ListOffsets answers. Decodes only the record headers of an uncompressed batch; under
 * LogAppendTime every record has the batch's maxTimestamp. A compressed batch answers with its
 * base offset (records would need decompressing). undefined if no record qualifies.
 */
export function findRecordByTimestamp(buf: Buffer, pos: number, ts: number): { offset: number; timestamp: number } | undefined {
  const h = readBatchHeader(buf, pos);
  if (h.maxTimestamp < ts) return undefined;
  if (isLogAppendTime(h.attributes) || compression(h.attributes) !== 'none') {
    return { offset: h.baseOffset, timestamp: h.maxTimestamp };
  }
  let p = pos + BATCH_HEADER_BYTES;
  const end = pos + h.sizeBytes;
  for (let i = 0; i < h.recordCount && p < end; i++) {
    const length = readVarint(buf, p);
    const tsDelta = readVarint(buf, length.next + 1); // + attributes byte
    const offsetDelta = readVarint(buf, tsDelta.next);
    const timestamp = h.baseTimestamp + tsDelta.value;
    if (timestamp >= ts) return { offset: h.baseOffset + offsetDelta.value, timestamp };
    p = length.next + length.value;
  }
  return { offset: h.baseOffset, timestamp: h.maxTimestamp }; // header says it is here: trust the header
}
