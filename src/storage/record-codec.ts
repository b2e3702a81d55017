// Record-level decoding and re-encoding of v2 batches, for the two storage paths that must look
// inside batches: the null-key check on compacted topics and the log cleaner. Never used on the
// produce/fetch hot path of non-compacted topics.
//
// Codecs: uncompressed and gzip (node:zlib) only. Batches of other codecs are reported as
// undecodable; callers leave them as they are (the cleaner copies them verbatim, with a warning).
// TODO: switch to src/protocol/compression.ts (snappy/lz4/zstd) once it lands.
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  CURRENT_MAGIC,
  OFFSET_CRC,
  OFFSET_LENGTH,
  computeBatchCrc,
  compression,
  isControlBatch,
  isLogAppendTime,
  readBatchHeader,
  writeInt64Number,
  type BatchHeader,
} from '../protocol/record-batch.js';

/** Kafka's KIP-534 attribute bit: baseTimestamp holds the batch's delete horizon (ms). */
export const ATTR_DELETE_HORIZON = 0x40;
const ATTR_COMPRESSION_MASK = 0x07;

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  attributes: number;
  /** Header count varint and headers, as stored (re-encoded verbatim). */
  headersRaw: Buffer;
}

export type DecodedBatch =
  | { ok: true; header: BatchHeader; records: DecodedRecord[] }
  | { ok: false; header: BatchHeader; reason: string };

/** Delete horizon of a batch (KIP-534), or undefined if none is set. */
export function deleteHorizonMs(header: BatchHeader): number | undefined {
  return (header.attributes & ATTR_DELETE_HORIZON) !== 0 ? header.baseTimestamp : undefined;
}

function readUvarint(buf: Buffer, pos: number): { value: number; next: number } {
  let u = 0;
  let scale = 1;
  for (let shift = 0; shift < 70; shift += 7) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const byte = buf[pos++]!;
    u += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(u)) throw new RangeError('varint beyond 2^53');
      return { value: u, next: pos };
    }
  }
  throw new RangeError('varint too long');
}

function readVarint(buf: Buffer, pos: number): { value: number; next: number } {
  const r = readUvarint(buf, pos);
  return { value: r.value % 2 === 0 ? r.value / 2 : -(r.value + 1) / 2, next: r.next };
}

function readNullableBytes(buf: Buffer, pos: number, end: number): { value: Buffer | null; next: number } {
  const len = readVarint(buf, pos);
  if (len.value < 0) return { value: null, next: len.next };
  if (len.next + len.value > end) throw new RangeError('bytes field beyond record end');
  return { value: buf.subarray(len.next, len.next + len.value), next: len.next + len.value };
}

/** The records section of the batch at buf[pos], decompressed; undefined for an unsupported codec. */
function recordsSection(buf: Buffer, pos: number, h: BatchHeader): Buffer | undefined {
  const body = buf.subarray(pos + BATCH_HEADER_BYTES, pos + h.sizeBytes);
  const codec = compression(h.attributes);
  if (codec === 'none') return body;
  if (codec === 'gzip') return gunzipSync(body);
  return undefined;
}

/** Decodes every record of the batch at buf[pos] (the batch is assumed CRC-checked). */
export function decodeBatch(buf: Buffer, pos: number): DecodedBatch {
  const header = readBatchHeader(buf, pos);
  if (header.magic !== CURRENT_MAGIC) return { ok: false, header, reason: `magic ${header.magic}` };
  let section: Buffer | undefined;
  try {
    section = recordsSection(buf, pos, header);
  } catch (err) {
    return { ok: false, header, reason: `decompression failed: ${(err as Error).message}` };
  }
  if (section === undefined) return { ok: false, header, reason: `${compression(header.attributes) ?? 'unknown'} compression not supported by the cleaner` };
  try {
    return { ok: true, header, records: decodeRecords(section, header) };
  } catch (err) {
    return { ok: false, header, reason: (err as Error).message };
  }
}

function decodeRecords(section: Buffer, h: BatchHeader): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  let p = 0;
  for (let i = 0; i < h.recordCount; i++) {
    const length = readVarint(section, p);
    const end = length.next + length.value;
    if (length.value < 0 || end > section.length) throw new RangeError('record beyond batch end');
    const attributes = section.readInt8(length.next);
    const ts = readVarint(section, length.next + 1);
    const delta = readVarint(section, ts.next);
    const key = readNullableBytes(section, delta.next, end);
    const value = readNullableBytes(section, key.next, end);
    out.push({
      offset: h.baseOffset + delta.value,
      timestamp: h.baseTimestamp + ts.value,
      key: key.value,
      value: value.value,
      attributes,
      headersRaw: section.subarray(value.next, end),
    });
    p = end;
  }
  return out;
}

