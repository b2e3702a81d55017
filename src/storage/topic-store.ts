// TopicStore: the topic registry on disk. Layout under the data directory:
//   <topic dir>/topic.json   {"version":1,"name","id" (uuid),"partitions","configs":{string:string}}
//   <topic dir>/<partition>/  a PartitionLog directory (segments, checkpoint, clean marker)
// The topic dir is the topic name, except for names that would collide with broker files
// ('meta', 'meta.properties'), which get a '~topic' suffix ('~' is illegal in topic names).
// Deleted topics are renamed to '<dir>~<id>~deleted' and then removed; leftovers go at open.
// Directories without a topic.json are not topics and are left alone.
import { randomUUID } from 'node:crypto';
import { StorageError, StorageIoError } from './errors.js';
import { realFs, writeFileAtomic, type StorageFs } from './fs.js';
import { PartitionLog, defaultLogConfig, silentLogger, type CleanupPolicy, type LogConfig, type Logger, type TimestampType } from './log.js';

export const TOPIC_FILE = 'topic.json';
export const TOPIC_NAME_LENGTH_MAX = 249;
const RESERVED_DIR_NAMES = new Set(['meta', 'meta.properties']);
const DELETED_SUFFIX = '~deleted';

export interface Topic {
  readonly name: string;
  /** Canonical uuid string. */
  readonly id: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface StoreDefaults {
  segmentBytes?: number;
  segmentMs?: number;
  retentionMs?: number;
  retentionBytes?: number;
  indexIntervalBytes?: number;
  /** 'CreateTime' | 'LogAppendTime' (broker config log.message.timestamp.type). */
  messageTimestampType?: string;
  /** Broker log.cleanup.policy: 'delete' | 'compact' | 'compact,delete'. */
  cleanupPolicy?: string;
  /** Broker log.cleaner.delete.retention.ms. */
  deleteRetentionMs?: number;
  /** Broker log.cleaner.min.cleanable.ratio. */
  minCleanableDirtyRatio?: number;
  /** Broker log.cleaner.min.compaction.lag.ms. */
  minCompactionLagMs?: number;
}

export interface TopicStoreOptions {
  fs?: StorageFs;
  logger?: Logger;
  defaults?: StoreDefaults;
  clock?: () => number;
}

export type AppendListener = (topic: string, partition: number, appendedBytes: number, appendedRecords: number) => void;

interface TopicState {
  topic: Topic;
  dir: string;
  logs: Map<number, PartitionLog>;
}

/** Kafka's rules: 1..249 chars of [a-zA-Z0-9._-], not '.' or '..'. Returns the problem or undefined. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Topic name is empty';
  if (name === '.' || name === '..') return `Topic name cannot be '${name}'`;
  if (name.length > TOPIC_NAME_LENGTH_MAX) return `Topic name is longer than ${TOPIC_NAME_LENGTH_MAX} characters`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `Topic name '${name}' has characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return undefined;
}

/** Parses and checks the topic configs storage understands; others are stored as given. */
export function logConfigFrom(configs: Readonly<Record<string, string>>, defaults: LogConfig): LogConfig {
  const out = { ...defaults };
  const int = (key: string, min: number): number | undefined => {
    const raw = configs[key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isSafeInteger(n) || n < min) {
      throw new StorageError('INVALID_CONFIG', `Invalid value ${raw} for configuration ${key}`);
    }
    return n;
  };
  out.segmentBytes = int('segment.bytes', 14) ?? out.segmentBytes;
  if (out.segmentBytes > 0x7fffffff) throw new StorageError('INVALID_CONFIG', `segment.bytes ${out.segmentBytes} is above 2^31-1`);
  out.segmentMs = int('segment.ms', 1) ?? out.segmentMs;
  out.retentionMs = int('retention.ms', -1) ?? out.retentionMs;
  out.retentionBytes = int('retention.bytes', -Number.MAX_SAFE_INTEGER) ?? out.retentionBytes;
  out.indexIntervalBytes = int('index.interval.bytes', 0) ?? out.indexIntervalBytes;
  const tsType = configs['message.timestamp.type'];
  if (tsType !== undefined) out.timestampType = parseTimestampType(tsType);
  const policy = configs['cleanup.policy'];
  if (policy !== undefined) out.cleanupPolicy = parseCleanupPolicy(policy);
  out.deleteRetentionMs = int('delete.retention.ms', 0) ?? out.deleteRetentionMs;
  out.minCompactionLagMs = int('min.compaction.lag.ms', 0) ?? out.minCompactionLagMs;
  const ratio = configs['min.cleanable.dirty.ratio'];
  if (ratio !== undefined) {
    const r = Number(ratio);
    if (ratio.trim() === '' || !(r >= 0 && r <= 1)) throw new StorageError('INVALID_CONFIG', `Invalid value ${ratio} for configuration min.cleanable.dirty.ratio`);
    out.minCleanableDirtyRatio = r;
  }
  return out;
}

/** 'delete', 'compact', or both comma-separated (either order, spaces ignored). */
export function parseCleanupPolicy(raw: string): CleanupPolicy {
  const parts = raw.replace(/\s/g, '').split(',');
  const ok = parts.length <= 2 && parts.every((p) => p === 'delete' || p === 'compact') && new Set(parts).size === parts.length;
  if (!ok) throw new StorageError('INVALID_CONFIG', `Invalid value ${raw} for configuration cleanup.policy`);
  return { delete: parts.includes('delete'), compact: parts.includes('compact') };
}

function parseTimestampType(raw: string): TimestampType {
  if (raw === 'CreateTime' || raw === 'LogAppendTime') return raw;
  throw new StorageError('INVALID_CONFIG', `Invalid value ${raw} for configuration message.timestamp.type`);
}

export class TopicStore {
  private readonly byName = new Map<string, TopicState>();
  private readonly byId = new Map<string, TopicState>();
  private readonly listeners: AppendListener[] = [];
  private readonly fs: StorageFs;
  private readonly logger: Logger;
  private readonly clock: () => number;
  readonly defaults: LogConfig;
  private closed = false;

