// PartitionLog: one partition's segmented log. Single writer per partition: append() is synchronous
// (fs write into the page cache) so offsets are assigned and bytes ordered without any locking;
// durability is a separate, asynchronous flush() with group commit.
//
// The partition directory's other files are described in log-files.ts (checkpoint, clean-shutdown
// marker) and producer-state-files.ts (snapshots, .txnindex).
// Offsets are dense except in compacted logs, where cleaned segments have gaps inside them (never
// at a segment's end: each cleaned segment still ends where the next one starts).
import type { RecordsPolicy } from '../protocol/records.js';
import { completeInterruptedSwaps } from './cleaner.js';
import { LogOfflineError, StorageError, StorageIoError, dataDirRelative } from './errors.js';
import { realFs, writeFileAtomic, type StorageFs } from './fs.js';
import { GroupCommit } from './group-commit.js';
import { LogCompactor, cleanerTxnHost, replaceSegments, type CompactionHost } from './log-compaction.js';
import { assignOffsets, checkBatches, checkRecords, recordsPolicyOf } from './log-append.js';
import { CLEAN_SHUTDOWN_FILE, parentDir, readCheckpoint, scanSegmentBases, writeCheckpoint } from './log-files.js';
import { forEachBatchHeader, maxTimestampOffset, offsetForTimestamp, readBatches, type TimestampHit } from './log-read.js';
import { activeTailChecksOut, recoverSegments } from './log-recovery.js';
import { retentionLimitsOf, segmentTimestampMs, segmentsPastRetention, type RetentionLimits } from './log-retention.js';
import {
  defaultLogConfig,
  silentLogger,
  type AppendOptions,
  type AppendResult,
  type CompactionResult,
  type LogConfig,
  type Logger,
  type PartitionLogOptions,
  type ReadOptions,
  type ReadResult,
} from './log-types.js';
import { ProducerStateManager } from './producer-state.js';
import { ProducerStateFiles } from './producer-state-files.js';
import { LOG_SUFFIX, Segment } from './segment.js';
import type { SegmentFdPool } from './fd-pool.js';
import { assert, assertSame } from '../invariant.js';

const INT32_MAX = 0x7fffffff;

export { CLEAN_SHUTDOWN_FILE, RECOVERY_CHECKPOINT_FILE } from './log-files.js';
export * from './log-types.js';

export class PartitionLog {
  private segments: Segment[] = [];
  private nextOffset = 0;
  private startOffset = 0;
  private durableOffset = 0;
  private recoveryPoint = 0;
  private readonly commits = new GroupCommit(() => this.doFlush());
  private failure: unknown;
  private closed = false;
  /** Its topic was deleted: appends and flushes answer UNKNOWN_TOPIC_OR_PARTITION. */
  private retired = false;
  /** New segment files whose entries in the partition dir are not fsynced yet. */
  private dirEntriesDirty = false;
  /** A new partition dir whose entry in the topic dir is not fsynced yet. */
  private parentEntryDirty = false;
  private readonly fdPool: SegmentFdPool | undefined;
  private readonly beforeFlush: (() => Promise<void> | undefined) | undefined;
  /** The cleaner: retention waits while a pass runs; close and retire stop it and wait for it. */
  private readonly compactor = new LogCompactor();
  private readonly fs: StorageFs;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly ctx: object;
  config: LogConfig;
  /** Idempotent and transactional producers of this partition (producer-state.ts). */
  producers = new ProducerStateManager();
  private producerFiles: ProducerStateFiles | undefined;
  /** Called after every successful append (the broker wakes parked fetches from here). */
  onAppend: ((log: PartitionLog, appendedBytes: number, appendedRecords: number) => void) | undefined;

  private constructor(readonly dir: string, options: PartitionLogOptions) {
    this.fs = options.fs ?? realFs;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? Date.now;
    this.config = { ...defaultLogConfig, ...options.config };
    this.ctx = { dir, ...options.logContext };
    this.fdPool = options.fdPool;
    this.beforeFlush = options.beforeFlush;
    if (this.config.segmentBytes > INT32_MAX || this.config.segmentBytes < 1) {
      throw new StorageError('INVALID_CONFIG', `segment.bytes ${this.config.segmentBytes} out of range`);
    }
  }

