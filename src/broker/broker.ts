/** Wires config, storage, the purgatory, handlers and the listener into a running broker. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BrokerConfig, parseListener } from './config.js';
import { limitsFrom } from './limits.js';
import { createLogger, isLogLevel, type Logger } from './logger.js';
import { ApiRegistry } from './api-registry.js';
import { FetchPurgatory, partitionKey } from './fetch-purgatory.js';
import { BrokerServer } from './server.js';
import type { ConnectionStats } from './connection.js';
import { registerHandlers } from './handlers/index.js';
import { TopicStore } from '../storage/topic-store.js';
import type { StorageFs } from '../storage/fs.js';
import { GroupCoordinator } from '../group/coordinator.js';
import type { BrokerState } from './state.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';

export interface StartBrokerOptions {
  /** Address to bind; default from `listeners` (localhost). */
  host?: string;
  /** Port to bind, 0 for a free one; default from `listeners` (9092). */
  port?: number;
  /** Data directory. Omitted: a temporary directory, removed on close. */
  dataDir?: string;
  /** Kafka-named config overrides, e.g. `{ 'num.partitions': 4 }`. */
  config?: Record<string, string | number | boolean>;
  /** Replaces the JSON-lines stdout logger (tests pass a quiet one). */
  logger?: Logger;
  /** Test hook: the file system storage goes through (e.g. a MemoryFs with injected faults). */
  fs?: StorageFs;
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
  close(): Promise<void>;
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const config = new BrokerConfig(options.config ?? {});
  const level = config.string('minikafka.log.level');
  if (!isLogLevel(level)) throw new Error(`minikafka.log.level: unknown level '${level}'`);
  const log = options.logger ?? createLogger(level);
  const temporary = options.dataDir === undefined;
  const dataDir = temporary ? mkdtempSync(join(tmpdir(), 'minikafka-')) : resolve(options.dataDir!);
  mkdirSync(dataDir, { recursive: true });
  const listener = config.listener();
  const requestedHost = options.host ?? listener.host;
  // 'localhost' binds IPv4 loopback: every client tries 127.0.0.1 for it, not all try ::1.
  const host = requestedHost === 'localhost' ? '127.0.0.1' : requestedHost;
  const port = options.port ?? listener.port;
  const nodeId = config.int('node.id');
  const lock = lockDataDir(dataDir, { warn: (msg, fields) => log.warn(fields, msg) });
  try {
    return await open({ config, log, dataDir, temporary, requestedHost, host, port, nodeId, lock, fs: options.fs });
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
}

async function open({ config, log, dataDir, temporary, requestedHost, host, port, nodeId, lock, fs }: Setup): Promise<RunningBroker> {
  const clusterId = readOrCreateClusterId(dataDir, nodeId);

  const purgatory = new FetchPurgatory();
  const store = await TopicStore.open(dataDir, { logger: log, defaults: storeDefaults(config), ...(fs ? { fs } : {}) });
  store.onAppend((topic, partition, bytes) => purgatory.onAppend(partitionKey(topic, partition), bytes));
  const registry = new ApiRegistry();
  const groups = GroupCoordinator.open({ store, log: log.child({ component: 'groups' }), config: groupConfig(config) });
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
  const retentionTimer = setInterval(() => {
    try {
      store.runRetention(Date.now());
    } catch (err) {
      log.error({ err }, 'retention failed');
    }
  }, config.int('log.retention.check.interval.ms'));
  retentionTimer.unref();
  const cleanerTimer = setInterval(() => {
    try {
      store.runCompaction(Date.now());
    } catch (err) {
      log.error({ err }, 'compaction failed');
    }
  }, config.int('log.cleaner.backoff.ms'));
  cleanerTimer.unref();

  const bootstrap = `${state.advertised.host}:${state.advertised.port}`;
  log.info({ host: bound.host, port: bound.port, bootstrap, dataDir, nodeId, clusterId }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      state.stopping = true;
      clearInterval(retentionTimer);
      clearInterval(cleanerTimer);
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
  return { host: bound.host, port: bound.port, bootstrap, dataDir, log, state, connectionStats: () => server.connectionStats(), close };
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
function readOrCreateClusterId(dataDir: string, nodeId: number): string {
  const path = join(dataDir, 'meta.properties');
  if (existsSync(path)) {
    const m = /^cluster\.id=(.+)$/m.exec(readFileSync(path, 'utf8'));
    if (m) return m[1]!.trim();
  }
  const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  writeFileSync(path, `version=1\ncluster.id=${id}\nnode.id=${nodeId}\n`);
  return id;
}
