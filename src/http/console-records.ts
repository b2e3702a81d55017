// The console's message browser: a page of one partition's records from an offset, a timestamp, the
// start or the end, read with bounds on everything: stored bytes read (max_bytes), records returned
// (limit), decompressed bytes per batch, and bytes shown per key, value and header (field_bytes).
// Keys, values and headers go out as JSON strings (UTF-8 text when the bytes are UTF-8, else base64):
// the browser renders them as text, never as HTML.
import { isUtf8 } from 'node:buffer';
import type { BrokerState } from '../broker/state.js';
import { decodeRecordPage, type SkippedBatch } from '../protocol/record-page.js';
import { partitionNotFound, topicNotFound } from './errors.js';

export const recordPageBounds = {
  limitMax: 500,
  limitDefault: 50,
  maxBytesMax: 4 * 1024 * 1024,
  maxBytesDefault: 1024 * 1024,
  fieldBytesMax: 1024 * 1024,
  fieldBytesDefault: 16 * 1024,
  /** A compressed batch that would inflate past this is listed as skipped, not decoded. */
  batchDecompressedBytesMax: 8 * 1024 * 1024,
  headersPerRecordMax: 64,
} as const;

export type PageStart = { offset: number } | { timestampMs: number } | 'earliest' | 'latest';

export interface RecordField {
  encoding: 'utf8' | 'base64';
  data: string;
  /** Bytes of the whole field; `data` holds at most field_bytes of them. */
  size: number;
  truncated: boolean;
}

export interface ConsoleRecord {
  offset: number;
  timestamp: number;
  key: RecordField | null;
  value: RecordField | null;
  headers: Array<{ name: string; value: RecordField | null }>;
  headers_truncated: boolean;
}

export interface ConsoleRecordPage {
  topic: string;
  partition: number;
  earliest_offset: number;
  latest_offset: number;
  /** The offset the page was read from (after resolving a timestamp, earliest or latest, and clamping). */
  from_offset: number;
  next_offset: number;
  records: ConsoleRecord[];
  skipped_batches: SkippedBatch[];
  bytes_read: number;
}

/** A field shown as text when it is UTF-8, else as base64; cut at fieldBytes. */
export function renderField(b: Buffer | null, fieldBytes: number): RecordField | null {
  if (b === null) return null;
  const truncated = b.length > fieldBytes;
  let shown = truncated ? b.subarray(0, fieldBytes) : b;
  if (isUtf8(b)) {
    // Cut on a character boundary: a UTF-8 character is at most 4 bytes.
    for (let cut = 0; cut < 4 && !isUtf8(shown); cut++) shown = shown.subarray(0, shown.length - 1);
    return { encoding: 'utf8', data: shown.toString('utf8'), size: b.length, truncated };
  }
  return { encoding: 'base64', data: shown.toString('base64'), size: b.length, truncated };
}

export async function readConsolePage(b: BrokerState, topicName: string, partition: number, start: PageStart, limits: { limit: number; maxBytes: number; fieldBytes: number }): Promise<ConsoleRecordPage> {
  const topic = b.store.topic(topicName);
  if (topic === undefined) throw topicNotFound(topicName);
  if (partition >= topic.partitions) throw partitionNotFound(topicName, partition);
  const log = b.store.partition(topic.name, partition);
  const earliest = log.logStartOffset;
  const latest = log.highWatermark;
  let from: number;
  if (start === 'earliest') from = earliest;
  else if (start === 'latest') from = Math.max(earliest, latest - limits.limit);
  else if ('offset' in start) from = Math.min(Math.max(start.offset, earliest), latest);
  else from = log.offsetForTimestamp(start.timestampMs)?.offset ?? latest;

  const page: ConsoleRecordPage = {
    topic: topic.name, partition, earliest_offset: earliest, latest_offset: latest, from_offset: from, next_offset: from,
    records: [], skipped_batches: [], bytes_read: 0,
  };
  let offset = from;
  // Each round reads at least one batch or stops: bounded by the limit and the bytes.
  for (let round = 0; round < limits.limit + 8 && page.records.length < limits.limit && offset < latest && page.bytes_read < limits.maxBytes; round++) {
    const read = log.read(offset, limits.maxBytes - page.bytes_read, { minOneBatch: page.bytes_read === 0 });
    if (!read.ok || read.records.length === 0) break;
    page.bytes_read += read.records.length;
    const decoded = await decodeRecordPage(read.records, offset, { recordsMax: limits.limit - page.records.length, batchDecompressedBytesMax: recordPageBounds.batchDecompressedBytesMax });
    for (const r of decoded.records) {
      page.records.push({
        offset: Number(r.offset), timestamp: r.timestamp,
        key: renderField(r.key, limits.fieldBytes), value: renderField(r.value, limits.fieldBytes),
        headers: r.headers.slice(0, recordPageBounds.headersPerRecordMax).map((h) => ({ name: h.key, value: renderField(h.value, limits.fieldBytes) })),
        headers_truncated: r.headers.length > recordPageBounds.headersPerRecordMax,
      });
    }
    page.skipped_batches.push(...decoded.skipped);
    if (decoded.nextOffset <= offset) break;
    offset = decoded.nextOffset;
  }
  page.next_offset = offset;
  return page;
}
