// Compression codecs of record batch v2 (attributes bits 0-2) and the record-level encoding inside a
// batch, for clients: the broker path never decompresses (DESIGN invariant 1).
//
// Formats, as Kafka clients write them:
//  gzip   - a gzip member (zlib).
//  snappy - raw snappy blocks, or xerial framing (Java's snappy-java: magic \x82SNAPPY\0, two int32
//           versions, then int32-length-prefixed raw blocks). We read both; we write raw, which
//           librdkafka and KafkaJS read.
//  lz4    - the LZ4 *frame* format (not raw blocks).
//  zstd   - a zstd frame.
import { gunzip, gzip } from 'node:zlib';
import { crc32c } from './crc32c.js';
import {
  BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD_BYTES, OFFSET_ATTRIBUTES, OFFSET_CRC, OFFSET_LENGTH, buildRecordBatch,
  compression as compressionOf, type BuildBatchInput, type Compression,
} from './record-batch.js';
import { XERIAL_HEADER_BYTES, XERIAL_MAGIC, lz4, snappy, snappyBlocks, zstd } from './codec-modules.js';

export { isXerialSnappy } from './codec-modules.js';

const snappyCompress = async (data: Buffer): Promise<Buffer> => (await snappy()).compress(data);
const snappyUncompress = async (data: Buffer): Promise<Buffer> => (await snappy()).uncompress(data) as Promise<Buffer>;
const lz4Compress = async (data: Buffer): Promise<Buffer> => (await lz4()).compressFrame(data);
const lz4Decompress = async (data: Buffer): Promise<Buffer> => (await lz4()).decompressFrame(data);
const zstdCompress = async (data: Buffer, level: number): Promise<Buffer> => (await zstd()).compress(data, level);
const zstdDecompress = async (data: Buffer): Promise<Buffer> => (await zstd()).decompress(data);

// Not util.promisify: in the bundle (scripts/bundle.ts) this module's imports load with the broker,
// and the ESM namespace of node:util pulls in more of Node than these two lines need.
const gzipAsync = (data: Buffer): Promise<Buffer> => new Promise((resolve, reject) => gzip(data, (err, out) => (err ? reject(err) : resolve(out))));
const gunzipAsync = (data: Buffer): Promise<Buffer> => new Promise((resolve, reject) => gunzip(data, (err, out) => (err ? reject(err) : resolve(out))));

export const compressionIds: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };


export async function compress(codec: Compression, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none': return data;
    case 'gzip': return gzipAsync(data);
    case 'snappy': return snappyCompress(data);
    case 'lz4': return lz4Compress(data);
    case 'zstd': return zstdCompress(data, 3);
  }
}

export async function decompress(codec: Compression, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'none': return data;
    case 'gzip': return gunzipAsync(data);
    case 'snappy': return snappyDecompress(data);
    case 'lz4': return lz4Decompress(data);
    case 'zstd': return zstdDecompress(data);
  }
}

async function snappyDecompress(data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const block of snappyBlocks(data, (why) => new RangeError(`snappy: ${why}`))) parts.push(await snappyUncompress(block));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Xerial-framed snappy as Java's snappy-java writes it (for tests; we send raw snappy). */
export async function compressXerialSnappy(data: Buffer, blockBytes = 32 * 1024): Promise<Buffer> {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += blockBytes) {
    const block = await snappyCompress(data.subarray(pos, pos + blockBytes));
    const size = Buffer.alloc(4);
    size.writeInt32BE(block.length, 0);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}

/**
 * Encodes a v2 batch whose records are compressed with `codec`: the records are laid out as in an
 * uncompressed batch, compressed, and the header (attributes, length, CRC32C) rewritten around them.
 */
export async function buildCompressedBatch(input: BuildBatchInput, codec: Compression): Promise<Buffer> {
  const attributes = ((input.attributes ?? 0) & ~0x07) | compressionIds[codec];
  const plain = buildRecordBatch({ ...input, attributes });
  if (codec === 'none') return plain;
  const records = await compress(codec, plain.subarray(BATCH_HEADER_BYTES));
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + records.length);
  plain.copy(batch, 0, 0, BATCH_HEADER_BYTES);
  records.copy(batch, BATCH_HEADER_BYTES);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD_BYTES, OFFSET_LENGTH);
  batch.writeUInt32BE(crc32c(batch.subarray(OFFSET_ATTRIBUTES)) >>> 0, OFFSET_CRC);
  return batch;
}

