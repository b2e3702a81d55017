// Bounded decoding of stored record batches into a page of records (the HTTP console's message
// browser). Every bound is the caller's: records per page, and decompressed bytes per batch, checked
// *before* a codec inflates anything. The bound comes from each codec's own framing:
//   snappy - raw: the uvarint uncompressed length that opens the block; xerial: the sum over its blocks.
//   lz4    - frame blocks walked by their 4-byte sizes: a stored block is its size, a compressed one at
//            most the frame's block maximum (BD byte: 64 KiB .. 4 MiB).
//   zstd   - frame blocks walked by their 3-byte headers: raw and RLE blocks are their size, a compressed
//            block at most 128 KiB (the format's Block_Maximum_Size); skippable frames add nothing.
//   gzip   - no trustworthy size in the stream (ISIZE is mod 2^32): zlib inflates with maxOutputLength.
// A batch over the bound, or one that does not decode, is reported as skipped with its offsets, never
// thrown: a page always moves forward.
import { gunzip } from 'node:zlib';
import { decodeRecords, decompress, isXerialSnappy, type DecodedRecord } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  BATCH_HEADER_BYTES, OFFSET_ATTRIBUTES, OFFSET_CRC, batchSizeAt, compression, isControlBatch, isLogAppendTime, readBatchHeader,
} from './record-batch.js';

export interface RecordPageLimits {
  /** Records returned at most. */
  recordsMax: number;
  /** Largest decompressed records section of one batch that is decoded. */
  batchDecompressedBytesMax: number;
}

export interface SkippedBatch {
  baseOffset: number;
  lastOffset: number;
  reason: string;
}

export interface RecordPage {
  records: DecodedRecord[];
  /** Where the next page starts: after the last record returned, or after the last batch looked at. */
  nextOffset: number;
  skipped: SkippedBatch[];
}

const ZSTD_BLOCK_BYTES_MAX = 128 * 1024;
const LZ4_BLOCK_BYTES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/** Decodes whole batches of `buf` (as a log read returns them) from `fromOffset`, within the limits. */
export async function decodeRecordPage(buf: Buffer, fromOffset: number, limits: RecordPageLimits): Promise<RecordPage> {
  const page: RecordPage = { records: [], nextOffset: fromOffset, skipped: [] };
  let pos = 0;
  while (buf.length - pos >= BATCH_HEADER_BYTES && page.records.length < limits.recordsMax) {
    const size = batchSizeAt(buf, pos);
    if (size < BATCH_HEADER_BYTES || size > buf.length - pos) break;
    const batch = buf.subarray(pos, pos + size);
    pos += size;
    const h = readBatchHeader(batch, 0);
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    if (lastOffset < fromOffset) continue;
    const skip = (reason: string): void => {
      page.skipped.push({ baseOffset: h.baseOffset, lastOffset, reason });
      page.nextOffset = Math.max(page.nextOffset, lastOffset + 1);
    };
    if (isControlBatch(h.attributes)) {
      page.nextOffset = Math.max(page.nextOffset, lastOffset + 1);
      continue;
    }
    if ((crc32c(batch.subarray(OFFSET_ATTRIBUTES)) >>> 0) !== batch.readUInt32BE(OFFSET_CRC)) {
      skip('CRC32C mismatch');
      continue;
    }
    let body: Buffer;
    try {
      const section = await boundedSection(batch, limits.batchDecompressedBytesMax);
      if (typeof section === 'string') {
        skip(section);
        continue;
      }
      body = section;
    } catch (err) {
      skip(`does not decompress: ${(err as Error).message.slice(0, 200)}`);
      continue;
    }
    const want = limits.recordsMax - page.records.length;
    let records: DecodedRecord[];
    try {
      const lat = isLogAppendTime(h.attributes);
      records = decodeRecords(body, h.recordCount, BigInt(h.baseOffset), lat ? h.maxTimestamp : h.baseTimestamp, lat, { fromOffset: BigInt(fromOffset), max: want });
    } catch (err) {
      skip(`does not decode: ${(err as Error).message.slice(0, 200)}`);
      continue;
    }
    page.records.push(...records);
    // A batch cut short by the page limit resumes after its last record returned; a whole one after its end.
    page.nextOffset = records.length === want && records.length > 0 ? Number(records[records.length - 1]!.offset) + 1 : Math.max(page.nextOffset, lastOffset + 1);
  }
  return page;
}

