// Bounded decoding of stored record batches into a page of records (the HTTP console's message
// browser). Every bound is the caller's: records per page, and decompressed bytes per batch, checked by
// decompressBounded (records-codecs.ts) before a codec inflates anything. A batch over the bound, or
// one that does not decode, is reported as skipped with its offsets, never thrown: a page always moves
// forward.
import { decodeRecords, type DecodedRecord } from './compression.js';
import { decompressBounded } from './records-codecs.js';
import { RecordsError } from './records.js';
import {
  BATCH_HEADER_BYTES, OFFSET_ATTRIBUTES, batchCrcMatches, batchSizeAt, compression, isControlBatch, isLogAppendTime, readBatchHeader,
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
    if (!batchCrcMatches(batch, 0, batch.length)) {
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
  if (codec === undefined) return 'unknown compression codec';
  try {
    return await decompressBounded(codec, batch.subarray(BATCH_HEADER_BYTES), bytesMax);
  } catch (err) {
    if (err instanceof RecordsError) return err.message.slice(0, 300);
    throw err;
  }
}