  static open(dir: string, options: PartitionLogOptions = {}): PartitionLog {
    const log = new PartitionLog(dir, options);
    try {
      log.load();
    } catch (err) {
      log.closeFds();
      if (err instanceof StorageError) throw err;
      throw new StorageIoError('open log', dataDirRelative(dir, 2), err);
    }
    return log;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }
  get logEndOffset(): number {
    return this.nextOffset;
  }
  /** Decision: high watermark = log end offset (acks=1 semantics); durability is durableEndOffset. */
  get highWatermark(): number {
    return this.nextOffset;
  }
  /** Kafka's LSO: read_committed readers read below it; never below the log start (retention and DeleteRecords may pass an open transaction). */
  get lastStableOffset(): number {
    return Math.max(this.startOffset, this.producers.lastStableOffset(this.highWatermark));
  }
  /** Every offset below this has been fdatasync'ed. */
  get durableEndOffset(): number {
    return this.durableOffset;
  }
  /** Base offset of the active segment: the cleaner never touches offsets at or past it. */
  get activeSegmentBaseOffset(): number {
    return this.active.baseOffset;
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  get offline(): boolean {
    return this.failure !== undefined;
  }

  /** Bytes of all segments (stats every segment: not for hot paths). */
  sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.sizeBytes(), 0);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  // ------------------------------------------------------------------ open & recovery

  private load(): void {
    this.fs.mkdir(this.dir);
    const swapped = completeInterruptedSwaps(this.fs, this.dir, this.logger, this.ctx);
    const bases = scanSegmentBases(this.fs, this.dir);
    const checkpoint = readCheckpoint(this.fs, this.dir, this.logger, this.ctx);
    const clean = this.fs.exists(this.markerPath());
    this.fs.rm(this.markerPath());
    const now = this.clock();
    const idx = this.config.indexIntervalBytes;
    this.segments = bases.map((b) => Segment.existing(this.fs, this.dir, b, idx, now, this.fdPool));
    // A directory without segments holds no data: nothing to recover and no checkpoint to move, so a
    // new partition costs no fsync on its first produce (a crash before any flush leaves an empty log).
    const fresh = this.segments.length === 0;
    if (fresh) {
      this.segments.push(Segment.create(this.fs, this.dir, checkpoint.logStartOffset, idx, now, '', this.fdPool));
      this.dirEntriesDirty = true;
      this.parentEntryDirty = true;
    }
    // A swap finished here may have lost its indexes: rebuild them from the .log.
    for (const seg of this.segments) if (swapped.includes(seg.baseOffset)) seg.recover();
    if (!fresh && (!clean || !activeTailChecksOut(this.active, this.logger, this.ctx))) {
      if (clean) this.logger.warn({ ...this.ctx }, 'clean-shutdown marker present but the log tail does not check out; recovering');
      recoverSegments(this.segments, checkpoint.recoveryPoint, this.logger, this.ctx);
    }
    this.active.pinned = true; // after recovery, which may drop segments past a gap
    this.nextOffset = this.active.nextOffset!;
    this.durableOffset = this.nextOffset;
    this.startOffset = Math.min(Math.max(checkpoint.logStartOffset, this.segments[0]!.baseOffset), this.nextOffset);
    this.recoveryPoint = this.active.baseOffset;
    this.compactor.firstDirtyOffset = this.startOffset;
    if (!clean && !fresh) this.writeCheckpoint();
    this.loadProducerState(now);
  }

  private loadProducerState(now: number): void {
    const { state, files } = ProducerStateFiles.load({
      fs: this.fs, dir: this.dir, logger: this.logger, ctx: this.ctx, nowMs: now,
      logStartOffset: this.startOffset, logEndOffset: this.nextOffset,
      segmentBases: this.segments.map((s) => s.baseOffset),
      replay: (from, visit) => forEachBatchHeader(this.segments, from, visit),
    });
    this.producers = state;
    this.producerFiles = files;
  }

  private markerPath(): string {
    return `${this.dir}/${CLEAN_SHUTDOWN_FILE}`;
  }

  private writeCheckpoint(): void {
    writeCheckpoint(this.fs, this.dir, { recoveryPoint: this.recoveryPoint, logStartOffset: this.startOffset });
  }

  // ------------------------------------------------------------------ append

  private ensureWritable(): void {
    if (this.retired) throw this.retiredError();
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', `log ${this.name()} is closed`);
    if (this.failure !== undefined) throw new LogOfflineError(this.name(), this.failure);
  }

