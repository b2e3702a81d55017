// The records inside a v2 batch (the part after the 61-byte header, decompressed), and the one
// walker every layer uses to look at them: produce validation, the log's own check, the cleaner.
//
// Record layout (all varints zigzag; lengths -1 = null):
//   length varint (bytes after this field) | attributes int8 | timestampDelta varlong
//   offsetDelta varint | keyLength varint | key | valueLength varint | value
//   headerCount varint | headers: (keyLength varint (>= 0) | key | valueLength varint | value)*
//
// The walker allocates nothing per record: it exposes the current record as numbers (positions into
// the section) on itself. It checks what Kafka's validator checks and what a lying header could
// hide: exactly `recordCount` records fill the section, offset deltas run 0..n-1, every field fits in
// its record and the record ends where its length says.
import { ErrorCode } from './errors.js';
import { BATCH_HEADER_BYTES, compression, isControlBatch, readBatchHeader, varintBytes, writeVarint } from './record-batch.js';

export type RecordsErrorCode = 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'RECORD_LIST_TOO_LARGE' | 'UNSUPPORTED_COMPRESSION_TYPE';

/** Records of a batch that cannot be accepted; `code` is the Kafka error a Produce is answered with. */
export class RecordsError extends Error {
  readonly errorCode: number;

  constructor(readonly code: RecordsErrorCode, message: string) {
    super(message);
    this.name = 'RecordsError';
    this.errorCode = ErrorCode[code];
  }
}

/** The smallest encoded record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
export const RECORD_BYTES_MIN = 7;
const VARINT_BYTES_MAX = 5;
const VARLONG_BYTES_MAX = 10;

/** Walks the records of one batch section; see the file comment. */
export class RecordWalker {
  /** Records walked so far; the current record's index is `index - 1`. */
  index = 0;
  // The current record (valid after next() returned true). Positions are into `section`.
  recordStart = 0;
  recordEnd = 0;
  attributes = 0;
  timestampDelta = 0;
  offsetDelta = 0;
  /** -1: null key. */
  keyLength = -1;
  keyStart = 0;
  /** -1: null value (a tombstone). */
  valueLength = -1;
  valueStart = 0;
  headerCount = 0;
  /** Header count varint and the headers, up to recordEnd. */
  headersStart = 0;
  /** The timestampDelta varlong: [timestampStart, timestampEnd). */
  timestampStart = 0;
  timestampEnd = 0;

  private section: Buffer = Buffer.alloc(0);
  private recordCount = 0;
  private pos = 0;
  private limit = 0;
  private dense = true;
  private lastOffsetDelta = 0;

  /**
   * Starts on a batch's records. `lastOffsetDelta` undefined: as produced, offset deltas must be
   * exactly 0..n-1. Given: as stored, where a compacted batch keeps its offsets with gaps, deltas
   * must increase within 0..lastOffsetDelta.
   */
  reset(section: Buffer, recordCount: number, lastOffsetDelta?: number): this {
    this.section = section;
    this.recordCount = recordCount;
    this.pos = 0;
    this.index = 0;
    this.offsetDelta = -1;
    this.dense = lastOffsetDelta === undefined;
    this.lastOffsetDelta = lastOffsetDelta ?? 0;
    return this;
  }

  get done(): boolean {
    return this.index === this.recordCount;
  }

