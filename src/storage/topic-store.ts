// TopicStore: the topic registry on disk. Layout under the data directory:
//   <topic dir>/topic.json   {"version":1,"name","id" (uuid),"partitions","configs":{string:string}}
//   <topic dir>/<partition>/  a PartitionLog directory (segments, checkpoint, clean marker)
// The topic dir is the topic name, except for names that would collide with broker files
// ('meta', 'meta.properties'), which get a '~topic' suffix ('~' is illegal in topic names).
// Deletion renames the topic dir to '<prefix>~<id>~deleted' (prefix: the dir name cut so the whole
// stays within the 255-byte file-name limit for every legal name, as Kafka shortens its '-delete'
// dirs), then removes it in the background; such dirs are never loaded and are removed at open.
// Directories without a topic.json are not topics and are left alone, except that creating a topic
// of that name first moves such a directory aside, so a new topic never starts with old files.
// Creation is cheap (no scan of all topics, no fsync on the event loop): topic.json is written into
// the new dir, and a background pass fsyncs new topic.json files and their directories in
// batches. CreateTopics answers, and a partition's first flush completes, only once its topic is
// durable; a crash before that leaves no topic dir, a dir without topic.json, or an unreadable one:
// none is loaded, and nothing acknowledged as durable lived in it.
import { randomUUID } from 'node:crypto';
import { StorageError, StorageIoError } from './errors.js';
import { realFs, writeFileAtomic, writeNewFile, type StorageFs } from './fs.js';
import { SegmentFdPool, OPEN_SEGMENT_FILES_MAX_DEFAULT } from './fd-pool.js';
import { SEGMENT_BYTES_MIN, logConfigFrom, parseCleanupPolicy, parseTimestampType } from './log-config.js';
import { TopicFileSyncer } from './topic-file-syncer.js';
import { DELETED_SUFFIX, deletedDirName, topicDirName, topicMetricName, topicNameProblem } from './topic-names.js';
import { PartitionLog, defaultLogConfig, silentLogger, type LogConfig, type Logger } from './log.js';

export { SEGMENT_BYTES_MIN, logConfigFrom, parseCleanupPolicy } from './log-config.js';
export { TOPIC_NAME_LENGTH_MAX, deletedDirName, topicNameProblem } from './topic-names.js';

export const TOPIC_FILE = 'topic.json';
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
  /** Broker minikafka.decompressed.bytes.max. */
  decompressedBytesMax?: number;
  /**
   * Tests only: every topic's segment size, below SEGMENT_BYTES_MIN if wanted (Kafka's
   * internal.segment.bytes). Not a topic config: a client cannot set it.
   */
  internalSegmentBytes?: number;
  /** Open segment files kept at most (LRU; active segments and syncing files are never closed). */
  openSegmentFilesMax?: number;
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
  /** Settles once topic.json and the dir entries leading to it are fsynced; undefined once they are. */
  durable: Promise<void> | undefined;
}

