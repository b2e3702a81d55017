// Recovery of a log's segments after an unclean stop (invariant 4): the tail is never trusted.
import type { Logger } from './log-types.js';
import { segmentIndexFor } from './log-read.js';
import type { Segment } from './segment.js';

/**
 * Scans from the segment holding `recoveryPoint` on; each segment is truncated at its first bad
 * batch, and the segments after one that does not end where the next starts are deleted (removed
 * from `segments` in place).
 */
export function recoverSegments(segments: Segment[], recoveryPoint: number, logger: Logger, ctx: object): void {
  for (let i = Math.max(0, segmentIndexFor(segments, recoveryPoint)); i < segments.length; i++) {
    const seg = segments[i]!;
    const outcome = seg.recover();
    const nextBase = segments[i + 1]?.baseOffset;
    if (outcome.truncatedBytes > 0) {
      logger.warn({ ...ctx, segment: seg.baseOffset, ...outcome }, 'truncated invalid log tail');
    }
    if (nextBase !== undefined && outcome.nextOffset !== nextBase) {
      const dropped = segments.splice(i + 1);
      for (const s of dropped) s.delete();
      const reason = `segment ${seg.baseOffset} ends at ${outcome.nextOffset}, next starts at ${nextBase}`;
      logger.warn({ ...ctx, dropped: dropped.map((s) => s.baseOffset), reason }, 'deleted segments after a gap');
    }
  }
  logger.info({ ...ctx, recoveryPoint, logEndOffset: segments[segments.length - 1]!.nextOffset }, 'recovered log after unclean shutdown');
}

/** Clean start: the active segment's index tail is trusted only if it reads back sanely (garbled int64s throw). */
export function activeTailChecksOut(active: Segment, logger: Logger, ctx: object): boolean {
  try {
    return active.loadTail();
  } catch (err) {
    logger.warn({ ...ctx, err: (err as Error).message }, 'unreadable index of the active segment');
    return false;
  }
}
