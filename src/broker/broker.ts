/** Wires config, storage, the purgatory, handlers and the listener into a running broker. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BrokerConfig, ConfigError, parseListener } from './config.js';
import { limitsFrom } from './limits.js';
import { createLogger, isLogLevel, type Logger } from './logger.js';
import { ApiRegistry } from './api-registry.js';
import { FetchPurgatory, partitionKey } from './fetch-purgatory.js';
import { BrokerServer } from './server.js';
import type { ConnectionStats } from './connection.js';
import { registerHandlers } from './handlers/index.js';
import { TopicStore } from '../storage/topic-store.js';
import { MemoryFs, type StorageFs } from '../storage/fs.js';
import { GroupCoordinator } from '../group/coordinator.js';
import { realScheduler, type Scheduler, type TimerHandle } from '../group/clock.js';
import type { BrokerState } from './state.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';

export interface StartBrokerOptions {
  /** Address to bind; default from `listeners` (localhost). */
  host?: string;
  /** Port to bind, 0 for a free one; default from `listeners` (9092). */
  port?: number;
  /**
   * Data directory. Omitted: a temporary directory, removed on close. ':memory:': nothing on disk (the
   * storage layer's in-memory file system; fsync is free, data ends with the broker): for tests.
   */
  dataDir?: string;
  /** Kafka-named config overrides, e.g. `{ 'num.partitions': 4 }`. */
  config?: Record<string, string | number | boolean>;
  /** Replaces the JSON-lines stdout logger (tests pass a quiet one). */
  logger?: Logger;
  /** Test hook: the file system storage goes through (e.g. a MemoryFs with injected faults). */
  fs?: StorageFs;
  /**
   * The broker's time (group session and rebalance timers, offsets expiry, retention, compaction, segment
   * age): tests pass a ManualScheduler and move it with `advance(ms)`. Default: real time.
   */
  clock?: Scheduler;
  /**
   * Serve HTTP (REST proxy, /metrics, health) on this port of the Kafka listener's host, 0 for a free
   * one; default: as `minikafka.http.listeners` says (none unless set).
   */
  httpPort?: number;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** "host:port" to give a client as its bootstrap server. */
  bootstrap: string;
  dataDir: string;
  log: Logger;
  state: BrokerState;
  /** Figures of every open connection (in flight, bytes read, buffered responses). */
  connectionStats(): ConnectionStats[];
  /** The HTTP listener, when one runs: its "http://host:port". */
  httpUrl: string | undefined;
  /** The broker's time (see StartBrokerOptions.clock). */
  clock: Scheduler;
  close(): Promise<void>;
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const config = new BrokerConfig(options.config ?? {});
  const level = config.string('minikafka.log.level');
  if (!isLogLevel(level)) throw new Error(`minikafka.log.level: unknown level '${level}'`);
  const log = options.logger ?? createLogger(level);
  const memory = options.dataDir === ':memory:';
  const temporary = options.dataDir === undefined;
  const dataDir = memory ? MEMORY_DATA_DIR : temporary ? mkdtempSync(join(tmpdir(), 'minikafka-')) : resolve(options.dataDir!);
  if (!memory) mkdirSync(dataDir, { recursive: true });
  const fs = memory ? (options.fs ?? new MemoryFs()) : options.fs;
  const listener = config.listener();
  const requestedHost = options.host ?? listener.host;
  // 'localhost' binds IPv4 loopback: every client tries 127.0.0.1 for it, not all try ::1.
  const host = requestedHost === 'localhost' ? '127.0.0.1' : requestedHost;
  const port = options.port ?? listener.port;
  const nodeId = config.int('node.id');
  // An in-memory broker shares no directory with anyone: nothing to lock.
  const lock: DataDirLock = memory ? { kind: 'none', release: () => undefined } : lockDataDir(dataDir, { warn: (msg, fields) => log.warn(fields, msg) });
  try {
    return await open({ config, log, dataDir, temporary, requestedHost, host, port, nodeId, lock, fs, memory, clock: options.clock ?? realScheduler, http: httpListener(config, host, options.httpPort) });
  } catch (err) {
    lock.release();
    throw err;
  }
}

