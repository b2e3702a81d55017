// Record-level checks of a produce buffer whose batch headers already passed validateRecordBatches
// (sizes, magic, CRC): every batch's records are walked (records.ts), compressed ones after bounded
// decompression (records-codecs.ts). The asynchronous form yields to the event loop between slices
// of records and decompresses off the loop, so a hostile batch costs other clients at most a slice.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BATCH_HEADER_BYTES, OFFSET_ATTRIBUTES, OFFSET_RECORD_COUNT, batchSizeAt, compression } from './record-batch.js';
import { RECORDS_PER_SLICE, RecordWalker, RecordsError, decompressedBytesLimit, walkSlice, type RecordsPolicy } from './records.js';
import { decompressBounded, decompressBoundedSync } from './records-codecs.js';

/** Uncompressed buffers up to this size are walked in one go (~1 ms at worst). */
export const SYNC_CHECK_BYTES_MAX = 256 * 1024;

/** Whether checkRecords must run asynchronously: a compressed batch (`compressed`, when validation already found out), or more bytes than one slice. */
export function recordsNeedAsyncCheck(buf: Buffer, compressed?: boolean): boolean {
  if (buf.length > SYNC_CHECK_BYTES_MAX) return true;
  if (compressed !== undefined) return compressed;
  for (let pos = 0; pos + BATCH_HEADER_BYTES <= buf.length; pos += batchSizeAt(buf, pos)) {
    if (compression(buf.readInt16BE(pos + OFFSET_ATTRIBUTES)) !== 'none') return true;
  }
  return false;
}

/**
 * Walks every record of every batch on the calling thread. For small uncompressed buffers (produce),
 * and the log's own check of what internal writers append; gzip is decompressed bounded, the other
 * codecs are refused here (they are checked by checkRecords on the produce path). Throws RecordsError.
 */
export function checkRecordsSync(buf: Buffer, policy: RecordsPolicy): void {
  const walker = new RecordWalker();
  forEachBatch(buf, (pos, size, count, attributes) => {
    const body = buf.subarray(pos + BATCH_HEADER_BYTES, pos + size);
    const codec = compression(attributes) ?? 'none';
    const section = codec === 'none' ? body : decompressBoundedSync(codec, body, decompressedBytesLimit(count, policy));
    walker.reset(section, count);
    while (!walkSlice(walker, RECORDS_PER_SLICE, policy.requireKeys));
  });
}

/** Limits how many batches are decompressed at once, broker-wide: bounds the memory they take. */
export class DecompressionSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(slots: number) {
    this.free = slots;
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.free += 1;
    };
  }
}

/** The asynchronous form of checkRecordsSync, for every codec. Rejects with RecordsError. */
export async function checkRecords(buf: Buffer, policy: RecordsPolicy, slots?: DecompressionSlots): Promise<void> {
  const walker = new RecordWalker();
  const batches: Array<[number, number, number, number]> = [];
  forEachBatch(buf, (pos, size, count, attributes) => void batches.push([pos, size, count, attributes]));
  for (const [pos, size, count, attributes] of batches) {
    const body = buf.subarray(pos + BATCH_HEADER_BYTES, pos + size);
    const codec = compression(attributes) ?? 'none';
    let release: (() => void) | undefined;
    try {
      let section = body;
      if (codec !== 'none') {
        const limit = decompressedBytesLimit(count, policy);
        release = await slots?.acquire();
        section = await decompressBounded(codec, body, limit);
      }
      walker.reset(section, count);
      while (!walkSlice(walker, RECORDS_PER_SLICE, policy.requireKeys)) await nextTurn();
    } finally {
      release?.();
    }
  }
}

function forEachBatch(buf: Buffer, fn: (pos: number, size: number, count: number, attributes: number) => void): void {
  for (let pos = 0; pos < buf.length; ) {
    if (buf.length - pos < BATCH_HEADER_BYTES) throw new RecordsError('CORRUPT_MESSAGE', `trailing ${buf.length - pos} bytes`);
    const size = batchSizeAt(buf, pos);
    if (size < BATCH_HEADER_BYTES || size > buf.length - pos) throw new RecordsError('CORRUPT_MESSAGE', `batch at ${pos}: bad length`);
    const count = buf.readInt32BE(pos + OFFSET_RECORD_COUNT);
    if (count < 0) throw new RecordsError('CORRUPT_MESSAGE', `batch at ${pos}: record count ${count}`);
    fn(pos, size, count, buf.readInt16BE(pos + OFFSET_ATTRIBUTES));
    pos += size;
  }
}