  /**
   * Appends every batch in `batches` (one or more whole v2 batches), assigning dense offsets by
   * rewriting each baseOffset in place. Synchronous: the bytes are in the page cache on return.
   */
  append(batches: Buffer, opts: AppendOptions = {}): AppendResult {
    this.ensureWritable();
    const offsetCount = checkBatches(batches, opts.validated === true);
    if (opts.recordsChecked !== true) checkRecords(batches, this.recordsPolicy);
    const producerCheck = this.producers.check(batches, opts.origin ?? 'client');
    if (producerCheck.duplicate) {
      return { baseOffset: producerCheck.firstOffset, lastOffset: producerCheck.lastOffset, logAppendTimeMs: -1, duplicate: true };
    }
    const now = this.clock();
    const lat = opts.logAppendTimeMs ?? (this.config.timestampType === 'LogAppendTime' ? now : undefined);
    const baseOffset = this.nextOffset;
    const next = assignOffsets(batches, baseOffset, opts.leaderEpoch, lat);
    // Paired (invariant 2): the headers' offset count and the offsets just assigned agree, and stay safe integers.
    assertSame(next - baseOffset, offsetCount, `${this.name()}: offsets assigned vs counted`);
    assert(Number.isSafeInteger(next), () => `${this.name()}: next offset ${next} is not a safe integer`);
    this.maybeRoll(batches.length, offsetCount, now);
    this.writeToActive(batches, next);
    this.nextOffset = next;
    assertSame(this.active.nextOffset ?? -1, next, `${this.name()}: active segment's next offset vs the log's`);
    this.producers.apply(producerCheck, baseOffset, now, lat);
    this.onAppend?.(this, batches.length, offsetCount);
    return { baseOffset, lastOffset: next - 1, logAppendTimeMs: lat ?? -1 };
  }

  /** What every batch's records must satisfy here: keys on compacted logs, bounded decompression. */
  get recordsPolicy(): RecordsPolicy {
    return recordsPolicyOf(this.config);
  }

  private writeToActive(buf: Buffer, next: number): void {
    const active = this.active;
    if (active.sizeBytes() + buf.length > INT32_MAX) {
      throw new StorageError('RECORD_LIST_TOO_LARGE', `${buf.length} bytes do not fit in a segment`);
    }
    try {
      active.append(buf, next);
    } catch (err) {
      this.logger.error({ ...this.ctx, err }, 'append failed');
      throw new StorageIoError('append', dataDirRelative(active.path(LOG_SUFFIX), 3), err);
    }
  }

  private maybeRoll(bytes: number, offsetCount: number, now: number): void {
    const active = this.active;
    if (active.sizeBytes() === 0) return;
    const full = active.sizeBytes() + bytes > this.config.segmentBytes;
    const old = now - active.createdMs >= this.config.segmentMs;
    const relOverflow = this.nextOffset + offsetCount - 1 - active.baseOffset > INT32_MAX;
    if (full || old || relOverflow) this.roll(now);
  }

  /** Seals the active segment and starts a new one at the log end offset. */
  roll(now = this.clock()): void {
    this.ensureWritable();
    // An empty active segment already starts at the log end: a second one would share its files.
    if (this.active.sizeBytes() === 0) return;
    try {
      this.active.seal();
      const seg = Segment.create(this.fs, this.dir, this.nextOffset, this.config.indexIntervalBytes, now, '', this.fdPool);
      this.active.pinned = false;
      seg.pinned = true;
      this.segments.push(seg);
      this.dirEntriesDirty = true;
      this.producerFiles?.rolled(this.segments[this.segments.length - 2]!.baseOffset, seg.baseOffset);
      this.producerFiles?.writeSnapshot(this.producers, this.nextOffset);
    } catch (err) {
      throw new StorageIoError('roll', this.name(), err);
    }
  }

  // ------------------------------------------------------------------ flush (group commit)

  /**
   * Makes every append made before this call durable. Calls made while a flush runs share one
   * follow-up flush, so one fdatasync covers all batches that arrived meanwhile.
   */
  flush(): Promise<void> {
    if (this.retired) return Promise.reject(this.retiredError());
    if (this.failure !== undefined) return Promise.reject(new LogOfflineError(this.name(), this.failure));
    return this.commits.flush();
  }