  private constructor(readonly dataDir: string, options: TopicStoreOptions) {
    this.fs = options.fs ?? realFs;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? Date.now;
    const d = options.defaults ?? {};
    this.defaults = {
      segmentBytes: d.segmentBytes ?? defaultLogConfig.segmentBytes,
      segmentMs: d.segmentMs ?? defaultLogConfig.segmentMs,
      retentionMs: d.retentionMs ?? defaultLogConfig.retentionMs,
      retentionBytes: d.retentionBytes ?? defaultLogConfig.retentionBytes,
      indexIntervalBytes: d.indexIntervalBytes ?? defaultLogConfig.indexIntervalBytes,
      timestampType: parseTimestampType(d.messageTimestampType ?? defaultLogConfig.timestampType),
      cleanupPolicy: d.cleanupPolicy === undefined ? defaultLogConfig.cleanupPolicy : parseCleanupPolicy(d.cleanupPolicy),
      deleteRetentionMs: d.deleteRetentionMs ?? defaultLogConfig.deleteRetentionMs,
      minCleanableDirtyRatio: d.minCleanableDirtyRatio ?? defaultLogConfig.minCleanableDirtyRatio,
      minCompactionLagMs: d.minCompactionLagMs ?? defaultLogConfig.minCompactionLagMs,
    };
  }

  /** Reads every topic.json; opens no partition (they open on first use). */
  static open(dataDir: string, options: TopicStoreOptions = {}): TopicStore {
    const store = new TopicStore(dataDir, options);
    store.fs.mkdir(dataDir);
    for (const name of store.fs.readdir(dataDir)) store.loadEntry(name);
    store.logger.info({ dataDir, topics: store.byName.size }, 'topic store opened');
    return store;
  }

  private loadEntry(entry: string): void {
    const dir = `${this.dataDir}/${entry}`;
    if (entry.endsWith(DELETED_SUFFIX)) {
      this.fs.rm(dir);
      return;
    }
    const file = `${dir}/${TOPIC_FILE}`;
    if (!this.fs.stat(dir)?.isDirectory || !this.fs.exists(file)) return;
    const topic = this.parseTopicFile(file);
    if (topic === undefined) return;
    const state: TopicState = { topic, dir, logs: new Map() };
    this.byName.set(topic.name, state);
    this.byId.set(topic.id, state);
  }