export class TopicStore {
  private readonly byName = new Map<string, TopicState>();
  private readonly byId = new Map<string, TopicState>();
  /** Metric name ('.' as '_') → topic name: Kafka refuses two topics that differ only there. */
  private readonly byMetricName = new Map<string, string>();
  private partitionTotal = 0;
  /** Background work (removing deleted topics, syncing new ones) that close() waits for. */
  private readonly background = new Set<Promise<unknown>>();
  private compactionRound: Promise<number> | undefined;
  private readonly syncer: TopicFileSyncer;
  private readonly internalSegmentBytes: number | undefined;
  readonly fdPool: SegmentFdPool;
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
    this.internalSegmentBytes = d.internalSegmentBytes;
    if (d.segmentBytes !== undefined && d.segmentBytes < SEGMENT_BYTES_MIN && d.internalSegmentBytes === undefined) {
      throw new StorageError('INVALID_CONFIG', `log.segment.bytes ${d.segmentBytes} is below the minimum ${SEGMENT_BYTES_MIN}`);
    }
    this.fdPool = new SegmentFdPool(d.openSegmentFilesMax ?? OPEN_SEGMENT_FILES_MAX_DEFAULT);
    this.syncer = new TopicFileSyncer(this.fs, dataDir);
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
      decompressedBytesMax: d.decompressedBytesMax ?? defaultLogConfig.decompressedBytesMax,
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
      this.removeInBackground(dir);
      return;
    }
    const file = `${dir}/${TOPIC_FILE}`;
    if (!this.fs.stat(dir)?.isDirectory || !this.fs.exists(file)) return;
    const topic = this.parseTopicFile(file);
    if (topic === undefined) return;
    if (this.byName.has(topic.name) || this.byId.has(topic.id)) {
      this.logger.error({ file, topic: topic.name }, 'topic.json names a topic already loaded; skipped');
      return;
    }
    this.register({ topic, dir, logs: new Map(), durable: undefined });
  }

  private register(state: TopicState): void {
    this.byName.set(state.topic.name, state);
    this.byId.set(state.topic.id, state);
    this.byMetricName.set(topicMetricName(state.topic.name), state.topic.name);
    this.partitionTotal += state.topic.partitions;
  }

  private unregister(state: TopicState): void {
    this.byName.delete(state.topic.name);
    this.byId.delete(state.topic.id);
    this.byMetricName.delete(topicMetricName(state.topic.name));
    this.partitionTotal -= state.topic.partitions;
  }

  /** Partitions of every topic (kept as a count: limits are checked per creation). */
  partitionCount(): number {
    return this.partitionTotal;
  }

  private track(work: Promise<unknown>): void {
    const p = work.finally(() => this.background.delete(p));
    this.background.add(p);
  }

  private removeInBackground(dir: string): void {
    this.track(
      this.fs.rmAsync(dir).catch((err: unknown) => {
        this.logger.warn({ dir, err }, 'could not remove a deleted topic directory; retried at next start');
      }),
    );
  }

  private parseTopicFile(file: string): Topic | undefined {
    try {
      const text = this.fs.readFile(file).toString('utf8');
      if (text.length === 0) {
        // What a crash between writing a new topic.json and its background fsync leaves.
        this.logger.warn({ file }, 'empty topic.json (creation cut short by a crash); not a topic');
        return undefined;
      }
      const raw = JSON.parse(text) as Partial<Topic>;
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
    const collision = this.byMetricName.get(topicMetricName(name));
    if (collision !== undefined) {
      throw new StorageError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic '${collision}' ('.' and '_' are equivalent in metric names)`);
    }
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new StorageError('INVALID_PARTITIONS', `Number of partitions must be at least 1, got ${partitions}`);
    }
    this.logConfig(configs);
    const topic = freezeTopic(name, randomUUID(), partitions, configs);
    const dirName = topicDirName(name);
    const dir = `${this.dataDir}/${dirName}`;
    const state: TopicState = { topic, dir, logs: new Map(), durable: undefined };
    this.io('create topic', name, () => {
      // Not a topic we know (no topic.json, or an unreadable one): its files must not become ours.
      if (this.fs.exists(dir)) {
        const aside = `${this.dataDir}/${deletedDirName(dirName, randomUUID())}`;
        this.logger.warn({ topic: name, aside }, 'moved aside a directory that was not a loaded topic');
        this.fs.rename(dir, aside);
        this.removeInBackground(aside);
      }
      this.fs.mkdir(dir);
      writeNewFile(this.fs, `${dir}/${TOPIC_FILE}`, this.topicFileBody(topic));
    });
    const durable = this.syncer.add(dir);
    state.durable = durable;
    this.track(
      durable.then(
        () => {
          if (state.durable === durable) state.durable = undefined;
        },
        (err: unknown) => this.logger.error({ topic: name, err }, 'could not fsync a new topic; its first flush will fail'),
      ),
    );
    this.register(state);
    this.logger.info({ topic: name, id: topic.id, partitions }, 'created topic');
    return topic;
  }

  /** Resolves once every topic created before the call is durable (CreateTopics answers after it). */
  async topicsDurable(names?: readonly string[]): Promise<void> {
    const states = names === undefined ? [...this.byName.values()] : names.map((n) => this.byName.get(n));
    await Promise.all(states.map((st) => st?.durable ?? Promise.resolve()));
  }

  private logConfig(configs: Readonly<Record<string, string>>): LogConfig {
    return logConfigFrom(configs, this.defaults, this.internalSegmentBytes);
  }

  private topicFileBody(topic: Topic): string {
    const { name, id, partitions, configs } = topic;
    return JSON.stringify({ version: 1, name, id, partitions, configs });
  }

  private writeTopicFile(state: TopicState): void {
    writeFileAtomic(this.fs, `${state.dir}/${TOPIC_FILE}`, this.topicFileBody(state.topic));
  }

  /** `what` reaches clients in error messages: a topic name, never a path. */
  private io<T>(op: string, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw new StorageIoError(op, what, err);
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

  /**
   * Deletes a topic: its dir is renamed aside first (a crash after it cannot revive the topic, and a
   * topic of the same name can be created at once), then each log is retired (in-flight fsyncs
   * finish on still-open descriptors and their produces are answered UNKNOWN_TOPIC_OR_PARTITION),
   * and the renamed tree is removed in the background.
   */
  deleteTopic(name: string): void {
    this.ensureOpen();
    const state = this.state(name);
    const dirName = state.dir.slice(this.dataDir.length + 1);
    const doomed = `${this.dataDir}/${deletedDirName(dirName, state.topic.id)}`;
    this.io('delete topic', name, () => this.fs.rename(state.dir, doomed));
    this.unregister(state);
    const retired = [...state.logs.values()].map((log) => log.retire());
    this.track(
      Promise.all(retired).then(
        () => this.removeInBackground(doomed),
        (err: unknown) => this.logger.warn({ topic: name, err }, 'retiring a deleted topic\'s logs failed; its files go at next start'),
      ),
    );
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
    const topic = this.replaceTopic(state, { ...state.topic, partitions: newCount });
    this.partitionTotal += newCount - current;
    return topic;
  }

  /** Replaces the topic's configs (validated) and applies them to its open logs. */
  setTopicConfigs(name: string, configs: Record<string, string>): Topic {
    this.ensureOpen();
    const state = this.state(name);
    const config = this.logConfig(configs);
    const topic = this.replaceTopic(state, { ...state.topic, configs });
    for (const log of state.logs.values()) log.config = config;
    return topic;
  }

  private replaceTopic(state: TopicState, next: Topic): Topic {
    const previous = state.topic;
    state.topic = freezeTopic(next.name, next.id, next.partitions, next.configs);
    try {
      this.io('update topic', state.topic.name, () => this.writeTopicFile(state));
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
        config: this.logConfig(state.topic.configs),
        logContext: { topic, partition: index },
        fdPool: this.fdPool,
        // A flush is durable only if the topic is: wait for topic.json's background fsync.
        beforeFlush: () => state.durable,
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
   * includes 'compact'; each partition is cleaned only if dirty enough, one after the other, each pass
   * yielding to the event loop. A call while a round runs joins it. Errors are logged per partition.
   * Resolves to the segments rewritten. The broker calls this every log.cleaner.backoff.ms (15000).
   */
  runCompaction(nowMs: number): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    if (this.compactionRound !== undefined) return this.compactionRound;
    const round = this.compactAll(nowMs).finally(() => {
      this.background.delete(round);
      this.compactionRound = undefined;
    });
    this.compactionRound = round;
    this.background.add(round);
    return round;
  }

  private async compactAll(nowMs: number): Promise<number> {
    let rewritten = 0;
    for (const state of [...this.byName.values()]) {
      if (!this.logConfig(state.topic.configs).cleanupPolicy.compact) continue;
      for (let p = 0; p < state.topic.partitions; p++) {
        if (this.closed || this.byName.get(state.topic.name) !== state) break;
        if (!state.logs.has(p) && !this.fs.exists(`${state.dir}/${p}`)) continue;
        try {
          const log = this.partition(state.topic.name, p);
          if (!log.offline) rewritten += (await log.compact(nowMs)).segmentsRewritten;
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
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }
}

function freezeTopic(name: string, id: string, partitions: number, configs: Readonly<Record<string, string>>): Topic {
  return Object.freeze({ name, id: id.toLowerCase(), partitions, configs: Object.freeze({ ...configs }) });
}