  private async doFlush(): Promise<void> {
    if (this.retired) throw this.retiredError();
    const target = this.nextOffset;
    const active = this.active;
    const dirty = this.segments.filter((s) => s.dirty);
    const syncDir = this.dirEntriesDirty;
    const syncParent = this.parentEntryDirty;
    this.dirEntriesDirty = this.parentEntryDirty = false;
    try {
      // A partition of a topic whose topic.json is not durable yet would not be found after a crash.
      const parent = this.beforeFlush?.();
      if (parent !== undefined) await parent;
      // Oldest first: a sealed segment is synced with its indexes, the active one only its .log.
      for (const seg of dirty) await seg.sync(seg !== active);
      // New segment files (and a new partition dir) are found after a crash only if their entries are durable.
      if (syncDir) await this.fs.syncDir(this.dir);
      if (syncParent) await this.fs.syncDir(parentDir(this.dir));
    } catch (err) {
      this.dirEntriesDirty ||= syncDir;
      this.parentEntryDirty ||= syncParent;
      if (this.retired) throw this.retiredError(); // the topic went away meanwhile: not a disk failure
      this.failure = err;
      this.logger.error({ ...this.ctx, err }, 'fdatasync failed; log is offline');
      throw new LogOfflineError(this.name(), err);
    }
    // Deleted while syncing: the produce waiting on this is answered as Kafka does for a removed partition.
    if (this.retired) throw this.retiredError();
    this.durableOffset = Math.max(this.durableOffset, target);
    this.advanceRecoveryPoint();
  }

  /** Moves the checkpoint to the first segment that is not fully synced (rare: once per roll). */
  private advanceRecoveryPoint(): void {
    const firstOpen = this.segments.find((s) => s.dirty || s === this.active)!;
    if (firstOpen.baseOffset <= this.recoveryPoint) return;
    this.recoveryPoint = firstOpen.baseOffset;
    try {
      this.writeCheckpoint();
    } catch (err) {
      this.logger.warn({ ...this.ctx, err }, 'could not write recovery checkpoint');
    }
  }

  // ------------------------------------------------------------------ read

  /**
   * Whole batches starting with the one containing fetchOffset, from a single segment, up to
   * maxBytes (or one batch beyond it with minOneBatch). Out-of-range is a result, not an exception.
   */
  read(fetchOffset: number, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    const meta = { highWatermark: this.highWatermark, logStartOffset: this.startOffset, logEndOffset: this.nextOffset };
    if (fetchOffset < this.startOffset || fetchOffset > this.nextOffset) {
      return { ok: false, error: 'OFFSET_OUT_OF_RANGE', ...meta };
    }
    const upper = Math.min(opts.maxOffset ?? this.highWatermark, this.nextOffset);
    return { ok: true, records: readBatches(this.segments, fetchOffset, upper, maxBytes, opts.minOneBatch === true, opts.alloc), ...meta };
  }

  /** First record whose timestamp >= ts (Kafka's ListOffsets), never below logStartOffset. */
  offsetForTimestamp(ts: number): TimestampHit | undefined {
    return offsetForTimestamp(this.segments, this.startOffset, ts);
  }

  /** The first record carrying the log's largest timestamp (Kafka's MAX_TIMESTAMP lookup). */
  maxTimestampOffset(): TimestampHit | undefined {
    return maxTimestampOffset(this.segments, this.startOffset);
  }

  // ------------------------------------------------------------------ retention

  /**
   * Deletes whole segments (never the active one), oldest first: those past retentionMs (by their
   * largest timestamp, else file mtime), then while the log exceeds retentionBytes (both only when
   * cleanup.policy includes 'delete'), and those wholly below logStartOffset. Returns the number
   * of segments deleted.
   */
  applyRetention(nowMs: number, limits: Partial<RetentionLimits> = {}): number {
    if (this.compactor.running) return 0; // the cleaner holds segments; the next round deletes them
    const count = segmentsPastRetention(this.segments, this.startOffset, nowMs, retentionLimitsOf(this.config, limits), (seg) => segmentTimestampMs(this.fs, seg, this.clock));
    for (let i = 0; i < count; i++) this.deleteOldest();
    if (count > 0) {
      this.logger.info({ ...this.ctx, deleted: count, logStartOffset: this.startOffset }, 'retention deleted segments');
    }
    return count;
  }