interface Setup {
  config: BrokerConfig;
  log: Logger;
  dataDir: string;
  /** The data directory is ours to remove on close. */
  temporary: boolean;
  requestedHost: string;
  host: string;
  port: number;
  nodeId: number;
  lock: DataDirLock;
  fs: StorageFs | undefined;
  /** Storage is a MemoryFs: no cluster id file on disk either. */
  memory: boolean;
  clock: Scheduler;
  http: { host: string; port: number } | undefined;
}

/** Where an in-memory broker's storage lives inside its MemoryFs. */
const MEMORY_DATA_DIR = '/minikafka-memory';

/** Where HTTP listens: the explicit port on the Kafka host, else `minikafka.http.listeners`, else nowhere. */
function httpListener(config: BrokerConfig, kafkaHost: string, port: number | undefined): { host: string; port: number } | undefined {
  if (port !== undefined) return { host: kafkaHost, port };
  const listener = config.string('minikafka.http.listeners');
  if (listener === '') return undefined;
  const m = /^http:\/\/([^:/]*):(\d+)\/?$/.exec(listener);
  if (m === null) throw new ConfigError(`minikafka.http.listeners: expected http://host:port, got '${listener}'`);
  const host = m[1] === '' || m[1] === 'localhost' ? '127.0.0.1' : m[1]!;
  return { host, port: Number(m[2]) };
}

async function open({ config, log, dataDir, temporary, requestedHost, host, port, nodeId, lock, fs, memory, clock, http }: Setup): Promise<RunningBroker> {
  const clusterId = memory ? newClusterId() : readOrCreateClusterId(dataDir, nodeId);

  const purgatory = new FetchPurgatory();
  const store = TopicStore.open(dataDir, { logger: log, defaults: storeDefaults(config), clock: () => clock.now(), ...(fs ? { fs } : {}) });
  store.onAppend((topic, partition, bytes) => purgatory.onAppend(partitionKey(topic, partition), bytes));
  const registry = new ApiRegistry();
  const groups = GroupCoordinator.open({ store, log: log.child({ component: 'groups' }), config: groupConfig(config), scheduler: clock });
  const state: BrokerState = {
    config, limits: limitsFrom(config), log, registry, store, purgatory, groups, nodeId, clusterId,
    advertised: { host, port }, stopping: false,
  };
  registerHandlers(registry);
  const server = new BrokerServer(state);
  let bound: { host: string; port: number };
  try {
    bound = await server.listen(host, port);
  } catch (err) {
    groups.close();
    await store.close();
    throw err;
  }
  const adv = config.string('advertised.listeners');
  state.advertised = adv === '' ? { host: advertisedHost(requestedHost, bound.host), port: bound.port } : parseListener(adv);
  const retentionTimer = every(clock, config.int('log.retention.check.interval.ms'), () => {
    try {
      store.runRetention(clock.now());
    } catch (err) {
      log.error({ err }, 'retention failed');
    }
  });
  const cleanerTimer = every(clock, config.int('log.cleaner.backoff.ms'), () => {
    store.runCompaction(clock.now()).catch((err: unknown) => log.error({ err }, 'compaction failed'));
  });

  // The HTTP side loads only when asked for: a broker without it pays nothing at start-up.
  let httpServer: Awaited<ReturnType<typeof import('../http/server.js').startHttp>> | undefined;
  if (http !== undefined) {
    try {
      const { startHttp } = await import('../http/server.js');
      httpServer = await startHttp(state, { ...http, bodyBytesMax: config.int('minikafka.http.max.body.bytes'), connections: () => server.connectionStats(), kafkaBootstrap: `${bound.host}:${bound.port}` });
    } catch (err) {
      retentionTimer.cancel();
      cleanerTimer.cancel();
      await server.close();
      groups.close();
      await store.close();
      throw err;
    }
  }

  const bootstrap = `${state.advertised.host}:${state.advertised.port}`;
  log.info({ host: bound.host, port: bound.port, bootstrap, dataDir, nodeId, clusterId }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // HTTP first: its REST consumer instances commit and leave their groups over the Kafka listener.
      await httpServer?.close();
      state.stopping = true;
      retentionTimer.cancel();
      cleanerTimer.cancel();
      purgatory.wakeAll();
      await server.close();
      groups.close();
      await store.close();
      lock.release();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
      log.info({}, 'stopped');
    })();
    return closing;
  };
  return { host: bound.host, port: bound.port, bootstrap, dataDir, log, state, connectionStats: () => server.connectionStats(), httpUrl: httpServer?.url, clock, close };
}