export interface DecodedHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: DecodedHeader[];
}

export interface DecodedBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  compression: Compression;
  isControl: boolean;
  isTransactional: boolean;
  producerId: bigint;
  records: DecodedRecord[];
}

/**
 * Decodes every complete v2 batch in a fetched record set. A trailing partial batch (fetch responses
 * may end mid-batch) is skipped; a CRC mismatch or an unknown codec throws.
 */
export async function decodeRecordBatches(buf: Buffer): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = [];
  let pos = 0;
  while (buf.length - pos >= BATCH_HEADER_BYTES) {
    const size = buf.readInt32BE(pos + OFFSET_LENGTH) + BATCH_LOG_OVERHEAD_BYTES;
    if (size > buf.length - pos) break;
    out.push(await decodeBatch(buf.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

async function decodeBatch(b: Buffer): Promise<DecodedBatch> {
  const magic = b.readInt8(16);
  if (magic !== 2) throw new RangeError(`record batch magic ${magic} not supported`);
  const crc = b.readUInt32BE(OFFSET_CRC);
  if ((crc32c(b.subarray(OFFSET_ATTRIBUTES)) >>> 0) !== crc) throw new RangeError('record batch CRC32C mismatch');
  const attributes = b.readInt16BE(OFFSET_ATTRIBUTES);
  const codec = compressionOf(attributes);
  if (codec === undefined) throw new RangeError(`unknown compression codec ${attributes & 7}`);
  const baseOffset = b.readBigInt64BE(0);
  const lastOffsetDelta = b.readInt32BE(23);
  const baseTimestamp = Number(b.readBigInt64BE(27));
  const maxTimestamp = Number(b.readBigInt64BE(35));
  const logAppendTime = (attributes & 0x08) !== 0;
  const count = b.readInt32BE(57);
  const body = await decompress(codec, b.subarray(BATCH_HEADER_BYTES));
  const records = decodeRecords(body, count, baseOffset, logAppendTime ? maxTimestamp : baseTimestamp, logAppendTime);
  return {
    baseOffset,
    lastOffset: baseOffset + BigInt(lastOffsetDelta),
    compression: codec,
    isControl: (attributes & 0x20) !== 0,
    isTransactional: (attributes & 0x10) !== 0,
    producerId: b.readBigInt64BE(43),
    records,
  };
}

/** Reads varints from a buffer; zigzag values up to 2^53 as numbers. */
class VarintReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(): number {
    let u = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new RangeError('truncated varint');
      const byte = this.buf[this.pos++]!;
      u += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    throw new RangeError('varint too long');
  }

  bytes(): Buffer | null {
    const n = this.varint();
    if (n < 0) return null;
    if (this.pos + n > this.buf.length) throw new RangeError('truncated record field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * The records of a batch's (decompressed) records section. `keep` (record pages, the console): only
 * records at or after fromOffset, and at most `max` of them; decoding stops there.
 */
export function decodeRecords(body: Buffer, count: number, baseOffset: bigint, baseTimestamp: number, fixedTimestamp: boolean, keep?: { fromOffset: bigint; max: number }): DecodedRecord[] {
  const r = new VarintReader(body);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count && (keep === undefined || records.length < keep.max); i++) {
    const length = r.varint();
    const end = r.pos + length;
    if (end > body.length) throw new RangeError('truncated record');
    r.pos += 1; // attributes: unused
    const timestampDelta = r.varint();
    const offsetDelta = r.varint();
    const key = r.bytes();
    const value = r.bytes();
    const headerCount = r.varint();
    const headers: DecodedHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = r.bytes();
      headers.push({ key: hk === null ? '' : hk.toString('utf8'), value: r.bytes() });
    }
    r.pos = end;
    if (keep !== undefined && baseOffset + BigInt(offsetDelta) < keep.fromOffset) continue;
    records.push({
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: fixedTimestamp ? baseTimestamp : baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
  return records;
}