  private deleteOldest(): void {
    const seg = this.segments.shift()!;
    try {
      seg.delete();
    } catch (err) {
      this.segments.unshift(seg);
      throw new StorageIoError('delete segment', dataDirRelative(seg.path(LOG_SUFFIX), 3), err);
    }
    this.startOffset = Math.max(this.startOffset, this.segments[0]!.baseOffset);
    this.producerFiles?.deleteBelow(this.segments[0]!.baseOffset);
    this.producers.truncateBefore(this.startOffset);
  }

  /** DeleteRecords: moves logStartOffset up to `offset` (<= high watermark), durably, and drops whole segments below it. */
  deleteRecordsBefore(offset: number): number {
    this.ensureWritable();
    if (offset > this.highWatermark || offset < 0) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} is beyond the high watermark ${this.highWatermark}`);
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    this.writeCheckpoint();
    this.applyRetention(this.clock(), { retentionMs: -1, retentionBytes: -1 });
    return this.startOffset;
  }

  // ------------------------------------------------------------------ compaction

  /**
   * One log-cleaner pass (see cleaner.ts) if cleanup.policy includes 'compact' and the log is dirty
   * enough (or `force`). Asynchronous, yielding to the event loop; appends carry on meanwhile (the
   * pass never touches the active segment), retention waits. One pass at a time: a second call while
   * one runs returns without running. A pass stopped by close or deletion returns ran = false.
   */
  async compact(nowMs = this.clock(), opts: { force?: boolean } = {}): Promise<CompactionResult> {
    this.ensureWritable();
    if (!this.config.cleanupPolicy.compact) return { ran: false, segmentsRewritten: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesBefore: 0, bytesAfter: 0, undecodableBatches: 0 };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    const host: CompactionHost = {
      fs: this.fs,
      dir: this.dir,
      config: this.config,
      logger: this.logger,
      ctx: this.ctx,
      segments: this.segments,
      ...cleanerTxnHost(this.producers, this.producerFiles),
      name: this.name(),
      get logUsable(): boolean {
        return !log.closed && !log.retired && log.failure === undefined;
      },
      replaceSegments: (old: readonly Segment[], cleaned: Segment) => replaceSegments(this.segments, old, cleaned, this.fdPool),
      failed: (err: unknown) => {
        this.failure = err;
        this.logger.error({ ...this.ctx, err }, 'compaction swap failed; log is offline until reopened');
      },
    };
    return this.compactor.run(host, nowMs, opts.force === true);
  }

  // ------------------------------------------------------------------ close

  /**
   * clean: flush everything, seal the active segment's time index, write the checkpoint and the
   * clean-shutdown marker. Not clean: just release descriptors (what a kill would leave behind).
   */
  async close(clean = true): Promise<void> {
    if (this.closed) return;
    await this.compactor.stop();
    try {
      if (clean && this.failure === undefined) await this.shutdownCleanly();
    } finally {
      this.release();
    }
  }

  private async shutdownCleanly(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.commits.current;
    this.active.seal();
    for (const seg of this.segments) seg.syncAllNow();
    this.recoveryPoint = this.nextOffset;
    this.producerFiles?.writeTxnIndex(this.active.baseOffset);
    this.producerFiles?.writeSnapshot(this.producers, this.nextOffset);
    this.writeCheckpoint();
    writeFileAtomic(this.fs, this.markerPath(), '');
  }

  /** Synchronously closes descriptors without flushing (simulated kill). */
  release(): void {
    this.closed = true;
    this.closeFds();
  }

  /**
   * Topic deletion: refuses appends and flushes from now on (UNKNOWN_TOPIC_OR_PARTITION), lets the
   * fsyncs in flight finish on open descriptors (closing them under a queued fsync gave EBADF and an
   * "offline" log), then closes the descriptors. Never rejects.
   */
  async retire(): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    this.closed = true;
    await this.compactor.stop();
    await this.commits.settle();
    this.closeFds();
  }

  private retiredError(): StorageError {
    return new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `partition ${this.name()} was deleted`);
  }

  /** The log's name for messages clients see: '<topic dir>/<partition>', never the data-dir path. */
  private name(): string {
    return dataDirRelative(this.dir, 2);
  }

  private closeFds(): void {
    for (const seg of this.segments) {
      try {
        seg.close();
      } catch {
        // closing is best effort; descriptors of a failed disk may already be gone
      }
    }
  }
}