/** Clients must be told a connectable name: binding to 0.0.0.0 or :: advertises localhost. */
function advertisedHost(requested: string, bound: string): string {
  if (requested === '0.0.0.0' || requested === '::' || requested === '') return 'localhost';
  return requested || bound;
}

function storeDefaults(config: BrokerConfig) {
  return {
    segmentBytes: config.int('log.segment.bytes'),
    segmentMs: config.int('log.roll.ms'),
    retentionMs: config.int('log.retention.ms'),
    retentionBytes: config.int('log.retention.bytes'),
    cleanupPolicy: config.string('log.cleanup.policy'),
    deleteRetentionMs: config.int('log.cleaner.delete.retention.ms'),
    minCleanableDirtyRatio: Number(config.string('log.cleaner.min.cleanable.ratio')),
    minCompactionLagMs: config.int('log.cleaner.min.compaction.lag.ms'),
    decompressedBytesMax: config.int('minikafka.decompressed.bytes.max'),
    indexIntervalBytes: config.int('log.index.interval.bytes'),
    messageTimestampType: config.string('log.message.timestamp.type'),
    openSegmentFilesMax: config.int('minikafka.log.open.segment.files.max'),
    ...(config.int('minikafka.internal.segment.bytes') > 0 ? { internalSegmentBytes: config.int('minikafka.internal.segment.bytes') } : {}),
  };
}

function groupConfig(config: BrokerConfig) {
  return {
    minSessionTimeoutMs: config.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.int('group.max.session.timeout.ms'),
    initialRebalanceDelayMs: config.int('group.initial.rebalance.delay.ms'),
    maxSize: config.int('group.max.size'),
    consumerSessionTimeoutMs: config.int('group.consumer.session.timeout.ms'),
    consumerHeartbeatIntervalMs: config.int('group.consumer.heartbeat.interval.ms'),
    offsetsRetentionMs: config.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.int('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: config.int('offset.metadata.max.bytes'),
    offsetsTopicPartitions: config.int('offsets.topic.num.partitions'),
  };
}

/** Kafka keeps the cluster id in meta.properties at the root of each log dir; so do we. */
/** Runs fn every intervalMs of the scheduler's time until cancelled. */
function every(clock: Scheduler, intervalMs: number, fn: () => void): TimerHandle {
  let current: TimerHandle | undefined;
  let cancelled = false;
  const arm = (): void => {
    current = clock.schedule(intervalMs, () => {
      if (cancelled) return;
      fn();
      arm();
    });
  };
  arm();
  return { cancel: () => { cancelled = true; current?.cancel(); } };
}

/** A cluster id as Kafka makes them: a random uuid, base64url without padding (22 chars). */
function newClusterId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

function readOrCreateClusterId(dataDir: string, nodeId: number): string {
  const path = join(dataDir, 'meta.properties');
  if (existsSync(path)) {
    const m = /^cluster\.id=(.+)$/m.exec(readFileSync(path, 'utf8'));
    if (m) return m[1]!.trim();
  }
  const id = newClusterId();
  writeFileSync(path, `version=1\ncluster.id=${id}\nnode.id=${nodeId}\n`);
  return id;
}
