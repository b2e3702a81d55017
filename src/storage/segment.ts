// One log segment: a .log of record batches plus two sparse indexes.
//
// On-disk format (all integers big-endian), files named by the segment's base offset, 20 digits:
//   <base>.log        record batches v2 exactly as produced, with baseOffset (and leader epoch /
//                     LogAppendTime maxTimestamp) rewritten by the broker; batches are back to back.
//   <base>.index      8-byte entries: int32 (batch baseOffset - base), int32 byte position of that
//                     batch in .log. One entry before a batch once >= index.interval.bytes of log
//                     were written since the previous entry (position 0 is implicit). Ascending.
//   <base>.timeindex  12-byte entries: int64 timestamp, int32 relative offset of the batch that
//                     holds it. Written at the same sparse points, and when the segment is sealed
//                     (rolled or cleanly closed), only when the segment's max timestamp grew, so
//                     the last entry of a sealed segment is its largest batch maxTimestamp.
//                     Invariant: every batch at or before the entry's offset has maxTimestamp <= it.
// Indexes are a cache: recovery rebuilds them from the .log.
// The log cleaner writes a replacement segment under the same names plus '.cleaned', renames it to
// '.swap' once synced, then into place (see cleaner.ts); offsets inside a cleaned segment have gaps.
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  CURRENT_MAGIC,
  batchBaseOffsetAt,
  batchCrcMatches,
  batchLastOffsetDeltaAt,
  batchMagicAt,
  batchMaxTimestampAt,
  batchSizeAt,
  readInt64Number,
} from '../protocol/record-batch.js';
import type { StorageFs } from './fs.js';
import type { PooledFile, SegmentFdPool } from './fd-pool.js';
import { IndexFile, OFFSET_INDEX_ENTRY_BYTES, TIME_INDEX_ENTRY_BYTES } from './index-file.js';
import { StorageError, dataDirRelative } from './errors.js';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** Base offset of a `<20 digits>.log` name, or undefined for any other name. */
export function parseSegmentFileName(name: string): number | undefined {
  const m = /^(\d{20})\.log$/.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/** What a header scan learns about one stored batch. */
export interface BatchLocation {
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface RecoveryOutcome {
  validBytes: number;
  truncatedBytes: number;
  batches: number;
  nextOffset: number;
  reason?: string;
}

// One shared header buffer: storage runs on one thread and never awaits between fill and use.
const headerScratch = Buffer.alloc(BATCH_HEADER_BYTES);
const offsetEntry = Buffer.alloc(OFFSET_INDEX_ENTRY_BYTES);
const timeEntry = Buffer.alloc(TIME_INDEX_ENTRY_BYTES);
const EMPTY = Buffer.alloc(0);

export class Segment implements PooledFile {
  private logFd: number | undefined;
  private pool: SegmentFdPool | undefined;
  private everOpened = false;
  /** The log's active segment: its files stay open while it has unsynced writes (see evictable). */
  pinned = false;
  private size: number | undefined;
  private bytesSinceIndexEntry = 0;
  /** Max batch timestamp so far and the base offset of its batch; undefined until loaded. */
  private maxTs: { timestamp: number; offset: number } | undefined;
  /** Next offset after the last batch; known for the active segment only. */
  nextOffset: number | undefined;
  /** Log bytes written since the last sync. */
  dirtyLog = false;
  /** True while an fdatasync is in flight: the segment must not be deleted under it. */
  syncing = false;
  createdMs: number;
  readonly index: IndexFile;
  readonly timeIndex: IndexFile;

  private constructor(
    private readonly fs: StorageFs,
    readonly dir: string,
    readonly baseOffset: number,
    readonly indexIntervalBytes: number,
    nowMs: number,
    /** Appended to every file name: '' for a live segment, '.cleaned' / '.swap' while the cleaner works. */
    readonly nameSuffix = '',
    /** Bounds open descriptors across segments; undefined: unbounded (segments outside a TopicStore). */
    pool?: SegmentFdPool,
  ) {
    this.pool = pool;
    this.index = new IndexFile(fs, this.path(INDEX_SUFFIX), OFFSET_INDEX_ENTRY_BYTES);
    this.timeIndex = new IndexFile(fs, this.path(TIME_INDEX_SUFFIX), TIME_INDEX_ENTRY_BYTES);
    this.index.canClose = this.timeIndex.canClose = () => this.evictable();
    this.index.pool = this.timeIndex.pool = pool;
    this.createdMs = nowMs;
  }


  /**
   * An active segment may close once its .log is synced: the next append reopens it (writes are
   * positional, the size is cached). Never while it has unsynced writes: an fsync error must reach a
   * descriptor that was open when the pages were written (Linux reports it once, per open file).
   */
  evictable(): boolean {
    return (!this.pinned || !this.dirtyLog) && !this.syncing;
  }

  /** A segment made without a pool (by the cleaner) joins its log's pool once it is part of the log. */
  adoptPool(pool: SegmentFdPool | undefined): void {
    if (this.pool !== undefined || pool === undefined) return;
    this.pool = this.index.pool = this.timeIndex.pool = pool;
  }

  /** Pool eviction: only the .log descriptor closes; the cached size stays (a sealed segment does not grow). */
  closeIdle(): void {
    if (this.logFd !== undefined) this.fs.close(this.logFd);
    this.logFd = undefined;
  }

  /** A handle on an existing segment; opens nothing until used. */
  static existing(fs: StorageFs, dir: string, baseOffset: number, indexIntervalBytes: number, nowMs: number, pool?: SegmentFdPool): Segment {
    return new Segment(fs, dir, baseOffset, indexIntervalBytes, nowMs, '', pool);
  }

  /** Creates the three files of a fresh, empty segment. */
  static create(fs: StorageFs, dir: string, baseOffset: number, indexIntervalBytes: number, nowMs: number, nameSuffix = '', pool?: SegmentFdPool): Segment {
    const seg = new Segment(fs, dir, baseOffset, indexIntervalBytes, nowMs, nameSuffix, pool);
    const fd = seg.fd();
    if (fs.fsize(fd) !== 0) throw new Error(`new segment ${seg.path(LOG_SUFFIX)} is not empty`);
    seg.index.truncateTo(0);
    seg.timeIndex.truncateTo(0);
    seg.nextOffset = baseOffset;
    seg.maxTs = { timestamp: -1, offset: baseOffset };
    return seg;
  }

  path(suffix: string): string {
    return `${this.dir}/${segmentFileName(this.baseOffset, suffix)}${this.nameSuffix}`;
  }

  /**
   * Closes this segment and renames its files to carry `nameSuffix` instead ('' = live names),
   * indexes first and the .log last: the .log's name is what recovery goes by.
   */
  renameTo(nameSuffix: string, nowMs: number): Segment {
    this.close();
    const next = new Segment(this.fs, this.dir, this.baseOffset, this.indexIntervalBytes, nowMs, nameSuffix, this.pool);
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX]) {
      if (this.fs.exists(this.path(suffix))) this.fs.rename(this.path(suffix), next.path(suffix));
    }
    return next;
  }

  private fd(): number {
    // Reopened after the pool closed it: the file must still be there (never create one under a
    // renamed, deleted topic's old path, where a new topic of the same name may live).
    if (this.logFd === undefined) this.logFd = this.fs.open(this.path(LOG_SUFFIX), this.everOpened ? 'rw' : 'create');
    this.everOpened = true;
    this.pool?.touch(this);
    return this.logFd;
  }

  sizeBytes(): number {
    if (this.size === undefined) this.size = this.fs.fsize(this.fd());
    return this.size;
  }

  /** Largest batch maxTimestamp in the segment (-1 if none) and the base offset of that batch. */
  maxTimestamp(): { timestamp: number; offset: number } {
    if (this.maxTs === undefined) {
      const last = this.timeIndex.lastEntry();
      this.maxTs =
        last === undefined
          ? { timestamp: -1, offset: this.baseOffset }
          : { timestamp: readInt64Number(last, 0), offset: this.baseOffset + last.readInt32BE(8) };
    }
    return this.maxTs;
  }

  private addIndexEntries(batch: BatchLocation): void {
    if (batch.maxTimestamp > this.maxTimestamp().timestamp) {
      this.maxTs = { timestamp: batch.maxTimestamp, offset: batch.baseOffset };
    }
    if (this.bytesSinceIndexEntry >= this.indexIntervalBytes) {
      offsetEntry.writeInt32BE(batch.baseOffset - this.baseOffset, 0);
      offsetEntry.writeInt32BE(batch.position, 4);
      this.index.append(offsetEntry);
      this.maybeAppendTimeEntry();
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += batch.sizeBytes;
  }

  /** Appends a time index entry if the max timestamp grew past the last entry. */
  private maybeAppendTimeEntry(): void {
    const max = this.maxTimestamp();
    const last = this.timeIndex.lastEntry();
    if (max.timestamp < 0 || (last !== undefined && readInt64Number(last, 0) >= max.timestamp)) return;
    timeEntry.writeInt32BE(0, 0);
    timeEntry.writeUInt32BE(0, 4);
    writeTimestamp(timeEntry, max.timestamp);
    timeEntry.writeInt32BE(max.offset - this.baseOffset, 8);
    this.timeIndex.append(timeEntry);
  }

  /**
   * Appends batches whose offsets are already assigned (one write for the whole buffer).
   * On failure the segment is rolled back to its previous size and the error rethrown.
   */
  append(buf: Buffer, nextOffset: number): void {
    const start = this.sizeBytes();
    const indexCount = this.index.count();
    const timeCount = this.timeIndex.count();
    const saved = { bytes: this.bytesSinceIndexEntry, maxTs: this.maxTs };
    try {
      this.fs.write(this.fd(), buf, 0, buf.length, start);
      this.size = start + buf.length;
      this.dirtyLog = true;
      for (let pos = 0; pos < buf.length; ) {
        const loc = locateInBuffer(buf, pos, start + pos);
        this.addIndexEntries(loc);
        pos += loc.sizeBytes;
      }
      this.nextOffset = nextOffset;
    } catch (err) {
      this.bytesSinceIndexEntry = saved.bytes;
      this.maxTs = saved.maxTs;
      this.truncate(start, indexCount, timeCount);
      throw err;
    }
  }

  private truncate(sizeBytes: number, indexCount: number, timeCount: number): void {
    this.fs.ftruncate(this.fd(), sizeBytes);
    this.size = sizeBytes;
    this.index.truncateTo(indexCount);
    this.timeIndex.truncateTo(timeCount);
  }

  /** Called when the segment stops being active: records its final max timestamp. */
  seal(): void {
    this.maybeAppendTimeEntry();
  }

  /**
   * Reads exactly `length` bytes at `position` into a fresh buffer (one allocation per read, never
   * reused: Fetch responses reference it until the socket has written it). Unzeroed: a short read throws.
   */
  read(position: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.readExactly(out, length, position);
    return out;
  }

  /** Fills buf[0, length) from `position` of the .log; a short read throws. */
  private readExactly(buf: Buffer, length: number, position: number): void {
    const got = this.fs.read(this.fd(), buf, 0, length, position);
    // The .log is shorter than the segment knows: something cut it behind our back (an operator, a
    // failing disk). An operating error, answered as KAFKA_STORAGE_ERROR, not a bug of ours.
    if (got !== length) throw new StorageError('KAFKA_STORAGE_ERROR', `short read of ${dataDirRelative(this.path(LOG_SUFFIX), 3)}@${position}: ${got} of ${length} bytes`);
  }

  /**
   * Whole batches from `first` that fit in maxBytes (or, with minOne, the first alone past it) and
   * start below `upper`, with one read: the span is read at once and the batch headers walked in
   * memory (a header read per batch cost a syscall each). `alloc` lets the caller supply the buffer
   * (at least the size asked, possibly reused once the bytes are sent); the result is a view of it.
   */
  readBatches(first: BatchLocation, maxBytes: number, upper: number, minOne: boolean, alloc: (bytes: number) => Buffer = Buffer.allocUnsafe): Buffer {
    const available = this.sizeBytes() - first.position;
    let want = Math.min(maxBytes, available);
    if (first.sizeBytes > want) {
      if (!minOne) return EMPTY;
      want = first.sizeBytes; // batchAt checked that the whole batch is in the segment
    }
    const buf = alloc(want);
    this.readExactly(buf, want, first.position);
    let end = first.sizeBytes;
    while (end + BATCH_HEADER_BYTES <= want && batchBaseOffsetAt(buf, end) < upper) {
      const size = batchSizeAt(buf, end);
      if (size < BATCH_HEADER_BYTES || end + size > want) break;
      end += size;
    }
    return buf.subarray(0, end);
  }

  /** Header of the batch at `position`, or undefined at/after the end of valid data. */
  batchAt(position: number): BatchLocation | undefined {
    const size = this.sizeBytes();
    if (position + BATCH_HEADER_BYTES > size) return undefined;
    this.fs.read(this.fd(), headerScratch, 0, BATCH_HEADER_BYTES, position);
    const loc = locateInBuffer(headerScratch, 0, position);
    return position + loc.sizeBytes <= size ? loc : undefined;
  }

  /** Start position for a scan towards `offset` (from the sparse index). */
  private scanStart(offset: number): number {
    const i = this.index.floor((e) => e.readInt32BE(0), offset - this.baseOffset);
    return i < 0 ? 0 : this.index.entry(i).readInt32BE(4);
  }

  /** The batch containing `offset` or the first one after it; undefined if none in this segment. */
  findBatch(offset: number): BatchLocation | undefined {
    for (let pos = this.scanStart(offset); ; ) {
      const loc = this.batchAt(pos);
      if (loc === undefined || loc.lastOffset >= offset) return loc;
      pos += loc.sizeBytes;
    }
  }

  /** First batch whose maxTimestamp >= ts and whose last offset >= minOffset. */
  findByTimestamp(ts: number, minOffset: number): BatchLocation | undefined {
    const i = this.timeIndex.floor((e) => readInt64Number(e, 0), ts, true);
    const fromOffset = i < 0 ? this.baseOffset : this.baseOffset + this.timeIndex.entry(i).readInt32BE(8);
    for (let pos = this.scanStart(Math.max(fromOffset, minOffset)); ; ) {
      const loc = this.batchAt(pos);
      if (loc === undefined) return undefined;
      if (loc.maxTimestamp >= ts && loc.lastOffset >= minOffset) return loc;
      pos += loc.sizeBytes;
    }
  }

  /**
   * Clean-start load of the active segment: reads the index tail and scans (with CRC) only the
   * batches after the last index entry. Returns false if that tail does not check out.
   */
  loadTail(): boolean {
    const lastIndex = this.index.lastEntry();
    let pos = lastIndex === undefined ? 0 : lastIndex.readInt32BE(4);
    let next = lastIndex === undefined ? this.baseOffset : this.baseOffset + lastIndex.readInt32BE(0);
    const size = this.sizeBytes();
    if (pos > size) return false; // index ahead of the log: not a clean stop after all
    const max = { ...this.maxTimestamp() };
    let scratch: Buffer = Buffer.alloc(0);
    while (pos < size) {
      const checked = this.readChecked(pos, size, next, scratch);
      if (typeof checked === 'string') return false;
      scratch = checked.scratch;
      if (checked.loc.maxTimestamp > max.timestamp) {
        max.timestamp = checked.loc.maxTimestamp;
        max.offset = checked.loc.baseOffset;
      }
      next = checked.loc.lastOffset + 1;
      pos += checked.loc.sizeBytes;
    }
    // A time index whose last entry names an offset outside the segment is garbage, not a clean stop.
    const timeOffset = this.maxTimestamp().offset;
    if (this.timeIndex.count() > 0 && (timeOffset < this.baseOffset || timeOffset >= next)) return false;
    this.maxTs = max;
    this.nextOffset = next;
    this.bytesSinceIndexEntry = size - (lastIndex === undefined ? 0 : lastIndex.readInt32BE(4));
    return true;
  }

  /** Reads and validates (length, magic, CRC, offset order) the batch at pos, or says why not. */
  private readChecked(
    pos: number,
    size: number,
    minBaseOffset: number,
    scratch: Buffer,
  ): { loc: BatchLocation; scratch: Buffer } | string {
    if (pos + BATCH_HEADER_BYTES > size) return `torn header: ${size - pos} trailing bytes`;
    this.fs.read(this.fd(), headerScratch, 0, BATCH_HEADER_BYTES, pos);
    const sizeBytes = batchSizeAt(headerScratch, 0);
    if (sizeBytes < BATCH_HEADER_BYTES) return `batch length ${sizeBytes - BATCH_LOG_OVERHEAD_BYTES} too small`;
    if (pos + sizeBytes > size) return `torn batch: needs ${sizeBytes} bytes, ${size - pos} left`;
    const magic = batchMagicAt(headerScratch, 0);
    if (magic !== CURRENT_MAGIC) return `bad magic ${magic}`;
    let loc: BatchLocation;
    try {
      loc = locateInBuffer(headerScratch, 0, pos);
    } catch {
      return 'header field out of range';
    }
    if (loc.baseOffset < minBaseOffset || loc.lastOffset < loc.baseOffset) return `offset ${loc.baseOffset} out of order`;
    if (scratch.length < sizeBytes) scratch = Buffer.alloc(Math.max(sizeBytes, scratch.length * 2));
    this.fs.read(this.fd(), scratch, 0, sizeBytes, pos);
    if (!batchCrcMatches(scratch, 0, sizeBytes)) return 'CRC32C mismatch';
    return { loc, scratch };
  }

  /**
   * Full recovery: validates every batch, truncates the first bad one and everything after it,
   * rebuilds both indexes and syncs the result.
   */
  recover(): RecoveryOutcome {
    const size = this.sizeBytes();
    this.index.truncateTo(0);
    this.timeIndex.truncateTo(0);
    this.maxTs = { timestamp: -1, offset: this.baseOffset };
    this.bytesSinceIndexEntry = 0;
    let pos = 0;
    let next = this.baseOffset;
    let batches = 0;
    let reason: string | undefined;
    let scratch: Buffer = Buffer.alloc(0);
    while (pos < size) {
      const checked = this.readChecked(pos, size, next, scratch);
      if (typeof checked === 'string') {
        reason = checked;
        break;
      }
      scratch = checked.scratch;
      this.addIndexEntries(checked.loc);
      next = checked.loc.lastOffset + 1;
      pos += checked.loc.sizeBytes;
      batches += 1;
    }
    if (pos < size) this.fs.ftruncate(this.fd(), pos);
    this.size = pos;
    this.nextOffset = next;
    this.seal();
    this.dirtyLog = true; // the crashed process may have left unsynced pages in the cache
    this.syncAllNow();
    return { validBytes: pos, truncatedBytes: size - pos, batches, nextOffset: next, reason };
  }

  /** fdatasync of the .log (and of the indexes too when `withIndexes`). */
  async sync(withIndexes: boolean): Promise<void> {
    this.syncing = true;
    try {
      if (this.dirtyLog) {
        this.dirtyLog = false;
        await this.fs.fdatasync(this.fd());
      }
      if (withIndexes) {
        await this.index.sync();
        await this.timeIndex.sync();
      }
    } finally {
      this.syncing = false;
    }
  }

  get dirty(): boolean {
    return this.dirtyLog || this.index.dirty || this.timeIndex.dirty;
  }

  /** Synchronous sync of every file: recovery and clean shutdown only. */
  syncAllNow(): void {
    if (this.dirtyLog) this.fs.fsyncSync(this.fd());
    this.dirtyLog = false;
    this.index.syncNow();
    this.timeIndex.syncNow();
  }

  close(): void {
    if (this.logFd !== undefined) this.fs.close(this.logFd);
    this.logFd = undefined;
    this.size = undefined;
    this.pool?.closed(this);
    this.index.close();
    this.timeIndex.close();
  }

  /** Closes and removes the files; the .log first so a crash leaves only orphan indexes. */
  delete(): void {
    this.close();
    this.fs.rm(this.path(LOG_SUFFIX));
    this.fs.rm(this.path(INDEX_SUFFIX));
    this.fs.rm(this.path(TIME_INDEX_SUFFIX));
  }
}

function writeTimestamp(buf: Buffer, ts: number): void {
  const hi = Math.floor(ts / 0x1_0000_0000);
  buf.writeInt32BE(hi, 0);
  buf.writeUInt32BE(ts - hi * 0x1_0000_0000, 4);
}

/** Location of the batch whose header starts at buf[pos]; `filePosition` is where it sits on disk. */
export function locateInBuffer(buf: Buffer, pos: number, filePosition: number): BatchLocation {
  const baseOffset = batchBaseOffsetAt(buf, pos);
  return {
    position: filePosition,
    sizeBytes: batchSizeAt(buf, pos),
    baseOffset,
    lastOffset: baseOffset + batchLastOffsetDeltaAt(buf, pos),
    maxTimestamp: batchMaxTimestampAt(buf, pos),
  };
}
