// Helpers for compaction tests: keyed batches, an independent record decoder, whole-log reads.
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BATCH_HEADER_BYTES,
  OFFSET_ATTRIBUTES,
  OFFSET_CRC,
  OFFSET_LENGTH,
  batchCrcMatches,
  buildRecordBatch,
  computeBatchCrc,
  readBatchHeader,
} from '../../src/protocol/record-batch.js';
import type { PartitionLog } from '../../src/storage/log.js';

export interface KV {
  key: string | null;
  /** null: tombstone. */
  value: string | null;
}

export interface ReadRecord extends KV {
  offset: number;
  timestamp: number;
}

export function keyedBatch(records: KV[], ts = 1000): Buffer {
  return buildRecordBatch({
    baseTimestamp: ts,
    records: records.map((r, i) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestampDelta: i,
    })),
  });
}

/** The same batch with its records section gzipped (attributes codec 1), CRC recomputed. */
export function gzipped(batch: Buffer): Buffer {
  const body = gzipSync(batch.subarray(BATCH_HEADER_BYTES));
  const out = Buffer.concat([batch.subarray(0, BATCH_HEADER_BYTES), body]);
  out.writeInt32BE(out.length - 12, OFFSET_LENGTH);
  out.writeInt16BE((out.readInt16BE(OFFSET_ATTRIBUTES) & ~7) | 1, OFFSET_ATTRIBUTES);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), OFFSET_CRC);
  return out;
}

function varint(buf: Buffer, pos: number): [number, number] {
  let u = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++]!;
    u += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [u % 2 === 0 ? u / 2 : -(u + 1) / 2, pos];
  }
}

function bytes(buf: Buffer, pos: number): [string | null, number] {
  const [len, p] = varint(buf, pos);
  return len < 0 ? [null, p] : [buf.subarray(p, p + len).toString(), p + len];
}

/** Records of one uncompressed batch, decoded independently of src/storage. */
export function decodeUncompressed(batch: Buffer): ReadRecord[] {
  const h = readBatchHeader(batch, 0);
  if ((h.attributes & 7) !== 0) throw new Error('compressed batch in decodeUncompressed');
  const out: ReadRecord[] = [];
  let p = BATCH_HEADER_BYTES;
  for (let i = 0; i < h.recordCount; i++) {
    const [len, afterLen] = varint(batch, p);
    const [tsDelta, afterTs] = varint(batch, afterLen + 1);
    const [offDelta, afterOff] = varint(batch, afterTs);
    const [key, afterKey] = bytes(batch, afterOff);
    const [value] = bytes(batch, afterKey);
    out.push({ offset: h.baseOffset + offDelta, timestamp: h.baseTimestamp + tsDelta, key, value });
    p = afterLen + len;
  }
  return out;
}

/** Records of an uncompressed or gzip batch (gunzipped here, then read as uncompressed). */
export function decodePlainOrGzip(batch: Buffer): ReadRecord[] {
  if ((batch.readInt16BE(OFFSET_ATTRIBUTES) & 7) !== 1) return decodeUncompressed(batch);
  const plain = Buffer.concat([batch.subarray(0, BATCH_HEADER_BYTES), gunzipSync(batch.subarray(BATCH_HEADER_BYTES))]);
  plain.writeInt16BE(plain.readInt16BE(OFFSET_ATTRIBUTES) & ~7, OFFSET_ATTRIBUTES);
  return decodeUncompressed(plain);
}

export interface LogDump {
  records: ReadRecord[];
  batches: Buffer[];
}

/** Reads the whole log batch by batch, checking CRCs, offset order and that batches fit their headers. */
export function dumpLog(log: PartitionLog, decode: (batch: Buffer) => ReadRecord[] = decodeUncompressed): LogDump {
  const records: ReadRecord[] = [];
  const batches: Buffer[] = [];
  let lastBatchEnd = log.logStartOffset;
  for (let at = log.logStartOffset; at < log.logEndOffset; ) {
    const r = log.read(at, 1 << 20, { minOneBatch: true });
    if (!r.ok) throw new Error(`read at ${at}: ${r.error}`);
    if (r.records.length === 0) throw new Error(`empty read at ${at} below the end ${log.logEndOffset}`);
    for (let pos = 0; pos < r.records.length; ) {
      const h = readBatchHeader(r.records, pos);
      const b = r.records.subarray(pos, pos + h.sizeBytes);
      if (!batchCrcMatches(b, 0, b.length)) throw new Error(`CRC mismatch at offset ${h.baseOffset}`);
      if (h.baseOffset < lastBatchEnd) throw new Error(`batch ${h.baseOffset} overlaps the previous one (ends ${lastBatchEnd})`);
      const recs = decode(b);
      for (const rec of recs) {
        if (rec.offset < h.baseOffset || rec.offset > h.baseOffset + h.lastOffsetDelta) throw new Error(`record ${rec.offset} outside its batch`);
        if (records.length > 0 && rec.offset <= records[records.length - 1]!.offset) throw new Error(`offset ${rec.offset} not increasing`);
        records.push(rec);
      }
      batches.push(Buffer.from(b));
      lastBatchEnd = h.baseOffset + h.lastOffsetDelta + 1;
      at = lastBatchEnd;
      pos += h.sizeBytes;
    }
  }
  return { records, batches };
}
