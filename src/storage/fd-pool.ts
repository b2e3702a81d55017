// SegmentFdPool: a bound on the descriptors segment files hold open (a .log, .index or .timeindex
// each). Files are tracked in least-recently-used order; when more than `max` are open, the least
// recently used ones that may close (not an active segment's, not one with an fsync in flight) are
// closed, and reopen on their next use. Without it, descriptors grow with the number of segments
// (and tiny segments, or many partitions, exhaust the process's limit: EMFILE for every topic).
// Pinned files may push the count over `max`: the bound is on idle files, which is what grows.

export const OPEN_SEGMENT_FILES_MAX_DEFAULT = 1000;

export interface PooledFile {
  /** False while the file must stay open (active segment, fsync in flight). */
  evictable(): boolean;
  /** Closes the descriptor only; the file reopens on next use. */
  closeIdle(): void;
}

export class SegmentFdPool {
  /** Insertion order is use order: the first entries are the least recently used. */
  private readonly files = new Map<PooledFile, true>();
  evictions = 0;

  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`open segment files max must be >= 1, got ${max}`);
  }

  /** Records a use of an open file; closes idle ones beyond the bound. */
  touch(file: PooledFile): void {
    this.files.delete(file);
    this.files.set(file, true);
    if (this.files.size > this.max) this.evict(file);
  }

  /** The file closed its descriptor on its own. */
  closed(file: PooledFile): void {
    this.files.delete(file);
  }

  get openCount(): number {
    return this.files.size;
  }

  /** `inUse` was just touched: its caller is about to use the descriptor, so it is never closed here. */
  private evict(inUse: PooledFile): void {
    // Each file is looked at once per call: pinned ones move to the back, so this stays O(excess) in practice.
    let budget = this.files.size;
    for (const file of this.files.keys()) {
      if (this.files.size <= this.max || budget-- <= 0) return;
      this.files.delete(file);
      if (file !== inUse && file.evictable()) {
        file.closeIdle();
        this.evictions += 1;
      } else {
        this.files.set(file, true);
      }
    }
  }
}
