/** Wires config, storage, the purgatory, handlers and the listener into a running broker. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BrokerConfig, ConfigError } from './config.js';
import { limitsFrom } from './limits.js';
import { createLogger, isLogLevel, type Logger } from './logger.js';
import { ApiRegistry } from './api-registry.js';
import { FetchPurgatory, partitionKey } from './fetch-purgatory.js';
import { FETCH_BUFFER_RETAINED_BYTES_MAX, FetchBufferPool } from './fetch-buffers.js';
import { BrokerServer } from './server.js';
import type { ConnectionStats } from './connection.js';
import { registerHandlers } from './handlers/index.js';
import { TopicStore } from '../storage/topic-store.js';
import { MemoryFs, realFs, type StorageFs } from '../storage/fs.js';
import { ClientQuotaStore, QUOTA_FILE } from './client-quotas.js';
import { PRODUCER_IDS_FILE, ProducerIdManager } from '../txn/producer-ids.js';
import { TransactionCoordinator } from '../txn/coordinator.js';
import { GroupCoordinator } from '../group/coordinator.js';
import { realScheduler, type Scheduler, type TimerHandle } from '../group/clock.js';
import type { BrokerState } from './state.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { listenerSpecs, parseListenerList, SecurityConfigError, type ListenerSpec, type SecurityProtocol } from '../security/listeners.js';
import { Security, type SecurityOptions } from '../security/security.js';
import type { BoundListener } from '../security/session.js';
import { stopOnInvariant } from '../invariant.js';
import { restConsumersListener } from './rest-consumers-listener.js';

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
  /** Security hooks that are code, not config (a real OAUTHBEARER token validator). */
  security?: SecurityOptions;
  /** Test hook: the port of the loopback listener REST consumer instances use (default 0, a free one). */
  restConsumersPort?: number;
}

