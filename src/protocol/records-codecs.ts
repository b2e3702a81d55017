// Bounded decompression of a batch's records section: never more than `limitBytes` of output, never
// on the event loop for longer than a small slice (the codecs run on libuv's thread pool).
//
// Each codec is bounded before any output is made where its format says how much it will produce:
//  gzip   - zlib with maxOutputLength: the inflater stops (and frees its chunks) at the limit.
//  snappy - a raw block starts with its uncompressed length (a uvarint); xerial framing is a series
//           of such blocks. The sum is checked before decompressing.
//  lz4    - frames of blocks; a compressed block yields at most min(the frame's block maximum,
//           255 x its size + 64), an uncompressed block exactly its size; an optional content size
//           must fit too.
//  zstd   - a frame's declared content size (zstd checks its output against it), or, without one,
//           its blocks: a raw or RLE block yields exactly its size, a compressed one at most
//           min(window, 128 KiB) (the format's block maximum).
// A bound above the limit is RECORD_LIST_TOO_LARGE; a frame that does not parse, or a codec that
// fails, is CORRUPT_MESSAGE. Output of the codec is checked against the limit again.
import { gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { RecordsError } from './records.js';
import type { Compression } from './record-batch.js';
import { lz4, snappy, snappyBlocks, zstd } from './codec-modules.js';

const LZ4_MAGIC = 0x184d2204;
const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_BYTES_MAX = 128 * 1024;
/** Skippable frames of both lz4 and zstd: 0x184D2A50..5F. */
const isSkippableMagic = (magic: number): boolean => (magic & 0xfffffff0) >>> 0 === 0x184d2a50;

/** Where a skippable frame (LZ4 and zstd share the format) starting at `pos` ends, or undefined if none starts there. */
function skippableFrameEnd(data: Buffer, pos: number, codec: string): number | undefined {
  if (pos + 4 > data.length || !isSkippableMagic(data.readUInt32LE(pos))) return undefined;
  if (pos + 8 > data.length) throw corrupt(codec, 'truncated frame');
  const end = pos + 8 + data.readUInt32LE(pos + 4);
  if (end > data.length) throw corrupt(codec, 'truncated frame');
  return end;
}

function corrupt(codec: string, why: string): RecordsError {
  return new RecordsError('CORRUPT_MESSAGE', `${codec} records: ${why}`);
}

function tooLarge(codec: string, bytes: number, limitBytes: number): RecordsError {
  return new RecordsError('RECORD_LIST_TOO_LARGE', `${codec} records would decompress to ${bytes === Infinity ? 'more than' : ''} ${bytes === Infinity ? limitBytes : bytes} bytes, above the limit of ${limitBytes}`);
}

/** Decompresses `data` (a batch's records section) to at most `limitBytes`; throws RecordsError. */
export async function decompressBounded(codec: Compression, data: Buffer, limitBytes: number): Promise<Buffer> {
  let out: Buffer;
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      out = await gunzipBounded(data, limitBytes);
      break;
    case 'snappy':
      out = await snappyBounded(data, limitBytes);
      break;
    case 'lz4': {
      checkBound('lz4', lz4OutputBound(data), limitBytes);
      out = await callCodec('lz4', async () => (await lz4()).decompressFrame(data));
      break;
    }
    case 'zstd': {
      checkBound('zstd', zstdOutputBound(data), limitBytes);
      out = await callCodec('zstd', async () => (await zstd()).decompress(data));
      break;
    }
  }
  if (out.length > limitBytes) throw tooLarge(codec, out.length, limitBytes);
  return out;
}

/**
 * The same, on the calling thread: for the log's own check of batches that did not come through
 * produce validation (internal writers, tests). zstd has no synchronous codec here: refused.
 */
export function decompressBoundedSync(codec: Compression, data: Buffer, limitBytes: number): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      try {
        return gunzipSync(data, { maxOutputLength: Math.max(1, limitBytes) });
      } catch (err) {
        throw zlibError(err, limitBytes);
      }
    case 'snappy':
    case 'lz4':
    case 'zstd':
      throw new RecordsError('UNSUPPORTED_COMPRESSION_TYPE', `${codec} batches are checked only on the produce path`);
  }
}

function checkBound(codec: string, bound: number, limitBytes: number): void {
  if (bound > limitBytes) throw tooLarge(codec, bound, limitBytes);
}

async function callCodec(codec: string, run: () => Promise<Buffer | string>): Promise<Buffer> {
  let out: Buffer | string;
  try {
    out = await run();
  } catch (err) {
    throw corrupt(codec, (err as Error).message.slice(0, 200));
  }
  if (typeof out === 'string') throw corrupt(codec, 'codec returned a string');
  return out;
}

function zlibError(err: unknown, limitBytes: number): RecordsError {
  if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge('gzip', Infinity, limitBytes);
  return corrupt('gzip', (err as Error).message.slice(0, 200));
}

function gunzipBounded(data: Buffer, limitBytes: number): Promise<Buffer> {
  // 64 KiB output chunks: the main thread only gathers them, a few hundred per 16 MiB.
  const options: ZlibOptions = { maxOutputLength: Math.max(1, limitBytes), chunkSize: 64 * 1024 };
  return new Promise((resolve, reject) => gunzip(data, options, (err, out) => (err ? reject(zlibError(err, limitBytes)) : resolve(out))));
}

/** Unsigned LEB128 of at most 5 bytes (snappy's length preamble); undefined if malformed. */
function snappyLength(data: Buffer, pos: number, end: number): number | undefined {
  let u = 0;
  let scale = 1;
  for (let i = 0; i < 5 && pos + i < end; i++) {
    const byte = data[pos + i]!;
    u += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return u;
    scale *= 128;
  }
  return undefined;
}

