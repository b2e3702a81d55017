// Types shared by the partition log and the topic store: configuration, logger, results.
import type { StorageFs } from './fs.js';
import type { SegmentFdPool } from './fd-pool.js';

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** Kafka's cleanup.policy: which of deletion (time/size retention) and compaction apply. */
export interface CleanupPolicy {
  delete: boolean;
  compact: boolean;
}

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  /** -1: unlimited. */
  retentionMs: number;
  /** -1: unlimited. */
  retentionBytes: number;
  indexIntervalBytes: number;
  timestampType: TimestampType;
  cleanupPolicy: CleanupPolicy;
  /** How long a tombstone survives after its batch was first cleaned (delete.retention.ms). */
  deleteRetentionMs: number;
  /** Compact only when dirty bytes / cleanable bytes >= this (min.cleanable.dirty.ratio). */
  minCleanableDirtyRatio: number;
  /** A sealed segment is cleanable once its largest timestamp is this old (min.compaction.lag.ms). */
  minCompactionLagMs: number;
  /** Most bytes one batch's records may decompress to, on append and in the cleaner (minikafka.decompressed.bytes.max). */
  decompressedBytesMax: number;
}

export const defaultLogConfig: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  timestampType: 'CreateTime',
  cleanupPolicy: { delete: true, compact: false },
  deleteRetentionMs: 24 * 3600 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  decompressedBytesMax: 64 * 1024 * 1024,
};

/** What one cleaner pass over a log did. */
export interface CompactionResult {
  /** False when the log was not dirty enough (or had nothing sealed) and nothing was read. */
  ran: boolean;
  /** Segments replaced by cleaned ones (groups that changed; unchanged groups are left as they are). */
  segmentsRewritten: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Batches left as they were because their records could not be read (corrupt, or above decompressedBytesMax). */
  undecodableBatches: number;
}

export interface PartitionLogOptions {
  fs?: StorageFs;
  logger?: Logger;
  config?: Partial<LogConfig>;
  clock?: () => number;
  /** Fields added to every log line (e.g. topic, partition). */
  logContext?: object;
  /** Bounds the descriptors of idle segments, shared by every log of a TopicStore. */
  fdPool?: SegmentFdPool;
  /** Awaited before each flush syncs (the topic's own metadata must be durable first); undefined: nothing to wait for. */
  beforeFlush?: () => Promise<void> | undefined;
}

export interface AppendOptions {
  /** Forces LogAppendTime with this time; otherwise the topic's timestamp type decides. */
  logAppendTimeMs?: number;
  leaderEpoch?: number;
  /** The caller already ran validateRecordBatches on this buffer (skips a second CRC pass). */
  validated?: boolean;
  /** 'client' (default): sequence checks and deduplication; 'coordinator': transaction markers. */
  origin?: 'client' | 'coordinator';
  /** The caller already walked the records (records-check.ts checkRecords with this log's policy). */
  recordsChecked?: boolean;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** -1 under CreateTime. */
  logAppendTimeMs: number;
  /** A producer's retry of a batch already stored: these are the offsets it got then, nothing was written. */
  duplicate?: boolean;
}

export interface ReadOptions {
  /** Return the first batch even if it alone exceeds maxBytes (Kafka does this for the first partition of a fetch). */
  minOneBatch?: boolean;
  /** Exclusive upper bound on batch base offsets returned (e.g. durableEndOffset). Default: highWatermark. */
  maxOffset?: number;
  /** Supplies the buffer the bytes are read into (at least the size asked); default Buffer.allocUnsafe. */
  alloc?: (bytes: number) => Buffer;
}

export type ReadResult =
  | { ok: true; records: Buffer; highWatermark: number; logStartOffset: number; logEndOffset: number }
  | { ok: false; error: 'OFFSET_OUT_OF_RANGE'; highWatermark: number; logStartOffset: number; logEndOffset: number };