/**
 * First record without a key in a buffer of batches (what a compacted topic must reject), as a
 * message; undefined if every decodable record has a key. Control batches and batches of codecs
 * we cannot decode are not checked.
 */
export function keylessRecordProblem(batches: Buffer): string | undefined {
  for (let pos = 0, i = 0; pos + BATCH_HEADER_BYTES <= batches.length; i++) {
    const d = decodeBatch(batches, pos);
    pos += d.header.sizeBytes;
    if (isControlBatch(d.header.attributes) || !d.ok) continue;
    const j = d.records.findIndex((r) => r.key === null);
    if (j >= 0) return `batch ${i} record ${j}: compacted topic cannot accept a record without a key`;
  }
  return undefined;
}

// ---------------------------------------------------------------- encoding

function uvarintBytes(u: number): number[] {
  const out: number[] = [];
  while (u >= 0x80) {
    out.push((u % 128) | 0x80);
    u = Math.floor(u / 128);
  }
  out.push(u);
  return out;
}

function varintBytes(v: number): number[] {
  return uvarintBytes(v >= 0 ? v * 2 : -v * 2 - 1);
}

function bytesField(b: Buffer | null): Buffer[] {
  return b === null ? [Buffer.from(varintBytes(-1))] : [Buffer.from(varintBytes(b.length)), b];
}

function encodeRecord(r: DecodedRecord, baseOffset: number, baseTimestamp: number): Buffer {
  const body = Buffer.concat([
    Buffer.from([r.attributes & 0xff]),
    Buffer.from(varintBytes(r.timestamp - baseTimestamp)),
    Buffer.from(varintBytes(r.offset - baseOffset)),
    ...bytesField(r.key),
    ...bytesField(r.value),
    r.headersRaw,
  ]);
  return Buffer.concat([Buffer.from(varintBytes(body.length)), body]);
}

/**
 * Rewrites a batch keeping only `records` (a subset of its records, in order), as Kafka's cleaner
 * does: same baseOffset and lastOffsetDelta (so the batch still ends where it did), producer
 * fields, leader epoch and attributes; same codec; CRC recomputed. With `horizonMs` the batch gets
 * KIP-534's delete-horizon bit and baseTimestamp = horizonMs (record timestamps are unchanged: their
 * deltas are re-encoded). With no records left, an empty batch (uncompressed header only) results.
 */
export function rewriteBatch(h: BatchHeader, records: DecodedRecord[], horizonMs: number | undefined): Buffer {
  let attributes = h.attributes;
  if (horizonMs !== undefined) attributes |= ATTR_DELETE_HORIZON;
  const baseTimestamp = horizonMs ?? (deleteHorizonMs(h) ?? h.baseTimestamp);
  let maxTimestamp = h.maxTimestamp;
  let section: Buffer;
  if (records.length === 0) {
    attributes &= ~(ATTR_COMPRESSION_MASK | ATTR_DELETE_HORIZON);
    section = Buffer.alloc(0);
  } else {
    if (!isLogAppendTime(h.attributes)) maxTimestamp = Math.max(...records.map((r) => r.timestamp));
    section = Buffer.concat(records.map((r) => encodeRecord(r, h.baseOffset, baseTimestamp)));
    if (compression(attributes) === 'gzip') section = gzipSync(section);
    else if (compression(attributes) !== 'none') throw new Error(`cannot re-encode ${compression(attributes)} batch`);
  }
  const out = Buffer.alloc(BATCH_HEADER_BYTES + section.length);
  writeInt64Number(out, h.baseOffset, 0);
  out.writeInt32BE(out.length - BATCH_LOG_OVERHEAD_BYTES, OFFSET_LENGTH);
  out.writeInt32BE(h.partitionLeaderEpoch, 12);
  out.writeInt8(CURRENT_MAGIC, 16);
  out.writeInt16BE(attributes, 21);
  out.writeInt32BE(h.lastOffsetDelta, 23);
  writeInt64Number(out, records.length === 0 ? maxTimestamp : baseTimestamp, 27);
  writeInt64Number(out, maxTimestamp, 35);
  writeInt64Number(out, h.producerId, 43);
  out.writeInt16BE(h.producerEpoch, 51);
  out.writeInt32BE(h.baseSequence, 53);
  out.writeInt32BE(records.length, 57);
  section.copy(out, BATCH_HEADER_BYTES);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), OFFSET_CRC);
  return out;
}
