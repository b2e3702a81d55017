// Reading a log's segments: whole batches from an offset, and offsets by timestamp. Pure functions
// over the segment list (oldest first, the last is the active one) and the log start offset.
import { BATCH_HEADER_BYTES, batchAttributesAt, findRecordByTimestamp, isControlBatch } from '../protocol/record-batch.js';
import type { BatchLocation, Segment } from './segment.js';

/** Index of the segment whose range holds `offset` (largest base <= offset); -1 if before all. */
export function segmentIndexFor(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * Whole batches starting with the one containing fetchOffset, from a single segment, whose base
 * offsets are below `upper`, up to maxBytes (or one batch beyond it with minOne). Empty when none.
 * `alloc` supplies the buffer read into (Segment.readBatches); the result is a view of it.
 */
export function readBatches(segments: readonly Segment[], fetchOffset: number, upper: number, maxBytes: number, minOne: boolean, alloc?: (bytes: number) => Buffer): Buffer {
  const empty = Buffer.alloc(0);
  if (fetchOffset >= upper) return empty;
  for (let i = Math.max(0, segmentIndexFor(segments, fetchOffset)); i < segments.length; i++) {
    const seg = segments[i]!;
    const first = seg.findBatch(fetchOffset);
    if (first === undefined) continue;
    if (first.baseOffset >= upper) return empty;
    return seg.readBatches(first, maxBytes, upper, minOne, alloc);
  }
  return empty;
}

export interface TimestampHit {
  offset: number;
  timestamp: number;
}

/**
 * First record whose timestamp >= ts (Kafka's ListOffsets): located by the time index, then the
 * one batch is read and its record headers walked. Never below logStartOffset.
 */
export function offsetForTimestamp(segments: readonly Segment[], startOffset: number, ts: number): TimestampHit | undefined {
  for (const seg of segments) {
    if (seg.maxTimestamp().timestamp < ts) continue;
    const loc = seg.findByTimestamp(ts, startOffset);
    if (loc !== undefined) return recordInBatch(seg, loc, ts, startOffset);
  }
  return undefined;
}

/** The first record carrying the log's largest timestamp (Kafka's MAX_TIMESTAMP lookup). */
export function maxTimestampOffset(segments: readonly Segment[], startOffset: number): TimestampHit | undefined {
  let best: { seg: Segment; timestamp: number; offset: number } | undefined;
  for (const seg of segments) {
    const m = seg.maxTimestamp();
    if (m.timestamp >= 0 && (best === undefined || m.timestamp > best.timestamp)) best = { seg, ...m };
  }
  if (best === undefined) return undefined;
  const loc = best.seg.findBatch(Math.max(best.offset, startOffset));
  return loc === undefined ? undefined : recordInBatch(best.seg, loc, best.timestamp, startOffset);
}

function recordInBatch(seg: Segment, loc: BatchLocation, ts: number, startOffset: number): TimestampHit {
  const found = findRecordByTimestamp(seg.read(loc.position, loc.sizeBytes), 0, ts);
  const hit = found ?? { offset: loc.baseOffset, timestamp: loc.maxTimestamp };
  return { offset: Math.max(hit.offset, startOffset), timestamp: hit.timestamp };
}

/** Every batch from `fromOffset` on: its header only, whole for control batches (producer-state replay). */
export function forEachBatchHeader(segments: readonly Segment[], fromOffset: number, visit: (batch: Buffer, baseOffset: number) => void): void {
  for (let i = Math.max(0, segmentIndexFor(segments, fromOffset)); i < segments.length; i++) {
    const seg = segments[i]!;
    for (let loc = seg.findBatch(fromOffset); loc !== undefined; loc = seg.batchAt(loc.position + loc.sizeBytes)) {
      const head = seg.read(loc.position, BATCH_HEADER_BYTES);
      visit(isControlBatch(batchAttributesAt(head, 0)) ? seg.read(loc.position, loc.sizeBytes) : head, loc.baseOffset);
    }
  }
}