/** The decompressed records section, or why it is not decoded (over the bound, unknown codec). */
async function boundedSection(batch: Buffer, bytesMax: number): Promise<Buffer | string> {
  const codec = compression(batch.readInt16BE(OFFSET_ATTRIBUTES));
  const data = batch.subarray(BATCH_HEADER_BYTES);
  if (codec === undefined) return 'unknown compression codec';
  if (codec === 'none') return data;
  if (codec === 'gzip') {
    return new Promise((resolve, reject) => gunzip(data, { maxOutputLength: bytesMax }, (err, out) => {
      if (err === null) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') resolve(`gzip batch over ${bytesMax} bytes decompressed`);
      else reject(err);
    }));
  }
  const bound = codec === 'snappy' ? snappyBound(data) : codec === 'lz4' ? lz4Bound(data) : zstdBound(data);
  if (bound === undefined) return `${codec} framing does not check out`;
  if (bound > bytesMax) return `${codec} batch may be over ${bytesMax} bytes decompressed (up to ${bound})`;
  const out = await decompress(codec, data);
  if (out.length > bytesMax) return `${codec} batch over ${bytesMax} bytes decompressed`;
  return out;
}

function uvarint(buf: Buffer, pos: number): { value: number; next: number } | undefined {
  let u = 0;
  let scale = 1;
  for (let i = 0; i < 5 && pos < buf.length; i++) {
    const b = buf[pos++]!;
    u += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value: u, next: pos };
  }
  return undefined;
}

/** Raw snappy: the preamble; xerial: the sum of its blocks' preambles. */
export function snappyBound(data: Buffer): number | undefined {
  if (!isXerialSnappy(data)) return uvarint(data, 0)?.value;
  let total = 0;
  for (let pos = 16; pos < data.length; ) {
    if (pos + 4 > data.length) return undefined;
    const size = data.readInt32BE(pos);
    pos += 4;
    if (size < 0 || pos + size > data.length) return undefined;
    const n = uvarint(data, pos);
    if (n === undefined) return undefined;
    total += n.value;
    pos += size;
  }
  return total;
}

/** LZ4 frames: stored blocks count their size, compressed ones the frame's block maximum. */
export function lz4Bound(data: Buffer): number | undefined {
  let total = 0;
  let pos = 0;
  while (pos < data.length) {
    if (pos + 8 > data.length) return undefined;
    const magic = data.readUInt32LE(pos);
    if ((magic & 0xfffffff0) === 0x184d2a50) { // skippable frame
      pos += 8 + data.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== 0x184d2204) return undefined;
    const flg = data[pos + 4]!;
    const blockMax = LZ4_BLOCK_BYTES[(data[pos + 5]! >> 4) & 7]!;
    if (blockMax === 0) return undefined;
    pos += 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1; // descriptor, content size, dict id, header checksum
    for (;;) {
      if (pos + 4 > data.length) return undefined;
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      total += (word & 0x80000000) !== 0 ? size : blockMax;
      pos += size + ((flg & 0x10) !== 0 ? 4 : 0);
    }
    pos += (flg & 0x04) !== 0 ? 4 : 0;
  }
  return pos === data.length ? total : undefined;
}

/** Zstandard frames: raw and RLE blocks count their size, compressed blocks 128 KiB. */
export function zstdBound(data: Buffer): number | undefined {
  let total = 0;
  let pos = 0;
  while (pos < data.length) {
    if (pos + 8 > data.length) return undefined;
    const magic = data.readUInt32LE(pos);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 8 + data.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== 0xfd2fb528) return undefined;
    const fhd = data[pos + 4]!;
    const singleSegment = (fhd & 0x20) !== 0;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6]!;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    pos += 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
    for (let last = false; !last; ) {
      if (pos + 3 > data.length) return undefined;
      const header = data.readUIntLE(pos, 3);
      pos += 3;
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) return undefined; // reserved
      total += type === 2 ? ZSTD_BLOCK_BYTES_MAX : size;
      pos += type === 1 ? 1 : size;
    }
    pos += (fhd & 0x04) !== 0 ? 4 : 0;
  }
  return pos === data.length ? total : undefined;
}