  private parseTopicFile(file: string): Topic | undefined {
    try {
      const raw = JSON.parse(this.fs.readFile(file).toString('utf8')) as Partial<Topic>;
      const ok = typeof raw.name === 'string' && typeof raw.id === 'string' && Number.isSafeInteger(raw.partitions) && (raw.partitions ?? 0) > 0;
      if (ok) return freezeTopic(raw.name!, raw.id!, raw.partitions!, raw.configs ?? {});
    } catch (err) {
      this.logger.error({ file, err }, 'unreadable topic.json; topic skipped');
      return undefined;
    }
    this.logger.error({ file }, 'invalid topic.json; topic skipped');
    return undefined;
  }

  topic(name: string): Topic | undefined {
    return this.byName.get(name)?.topic;
  }

  topicById(id: string): Topic | undefined {
    return this.byId.get(id.toLowerCase())?.topic;
  }

  topics(): Topic[] {
    return [...this.byName.values()].map((s) => s.topic);
  }

  /** Throws StorageError INVALID_TOPIC_EXCEPTION / TOPIC_ALREADY_EXISTS / INVALID_PARTITIONS / INVALID_CONFIG. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Topic {
    this.ensureOpen();
    const problem = topicNameProblem(name);
    if (problem !== undefined) throw new StorageError('INVALID_TOPIC_EXCEPTION', problem);
    if (this.byName.has(name)) throw new StorageError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
    const collision = this.metricCollision(name);
    if (collision !== undefined) {
      throw new StorageError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic '${collision}' ('.' and '_' are equivalent in metric names)`);
    }
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new StorageError('INVALID_PARTITIONS', `Number of partitions must be at least 1, got ${partitions}`);
    }
    logConfigFrom(configs, this.defaults);
    const topic = freezeTopic(name, randomUUID(), partitions, configs);
    const dir = `${this.dataDir}/${RESERVED_DIR_NAMES.has(name) ? `${name}~topic` : name}`;
    const state: TopicState = { topic, dir, logs: new Map() };
    this.io('create topic', dir, () => {
      this.fs.mkdir(dir);
      this.writeTopicFile(state);
    });
    this.byName.set(name, state);
    this.byId.set(topic.id, state);
    this.logger.info({ topic: name, id: topic.id, partitions }, 'created topic');
    return topic;
  }

  private metricCollision(name: string): string | undefined {
    const norm = (n: string) => n.replace(/\./g, '_');
    for (const other of this.byName.keys()) if (norm(other) === norm(name)) return other;
    return undefined;
  }

  private writeTopicFile(state: TopicState): void {
    const { name, id, partitions, configs } = state.topic;
    writeFileAtomic(this.fs, `${state.dir}/${TOPIC_FILE}`, JSON.stringify({ version: 1, name, id, partitions, configs }));
  }

  private io<T>(op: string, path: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw new StorageIoError(op, path, err);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', 'topic store is closed');
  }

  private state(name: string): TopicState {
    const state = this.byName.get(name);
    if (state === undefined) throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `Unknown topic '${name}'`);
    return state;
  }

  /** Closes the topic's logs and removes its directory (rename first, so a crash cannot revive it). */
  deleteTopic(name: string): void {
    this.ensureOpen();
    const state = this.state(name);
    for (const log of state.logs.values()) log.release();
    this.byName.delete(name);
    this.byId.delete(state.topic.id);
    const doomed = `${state.dir}~${state.topic.id}${DELETED_SUFFIX}`;
    this.io('delete topic', state.dir, () => this.fs.rename(state.dir, doomed));
    try {
      this.fs.rm(doomed);
    } catch (err) {
      this.logger.warn({ topic: name, err }, 'could not remove deleted topic directory; removed at next start');
    }
    this.logger.info({ topic: name, id: state.topic.id }, 'deleted topic');
  }

  /** Grows the partition count; throws INVALID_PARTITIONS unless newCount > current. */
  createPartitions(name: string, newCount: number): Topic {
    this.ensureOpen();
    const state = this.state(name);
    const current = state.topic.partitions;
    if (!Number.isInteger(newCount) || newCount <= current) {
      throw new StorageError('INVALID_PARTITIONS', `Topic '${name}' has ${current} partitions; cannot change to ${newCount}`);
    }
    return this.replaceTopic(state, { ...state.topic, partitions: newCount });
  }

  /** Replaces the topic's configs (validated) and applies them to its open logs. */
  setTopicConfigs(name: string, configs: Record<string, string>): Topic {
    this.ensureOpen();
    const state = this.state(name);
    const config = logConfigFrom(configs, this.defaults);
    const topic = this.replaceTopic(state, { ...state.topic, configs });
    for (const log of state.logs.values()) log.config = config;
    return topic;
  }