  /** Key bytes of the current record (a view, no copy); null for a null key. */
  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.section.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  /** Value bytes of the current record (a view, no copy); null for a tombstone. */
  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.section.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** Advances to the next record; false once all are walked. Throws RecordsError(CORRUPT_MESSAGE). */
  next(): boolean {
    const section = this.section;
    if (this.index === this.recordCount) {
      if (this.pos !== section.length) this.fail(`${section.length - this.pos} bytes after the ${this.recordCount} records the header declares`);
      return false;
    }
    if (this.pos >= section.length) this.fail(`${this.index} records where the header declares ${this.recordCount}`);
    this.recordStart = this.pos;
    this.limit = section.length;
    const length = this.varint();
    if (length < RECORD_BYTES_MIN - 1 || length > section.length - this.pos) this.fail(`record ${this.index}: length ${length} does not fit the batch`);
    this.recordEnd = this.pos + length;
    this.limit = this.recordEnd;
    this.attributes = section[this.pos++]!;
    this.timestampStart = this.pos;
    this.timestampDelta = this.varlong();
    this.timestampEnd = this.pos;
    const previous = this.offsetDelta;
    this.offsetDelta = this.varint();
    const inOrder = this.dense ? this.offsetDelta === this.index : this.offsetDelta > previous && this.offsetDelta <= this.lastOffsetDelta;
    if (!inOrder) this.fail(`record ${this.index}: offset delta ${this.offsetDelta}`);
    this.keyLength = this.varint();
    this.keyStart = this.pos;
    this.skipBytes(this.keyLength, 'key');
    this.valueLength = this.varint();
    this.valueStart = this.pos;
    this.skipBytes(this.valueLength, 'value');
    this.headersStart = this.pos;
    this.headerCount = this.varint();
    if (this.headerCount < 0) this.fail(`record ${this.index}: header count ${this.headerCount}`);
    for (let h = 0; h < this.headerCount; h++) {
      const keyLength = this.varint();
      if (keyLength < 0) this.fail(`record ${this.index}: null header key`);
      this.skipBytes(keyLength, 'header key');
      this.skipBytes(this.varint(), 'header value');
    }
    if (this.pos !== this.recordEnd) this.fail(`record ${this.index}: ${this.recordEnd - this.pos} bytes left inside the record`);
    this.index += 1;
    return true;
  }

  /**
   * Copies the current record into `out` at `at` with its timestamp delta replaced (a batch whose
   * base timestamp moves, KIP-534's delete horizon); returns the position after it. `out` needs
   * recordEnd - recordStart + 2 * 5 bytes at most.
   */
  copyRecord(out: Buffer, at: number, timestampDelta: number): number {
    const tail = this.section.subarray(this.timestampEnd, this.recordEnd);
    const length = 1 + varintBytes(timestampDelta) + tail.length;
    at = writeVarint(out, length, at);
    out[at++] = this.attributes;
    at = writeVarint(out, timestampDelta, at);
    return at + tail.copy(out, at);
  }

  private skipBytes(length: number, what: string): void {
    if (length < -1 || length > this.limit - this.pos) this.fail(`record ${this.index}: ${what} length ${length} does not fit the record`);
    if (length > 0) this.pos += length;
  }

  /** Zigzag varint of at most 5 bytes (Kafka's int32 varint). */
  private varint(): number {
    return this.zigzag(VARINT_BYTES_MAX);
  }

  /** Zigzag varlong; values beyond 2^53 are refused (timestamps in ms are far below). */
  private varlong(): number {
    return this.zigzag(VARLONG_BYTES_MAX);
  }

  private zigzag(bytesMax: number): number {
    // Most fields are one byte: read it inline.
    const pos = this.pos;
    if (pos < this.limit) {
      const byte = this.section[pos]!;
      if (byte < 0x80) {
        this.pos = pos + 1;
        return (byte >>> 1) ^ -(byte & 1);
      }
    }
    const v = this.uvarint(bytesMax);
    if (bytesMax === VARINT_BYTES_MAX && v > 0xffffffff) this.fail(`record ${this.index}: varint beyond 32 bits`);
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  private uvarint(bytesMax: number): number {
    let u = 0;
    let scale = 1;
    for (let i = 0; i < bytesMax; i++) {
      if (this.pos >= this.limit) this.fail(`record ${this.index}: truncated varint`);
      const byte = this.section[this.pos++]!;
      u += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (u > Number.MAX_SAFE_INTEGER) this.fail(`record ${this.index}: varint beyond 2^53`);
        return u;
      }
      scale *= 128;
    }
    return this.fail(`record ${this.index}: varint longer than ${bytesMax} bytes`);
  }

  private fail(message: string): never {
    throw new RecordsError('CORRUPT_MESSAGE', message);
  }
}

