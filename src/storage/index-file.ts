// A sparse, append-only index file of fixed-size entries (the .index and .timeindex of a segment).
// The file is opened and read into memory only on first use, so an untouched segment costs nothing.
// Its descriptor is in a SegmentFdPool: closed when idle, reopened on use; entries are re-counted then.
import type { StorageFs } from './fs.js';
import type { PooledFile, SegmentFdPool } from './fd-pool.js';

export const OFFSET_INDEX_ENTRY_BYTES = 8; // int32 relative offset, int32 log position
export const TIME_INDEX_ENTRY_BYTES = 12; // int64 timestamp, int32 relative offset

export class IndexFile implements PooledFile {
  private fd: number | undefined;
  private everOpened = false;
  /** undefined: not bounded (a segment used outside a TopicStore). */
  pool: SegmentFdPool | undefined;
  /** Set by the owning segment: whether the pool may close this file now. */
  canClose: () => boolean = () => true;
  private cache: Buffer | undefined;
  private entries = 0;
  /** Entries appended since the last sync. */
  dirty = false;

  constructor(
    private readonly fs: StorageFs,
    readonly path: string,
    readonly entryBytes: number,
  ) {}

  private open(): number {
    if (this.fd === undefined) {
      // After a pool eviction the file must still exist: see Segment.fd().
      this.fd = this.fs.open(this.path, this.everOpened ? 'rw' : 'create');
      this.everOpened = true;
      // A torn trailing entry is dropped: later appends overwrite it.
      this.entries = Math.floor(this.fs.fsize(this.fd) / this.entryBytes);
    }
    this.pool?.touch(this);
    return this.fd;
  }

  evictable(): boolean {
    return this.canClose();
  }

  /** Pool eviction: the descriptor goes, the in-memory copy stays (entries are what the file holds). */
  closeIdle(): void {
    if (this.fd !== undefined) this.fs.close(this.fd);
    this.fd = undefined;
  }

  private loaded(): Buffer {
    if (this.cache === undefined) {
      const fd = this.open();
      const buf = Buffer.alloc(Math.max(64 * this.entryBytes, this.entries * this.entryBytes * 2));
      const want = this.entries * this.entryBytes;
      const got = this.fs.read(fd, buf, 0, want, 0);
      if (got !== want) throw new Error(`short read of ${this.path}: ${got} of ${want}`);
      this.cache = buf;
    }
    return this.cache;
  }

  count(): number {
    this.open();
    return this.entries;
  }

  /** Entry i as a view into the in-memory copy (valid until the next append). */
  entry(i: number): Buffer {
    const buf = this.loaded();
    return buf.subarray(i * this.entryBytes, (i + 1) * this.entryBytes);
  }

  /** Reads only the last entry (cheap start-up): undefined if empty. */
  lastEntry(): Buffer | undefined {
    const fd = this.open();
    if (this.entries === 0) return undefined;
    if (this.cache !== undefined) return this.entry(this.entries - 1);
    const out = Buffer.alloc(this.entryBytes);
    this.fs.read(fd, out, 0, this.entryBytes, (this.entries - 1) * this.entryBytes);
    return out;
  }

  append(entry: Buffer): void {
    const fd = this.open();
    this.fs.write(fd, entry, 0, this.entryBytes, this.entries * this.entryBytes);
    if (this.cache !== undefined) {
      const end = (this.entries + 1) * this.entryBytes;
      if (end > this.cache.length) {
        const grown = Buffer.alloc(this.cache.length * 2);
        this.cache.copy(grown);
        this.cache = grown;
      }
      entry.copy(this.cache, this.entries * this.entryBytes, 0, this.entryBytes);
    }
    this.entries += 1;
    this.dirty = true;
  }

  /** Keeps the first n entries (used to roll back a failed append and to rebuild). */
  truncateTo(n: number): void {
    const fd = this.open();
    this.fs.ftruncate(fd, n * this.entryBytes);
    this.entries = Math.min(this.entries, n);
    this.dirty = true;
  }

  /**
   * Largest i whose key(i) <= target (or < target when strict); -1 if none.
   * Keys are non-decreasing by construction.
   */
  floor(key: (entry: Buffer) => number, target: number, strict = false): number {
    let lo = 0;
    let hi = this.count() - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = key(this.entry(mid));
      if (strict ? k < target : k <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  // A dirty file closed by the pool is reopened to sync: fsync covers the file's data whichever fd asks.
  async sync(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.fs.fdatasync(this.open());
  }

  syncNow(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.fs.fsyncSync(this.open());
  }

  close(): void {
    if (this.fd !== undefined) this.fs.close(this.fd);
    this.fd = undefined;
    this.cache = undefined;
    this.pool?.closed(this);
  }
}