  private replaceTopic(state: TopicState, next: Topic): Topic {
    const previous = state.topic;
    state.topic = freezeTopic(next.name, next.id, next.partitions, next.configs);
    try {
      this.io('update topic', state.dir, () => this.writeTopicFile(state));
    } catch (err) {
      state.topic = previous;
      throw err;
    }
    return state.topic;
  }

  /** The partition's log, opened (and recovered if needed) on first use. */
  partition(topic: string, index: number): PartitionLog {
    this.ensureOpen();
    const state = this.state(topic);
    if (!Number.isInteger(index) || index < 0 || index >= state.topic.partitions) {
      throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `Unknown partition ${topic}-${index}`);
    }
    let log = state.logs.get(index);
    if (log === undefined) {
      log = PartitionLog.open(`${state.dir}/${index}`, {
        fs: this.fs,
        logger: this.logger,
        clock: this.clock,
        config: logConfigFrom(state.topic.configs, this.defaults),
        logContext: { topic, partition: index },
      });
      log.onAppend = (_log, bytes, records) => this.emitAppend(topic, index, bytes, records);
      state.logs.set(index, log);
    }
    return log;
  }

  /** Opened partitions only (nothing is opened by asking). */
  openPartitions(): Array<{ topic: string; partition: number; log: PartitionLog }> {
    const out: Array<{ topic: string; partition: number; log: PartitionLog }> = [];
    for (const state of this.byName.values()) {
      for (const [partition, log] of state.logs) out.push({ topic: state.topic.name, partition, log });
    }
    return out;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emitAppend(topic: string, partition: number, bytes: number, records: number): void {
    for (const listener of this.listeners) {
      try {
        listener(topic, partition, bytes, records);
      } catch (err) {
        this.logger.error({ topic, partition, err }, 'append listener failed');
      }
    }
  }

  /** Flushes every opened partition (each one group-commits on its own). */
  async flushAll(): Promise<void> {
    await Promise.all(this.openPartitions().map((p) => p.log.flush()));
  }

  /** Retention over every partition that has a directory. Returns segments deleted. */
  runRetention(nowMs: number): number {
    if (this.closed) return 0;
    let deleted = 0;
    for (const state of [...this.byName.values()]) {
      for (let p = 0; p < state.topic.partitions; p++) {
        if (!state.logs.has(p) && !this.fs.exists(`${state.dir}/${p}`)) continue;
        try {
          deleted += this.partition(state.topic.name, p).applyRetention(nowMs);
        } catch (err) {
          this.logger.error({ topic: state.topic.name, partition: p, err }, 'retention failed');
        }
      }
    }
    return deleted;
  }

  /**
   * One log-cleaner pass over every partition (with a directory) of every topic whose cleanup.policy
   * includes 'compact'; each partition is cleaned only if dirty enough. Synchronous. Errors are
   * logged per partition. Returns the segments rewritten. The broker calls this every
   * log.cleaner.backoff.ms (15000).
   */
  runCompaction(nowMs: number): number {
    if (this.closed) return 0;
    let rewritten = 0;
    for (const state of [...this.byName.values()]) {
      if (!logConfigFrom(state.topic.configs, this.defaults).cleanupPolicy.compact) continue;
      for (let p = 0; p < state.topic.partitions; p++) {
        if (!state.logs.has(p) && !this.fs.exists(`${state.dir}/${p}`)) continue;
        try {
          const log = this.partition(state.topic.name, p);
          if (!log.offline) rewritten += log.compact(nowMs).segmentsRewritten;
        } catch (err) {
          this.logger.error({ topic: state.topic.name, partition: p, err }, 'compaction failed');
        }
      }
    }
    return rewritten;
  }

  /** Flushes and cleanly closes every open log (writing clean-shutdown markers). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const results = await Promise.allSettled(this.openPartitions().map((p) => p.log.close(true)));
    for (const r of results) if (r.status === 'rejected') this.logger.error({ err: r.reason }, 'log close failed');
  }
}

function freezeTopic(name: string, id: string, partitions: number, configs: Readonly<Record<string, string>>): Topic {
  return Object.freeze({ name, id: id.toLowerCase(), partitions, configs: Object.freeze({ ...configs }) });
}