/** What record-level validation requires of a topic's batches. */
export interface RecordsPolicy {
  /** Compacted topics: every record needs a key (Kafka: INVALID_RECORD). */
  requireKeys: boolean;
  /** Broker-wide cap on one batch's decompressed records (minikafka.decompressed.bytes.max). */
  decompressedBytesMax: number;
  /** The topic's max.message.bytes: no record may be larger, so a batch of n records decompresses to at most n times this. */
  recordBytesMax: number;
}

/**
 * Most bytes the records of a batch declaring `recordCount` records may decompress to: each record
 * is at most max.message.bytes (what producers enforce before compressing; 1 MiB at least for the
 * whole batch), and no batch passes the broker-wide cap. Throws RECORD_LIST_TOO_LARGE when even the smallest records could not fit.
 */
export function decompressedBytesLimit(recordCount: number, policy: RecordsPolicy): number {
  // The floor leaves codecs their framing slack (a zstd block header may claim 128 KiB) on topics with a small max.message.bytes.
  // max.message.bytes bounds what a producer puts in a record; the record's own framing comes on top.
  const limit = Math.min(policy.decompressedBytesMax, Math.max(recordCount * (policy.recordBytesMax + RECORD_FRAMING_BYTES_MAX), DECOMPRESSED_BYTES_FLOOR));
  if (recordCount * RECORD_BYTES_MIN > limit) {
    throw new RecordsError('RECORD_LIST_TOO_LARGE', `${recordCount} records cannot fit in ${limit} decompressed bytes (minikafka.decompressed.bytes.max ${policy.decompressedBytesMax})`);
  }
  return limit;
}

/**
 * The most bytes a v2 record spends on framing around its key, value and headers: length (varint, 5),
 * attributes (1), timestamp delta (varlong, 10), offset delta (5), key and value lengths (5 each) and
 * the header count (5).
 */
export const RECORD_FRAMING_BYTES_MAX = 36;

/** Every batch may decompress to this much, whatever its record count and max.message.bytes say (within decompressedBytesMax). */
export const DECOMPRESSED_BYTES_FLOOR = 1024 * 1024;

/** Records walked between yields to the event loop (~1 ms of work). */
export const RECORDS_PER_SLICE = 16_384;

/**
 * Walks up to `budget` records of `walker`, checking keys if required; true once every record was
 * walked and the section is exhausted. Throws RecordsError.
 */
export function walkSlice(walker: RecordWalker, budget: number, requireKeys: boolean): boolean {
  for (let i = 0; i < budget; i++) {
    if (!walker.next()) return true;
    if (requireKeys && walker.keyLength < 0) {
      throw new RecordsError('INVALID_RECORD', `record ${walker.index - 1}: compacted topic cannot accept a record without a key`);
    }
  }
  if (walker.done) return !walker.next();
  return false;
}

/** Key, value and offset of one stored record; key and value are copies (they outlive the read buffer). */
export interface KeyValue {
  key: Buffer | null;
  value: Buffer | null;
  offset: number;
}

/**
 * The records of the stored batch at buf[pos] (the whole batch within buf), walked and checked as the
 * log's own check does; a control batch yields nothing. Throws RecordsError for records that do not
 * match their header, and for a compressed batch: the coordinators read only their own internal
 * topics, which they write uncompressed.
 */
export function keyValuesOfBatch(buf: Buffer, pos: number): KeyValue[] {
  const h = readBatchHeader(buf, pos);
  if (isControlBatch(h.attributes)) return [];
  const codec = compression(h.attributes);
  if (codec !== 'none') throw new RecordsError('UNSUPPORTED_COMPRESSION_TYPE', `${codec ?? 'unknown'} compressed batch at offset ${h.baseOffset}`);
  if (h.sizeBytes < BATCH_HEADER_BYTES || pos + h.sizeBytes > buf.length) throw new RecordsError('CORRUPT_MESSAGE', `batch at offset ${h.baseOffset}: size ${h.sizeBytes} does not fit`);
  const walker = new RecordWalker().reset(buf.subarray(pos + BATCH_HEADER_BYTES, pos + h.sizeBytes), h.recordCount, h.lastOffsetDelta);
  const out: KeyValue[] = [];
  while (walker.next()) {
    const key = walker.key();
    const value = walker.value();
    out.push({ key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), offset: h.baseOffset + walker.offsetDelta });
  }
  return out;
}