async function snappyBounded(data: Buffer, limitBytes: number): Promise<Buffer> {
  const blocks = snappyBlocks(data, (why) => corrupt('snappy', why));
  let total = 0;
  for (const block of blocks) {
    const n = snappyLength(block, 0, block.length);
    if (n === undefined) throw corrupt('snappy', 'malformed length preamble');
    total += n;
    if (total > limitBytes) throw tooLarge('snappy', total, limitBytes);
  }
  const out: Buffer[] = [];
  for (const block of blocks) out.push(await callCodec('snappy', async () => (await snappy()).uncompress(block)));
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}

/** LZ4 frame format: the most a series of frames can decompress to; throws CORRUPT_MESSAGE if it does not parse. */
export function lz4OutputBound(data: Buffer): number {
  let pos = 0;
  let bound = 0;
  const need = (n: number): void => {
    if (pos + n > data.length) throw corrupt('lz4', 'truncated frame');
  };
  while (pos < data.length) {
    const skipped = skippableFrameEnd(data, pos, 'lz4');
    if (skipped !== undefined) {
      pos = skipped;
      continue;
    }
    need(4);
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if (magic !== LZ4_MAGIC) throw corrupt('lz4', 'bad frame magic');
    need(3);
    const flg = data[pos]!;
    const bd = data[pos + 1]!;
    pos += 2;
    if (flg >> 6 !== 1) throw corrupt('lz4', 'unsupported frame version');
    const blockChecksum = (flg & 0x10) !== 0;
    const contentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const dictId = (flg & 0x01) !== 0;
    const blockId = (bd >> 4) & 0x07;
    if (blockId < 4) throw corrupt('lz4', `block maximum id ${blockId}`);
    const blockMax = 1 << (8 + 2 * blockId);
    let declared: number | undefined;
    if (contentSize) {
      need(8);
      declared = data.readUInt32LE(pos) + data.readUInt32LE(pos + 4) * 0x1_0000_0000;
      pos += 8;
    }
    if (dictId) pos += 4;
    need(1);
    pos += 1; // header checksum: the batch CRC already covers these bytes
    let frameBound = 0;
    for (;;) {
      need(4);
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const uncompressed = (word & 0x80000000) !== 0;
      if (size > blockMax) throw corrupt('lz4', `block of ${size} bytes above the frame's maximum ${blockMax}`);
      need(size + (blockChecksum ? 4 : 0));
      pos += size + (blockChecksum ? 4 : 0);
      // LZ4 makes at most 255 bytes of output per byte of input (match-length bytes), plus a little per sequence.
      frameBound += uncompressed ? size : Math.min(blockMax, size * 255 + 64);
    }
    if (contentChecksum) {
      need(4);
      pos += 4;
    }
    bound += declared === undefined ? frameBound : Math.max(declared, frameBound);
  }
  return bound;
}

/** Zstandard frame format: the most a series of frames can decompress to; throws CORRUPT_MESSAGE if it does not parse. */
export function zstdOutputBound(data: Buffer): number {
  let pos = 0;
  let bound = 0;
  const need = (n: number): void => {
    if (pos + n > data.length) throw corrupt('zstd', 'truncated frame');
  };
  while (pos < data.length) {
    const skipped = skippableFrameEnd(data, pos, 'zstd');
    if (skipped !== undefined) {
      pos = skipped;
      continue;
    }
    need(4);
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if (magic !== ZSTD_MAGIC) throw corrupt('zstd', 'bad frame magic');
    need(1);
    const fhd = data[pos++]!;
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    if ((fhd & 0x08) !== 0) throw corrupt('zstd', 'reserved frame header bit set');
    const checksum = (fhd & 0x04) !== 0;
    const dictIdBytes = [0, 1, 2, 4][fhd & 0x03]!;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
    let windowBytes = Infinity;
    if (!singleSegment) {
      need(1);
      const descriptor = data[pos++]!;
      const base = 2 ** (10 + (descriptor >> 3));
      windowBytes = base + (base / 8) * (descriptor & 7);
    }
    pos += dictIdBytes;
    need(fcsBytes);
    let declared: number | undefined;
    if (fcsBytes === 1) declared = data[pos]!;
    else if (fcsBytes === 2) declared = data.readUInt16LE(pos) + 256;
    else if (fcsBytes === 4) declared = data.readUInt32LE(pos);
    else if (fcsBytes === 8) declared = data.readUInt32LE(pos) + data.readUInt32LE(pos + 4) * 0x1_0000_0000;
    pos += fcsBytes;
    if (singleSegment) windowBytes = declared!;
    // A compressed block makes at most Block_Maximum_Size = min(window, 128 KiB).
    const blockMax = Math.min(windowBytes, ZSTD_BLOCK_BYTES_MAX);
    let frameBound = 0;
    for (let last = false; !last; ) {
      need(3);
      const header = data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16);
      pos += 3;
      last = (header & 1) !== 0;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw corrupt('zstd', 'reserved block type');
      if (size > ZSTD_BLOCK_BYTES_MAX) throw corrupt('zstd', `block of ${size} bytes`);
      const stored = type === 1 ? 1 : size; // RLE: one byte repeated `size` times
      need(stored);
      pos += stored;
      frameBound += type === 2 ? blockMax : size;
    }
    if (checksum) {
      need(4);
      pos += 4;
    }
    // A declared content size is what the codec allocates, and zstd checks the output against it.
    bound += declared ?? frameBound;
  }
  return bound;
}