export interface RunningListener {
  name: string;
  protocol: SecurityProtocol;
  host: string;
  port: number;
  /** "host:port" clients of this listener connect to (its advertised address). */
  bootstrap: string;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** "host:port" to give a client as its bootstrap server (the first listener's). */
  bootstrap: string;
  /** Every listener, in the order of `listeners`. */
  listeners: RunningListener[];
  dataDir: string;
  log: Logger;
  state: BrokerState;
  /** Figures of every open connection (in flight, bytes read, buffered responses). */
  connectionStats(): ConnectionStats[];
  /** Every socket listening now, the internal REST consumers listener included once opened. */
  listening(): Array<{ name: string; host: string; port: number }>;
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
  const specs = listenerSpecs(config.string('listeners'), config.string('listener.security.protocol.map'), (l, n) => config.forListener(l, n));
  const listener = specs[0]!;
  const requestedHost = options.host ?? listener.host;
  // 'localhost' binds IPv4 loopback: every client tries 127.0.0.1 for it, not all try ::1.
  const host = requestedHost === 'localhost' ? '127.0.0.1' : requestedHost;
  const port = options.port ?? listener.port;
  const nodeId = config.int('node.id');
  // An in-memory broker shares no directory with anyone: nothing to lock.
  const lock: DataDirLock = memory ? { kind: 'none', release: () => undefined } : lockDataDir(dataDir, { warn: (msg, fields) => log.warn(fields, msg) });
  try {
    return await open({ config, log, dataDir, temporary, requestedHost, host, port, nodeId, lock, fs, memory, clock: options.clock ?? realScheduler, http: httpListener(config, host, options.httpPort), specs, securityOptions: options.security ?? {}, restConsumersPort: options.restConsumersPort ?? 0 });
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
  specs: ListenerSpec[];
  securityOptions: SecurityOptions;
  restConsumersPort: number;
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

async function open({ config, log, dataDir, temporary, requestedHost, host, port, nodeId, lock, fs, memory, clock, http, specs, securityOptions, restConsumersPort }: Setup): Promise<RunningBroker> {
  const clusterId = memory ? newClusterId() : readOrCreateClusterId(dataDir, nodeId);

  // Read before anything opens: a file that does not parse stops the start-up with its reason.
  const quotas = new ClientQuotaStore(fs ?? realFs, `${dataDir}/${QUOTA_FILE}`);
  const purgatory = new FetchPurgatory();
  const store = TopicStore.open(dataDir, { logger: log, defaults: storeDefaults(config), clock: () => clock.now(), ...(fs ? { fs } : {}) });
  store.onAppend((topic, partition, bytes) => purgatory.onAppend(partitionKey(topic, partition), bytes));
  let security: Security;
  try {
    security = Security.open(specs, (l, n) => config.forListener(l, n), fs ?? realFs, dataDir, securityOptions);
  } catch (err) {
    await store.close();
    throw err;
  }
  const registry = new ApiRegistry();
  const groups = GroupCoordinator.open({ store, log: log.child({ component: 'groups' }), config: groupConfig(config), scheduler: clock });
  // A new data dir starts its ids at the time in microseconds: ids of an older broker version (which
  // used that) found in its logs are not handed out again.
  const producerIds = new ProducerIdManager(fs ?? realFs, join(dataDir, PRODUCER_IDS_FILE), Date.now() * 1000);
  const txn = await TransactionCoordinator.open(store, groups, producerIds, log.child({ component: 'transactions' }), {
    maxTimeoutMs: config.int('transaction.max.timeout.ms'),
    abortCheckIntervalMs: config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    logPartitions: config.int('transaction.state.log.num.partitions'),
  }, clock);
  const state: BrokerState = {
    config, limits: limitsFrom(config), log, registry, store, purgatory, fetchBuffers: new FetchBufferPool(FETCH_BUFFER_RETAINED_BYTES_MAX), groups, quotas, producerIds, txn, nodeId, clusterId,
    advertised: { host, port }, security, stopping: false,
  };
  registerHandlers(registry);
  const server = new BrokerServer(state);
  const advertised = advertisedByName(config.string('advertised.listeners'), specs);
  const running: RunningListener[] = [];
  const bounds: BoundListener[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const wantHost = i === 0 ? host : spec.host === 'localhost' ? '127.0.0.1' : spec.host;
      const wantPort = i === 0 ? port : spec.port;
      const boundListener: BoundListener = { name: spec.name, protocol: spec.protocol, advertised: { host: wantHost, port: wantPort } };
      bounds.push(boundListener);
      const addr = await server.listen(spec, wantHost, wantPort, boundListener);
      boundListener.advertised = advertised.get(spec.name) ?? { host: advertisedHost(i === 0 ? requestedHost : spec.host, addr.host), port: addr.port };
      running.push({ name: spec.name, protocol: spec.protocol, host: addr.host, port: addr.port, bootstrap: `${boundListener.advertised.host}:${boundListener.advertised.port}` });
    }
  } catch (err) {
    await server.close();
    txn.close();
    groups.close();
    await store.close();
    throw err;
  }
  const bound = { host: running[0]!.host, port: running[0]!.port };
  state.advertised = bounds[0]!.advertised;
  const retentionTimer = every(clock, config.int('log.retention.check.interval.ms'), () => {
    try {
      store.runRetention(clock.now());
      const expirationMs = config.int('producer.id.expiration.ms');
      for (const p of store.openPartitions()) p.log.producers.expire(clock.now(), expirationMs);
    } catch (err) {
      if (stopOnInvariant(err, log)) return;
      log.error({ err }, 'retention failed');
    }
  });
  const cleanerTimer = every(clock, config.int('log.cleaner.backoff.ms'), () => {
    store.runCompaction(clock.now()).catch((err: unknown) => stopOnInvariant(err, log) || log.error({ err }, 'compaction failed'));
  });

  // The HTTP side loads only when asked for: a broker without it pays nothing at start-up.
  let httpServer: Awaited<ReturnType<typeof import('../http/server.js').startHttp>> | undefined;
  if (http !== undefined) {
    try {
      const { startHttp } = await import('../http/server.js');
      const restConsumers = restConsumersListener(state, server, restConsumersPort);
      httpServer = await startHttp(state, { ...http, bodyBytesMax: config.int('minikafka.http.max.body.bytes'), connections: () => server.connectionStats(), restConsumers });
    } catch (err) {
      retentionTimer.cancel();
      cleanerTimer.cancel();
      await server.close();
      txn.close();
      groups.close();
      await store.close();
      throw err;
    }
  }

  const bootstrap = `${state.advertised.host}:${state.advertised.port}`;
  log.info({ host: bound.host, port: bound.port, bootstrap, dataDir, nodeId, clusterId, listeners: running.map((l) => `${l.name}://${l.host}:${l.port}`) }, 'listening');

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
      txn.close();
      groups.close();
      await store.close();
      lock.release();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
      log.info({}, 'stopped');
    })();
    return closing;
  };
  return { host: bound.host, port: bound.port, bootstrap, listeners: running, dataDir, log, state, connectionStats: () => server.connectionStats(), listening: () => server.listening(), httpUrl: httpServer?.url, clock, close };
}

/** `advertised.listeners` by listener name; an entry without a name (host:port) is the first listener's. */
function advertisedByName(value: string, specs: readonly ListenerSpec[]): Map<string, { host: string; port: number }> {
  const out = new Map<string, { host: string; port: number }>();
  if (value.trim() === '') return out;
  const unnamed = !value.includes('://');
  for (const l of parseListenerList(value, 'advertised.listeners')) {
    const name = unnamed ? specs[0]!.name : l.name;
    if (!specs.some((s) => s.name === name)) throw new SecurityConfigError(`advertised.listeners: ${name} is not in listeners`);
    out.set(name, { host: l.host, port: l.port });
  }
  return out;
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
    classicSharedPartitions: config.bool('minikafka.group.classic.shared.partitions.enable'),
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
