// The partition directory's own files besides segments (segment.ts) and producer state
// (producer-state-files.ts):
//   recovery-point-checkpoint  JSON {"version":1,"recoveryPoint":N,"logStartOffset":N}, written
//                              atomically (tmp + fsync + rename). Every segment below the one
//                              holding recoveryPoint is fully synced with its indexes: recovery
//                              after an unclean stop scans from that segment on.
//   clean-shutdown             empty marker written by close(true) after everything is synced;
//                              removed on open. When present, open trusts the files and reads only
//                              the active segment's index tail and the batches after it.
//   *.cleaned, *.swap          a compaction in progress (see cleaner.ts); finished or discarded on open.
import { writeFileAtomic, type StorageFs } from './fs.js';
import type { Logger } from './log-types.js';
import { parseSegmentFileName } from './segment.js';

export const RECOVERY_CHECKPOINT_FILE = 'recovery-point-checkpoint';
export const CLEAN_SHUTDOWN_FILE = 'clean-shutdown';

export interface Checkpoint {
  recoveryPoint: number;
  logStartOffset: number;
}

/** The recovery checkpoint; an absent or unreadable one means a full scan from offset 0, never a failed start. */
export function readCheckpoint(fs: StorageFs, dir: string, logger: Logger, ctx: object): Checkpoint {
  const path = `${dir}/${RECOVERY_CHECKPOINT_FILE}`;
  const fallback = { recoveryPoint: 0, logStartOffset: 0 };
  if (!fs.exists(path)) return fallback;
  try {
    const parsed = JSON.parse(fs.readFile(path).toString('utf8')) as Partial<Checkpoint>;
    const ok = Number.isSafeInteger(parsed.recoveryPoint) && Number.isSafeInteger(parsed.logStartOffset);
    if (ok) return { recoveryPoint: parsed.recoveryPoint!, logStartOffset: parsed.logStartOffset! };
  } catch {
    // fall through
  }
  logger.warn({ ...ctx }, 'unreadable recovery checkpoint; scanning the whole log');
  return fallback;
}

export function writeCheckpoint(fs: StorageFs, dir: string, checkpoint: Checkpoint): void {
  const body = { version: 1, recoveryPoint: checkpoint.recoveryPoint, logStartOffset: checkpoint.logStartOffset };
  writeFileAtomic(fs, `${dir}/${RECOVERY_CHECKPOINT_FILE}`, JSON.stringify(body));
}

/** Segment base offsets, ascending; removes leftovers of interrupted operations (.tmp files, indexes without a .log). */
export function scanSegmentBases(fs: StorageFs, dir: string): number[] {
  const names = fs.readdir(dir);
  const bases = new Set<number>();
  for (const name of names) {
    const base = parseSegmentFileName(name);
    if (base !== undefined) bases.add(base);
  }
  for (const name of names) {
    const orphanIndex = /^(\d{20})\.(index|timeindex)$/.exec(name);
    if (name.endsWith('.tmp') || (orphanIndex !== null && !bases.has(Number(orphanIndex[1])))) {
      fs.rm(`${dir}/${name}`);
    }
  }
  return [...bases].sort((a, b) => a - b);
}

/** The directory holding `dir` (a partition's topic directory). */
export function parentDir(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i <= 0 ? '/' : dir.slice(0, i);
}
