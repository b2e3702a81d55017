// Retention (cleanup.policy 'delete'): which of a log's oldest segments may go.
import type { LogConfig } from './log-types.js';
import type { StorageFs } from './fs.js';
import { LOG_SUFFIX, type Segment } from './segment.js';

export interface RetentionLimits {
  /** -1: no time limit. */
  retentionMs: number;
  /** -1: no size limit. */
  retentionBytes: number;
}

/** The log's own limits (only when cleanup.policy includes 'delete'), overridden by the caller's. */
export function retentionLimitsOf(config: LogConfig, overrides: Partial<RetentionLimits>): RetentionLimits {
  const byPolicy = config.cleanupPolicy.delete;
  return {
    retentionMs: overrides.retentionMs ?? (byPolicy ? config.retentionMs : -1),
    retentionBytes: overrides.retentionBytes ?? (byPolicy ? config.retentionBytes : -1),
  };
}

/**
 * How many of the oldest segments retention deletes (never the active one): those past retentionMs
 * (by their largest timestamp, else file mtime: `timestampOf`), then while the log exceeds
 * retentionBytes, and those wholly below logStartOffset; it stops at the first segment that stays,
 * or that has unsynced data or a sync in flight.
 */
export function segmentsPastRetention(
  segments: readonly Segment[],
  logStartOffset: number,
  nowMs: number,
  limits: RetentionLimits,
  timestampOf: (seg: Segment) => number,
): number {
  let total = 0;
  if (limits.retentionBytes >= 0) for (const seg of segments) total += seg.sizeBytes();
  let count = 0;
  for (; count < segments.length - 1; count++) {
    const seg = segments[count]!;
    const next = segments[count + 1]!;
    const byStart = next.baseOffset <= logStartOffset;
    const byTime = limits.retentionMs >= 0 && nowMs - timestampOf(seg) > limits.retentionMs;
    const bySize = limits.retentionBytes >= 0 && total - seg.sizeBytes() >= limits.retentionBytes;
    if (!(byStart || byTime || bySize) || seg.syncing || seg.dirty) break;
    total -= seg.sizeBytes();
  }
  return count;
}

/** A segment's age for retention: its largest timestamp, else its file's mtime, else now. */
export function segmentTimestampMs(fs: StorageFs, seg: Segment, clock: () => number): number {
  const ts = seg.maxTimestamp().timestamp;
  return ts >= 0 ? ts : (fs.stat(seg.path(LOG_SUFFIX))?.mtimeMs ?? clock());
}
