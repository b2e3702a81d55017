// The cluster as the client sees it: bootstrap list, connections per broker, topic metadata with
// each partition's leader, group coordinators, and retries with backoff.
import { Connection } from './connection.js';
import { CLIENT_CLOSED_CODE, KafkaClientError, NETWORK_EXCEPTION, brokerError } from './errors.js';
import type { ClientOptions } from './types.js';
import { ApiKey } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/errors.js';

export { ApiKey } from '../protocol/generated/index.js';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Errors after which metadata (leaders, topics) is stale. */
const metadataErrors = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.INCONSISTENT_TOPIC_ID,
]);
/** Errors after which the group coordinator is stale. */
const coordinatorErrors = new Set<number>([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR]);

export interface ResolvedClientOptions {
  bootstrap: { host: string; port: number }[];
  clientId: string;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  ssl: ClientOptions['ssl'];
  sasl: ClientOptions['sasl'];
}

export function resolveClientOptions(o: ClientOptions): ResolvedClientOptions {
  const list = typeof o.bootstrap === 'string' ? o.bootstrap.split(',') : [...o.bootstrap];
  const bootstrap = list.map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const i = s.lastIndexOf(':');
    const port = Number(s.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new TypeError(`bad bootstrap address ${JSON.stringify(s)}`);
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
  });
  if (bootstrap.length === 0) throw new TypeError('bootstrap must name at least one broker');
  return {
    bootstrap,
    clientId: o.clientId ?? 'minikafka',
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
    retries: o.retries ?? 5,
    retryBackoffMs: o.retryBackoffMs ?? 100,
    retryBackoffMaxMs: o.retryBackoffMaxMs ?? 1000,
    ssl: o.ssl,
    sasl: o.sasl,
  };
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionInfo[];
}

export class Cluster {
  readonly options: ResolvedClientOptions;
  brokers = new Map<number, { host: string; port: number }>();
  topics = new Map<string, TopicInfo>();
  clusterId: string | null = null;
  controllerId = -1;
  private readonly connections = new Map<string, Promise<Connection>>();
  private readonly coordinators = new Map<string, number>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private closed = false;

  constructor(options: ClientOptions) {
    this.options = resolveClientOptions(options);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new KafkaClientError(CLIENT_CLOSED_CODE, 'the client is closed', { retriable: false });
  }

  /** A connection to host:port, shared, reopened if it died. */
  async connectTo(host: string, port: number): Promise<Connection> {
    this.assertOpen();
    const key = `${host}:${port}`;
    const existing = this.connections.get(key);
    if (existing !== undefined) {
      const conn = await existing.catch(() => undefined);
      if (conn?.isOpen === true) return conn;
      if (this.connections.get(key) === existing) this.connections.delete(key);
      return this.connectTo(host, port);
    }
    const opening = Connection.open({ host, port, clientId: this.options.clientId, connectTimeoutMs: this.options.connectTimeoutMs, requestTimeoutMs: this.options.requestTimeoutMs, ssl: this.options.ssl, sasl: this.options.sasl });
    this.connections.set(key, opening);
    opening.catch(() => {
      if (this.connections.get(key) === opening) this.connections.delete(key);
    });
    const conn = await opening;
    if (this.closed) {
      conn.close();
      this.assertOpen();
    }
    return conn;
  }

  /** A connection to any reachable broker: known brokers first, then the bootstrap list. */
  async any(): Promise<Connection> {
    const candidates = [...this.brokers.values(), ...this.options.bootstrap];
    let last: unknown;
    for (const b of candidates) {
      try {
        return await this.connectTo(b.host, b.port);
      } catch (err) {
        last = err;
        if (this.closed) throw err;
      }
    }
    throw last instanceof KafkaClientError ? last : new KafkaClientError(NETWORK_EXCEPTION, 'no broker reachable', { cause: last });
  }

  async node(nodeId: number): Promise<Connection> {
    let b = this.brokers.get(nodeId);
    if (b === undefined) {
      await this.refreshMetadata([]);
      b = this.brokers.get(nodeId);
    }
    if (b === undefined) throw new KafkaClientError(5, `broker ${nodeId} is not in the metadata`);
    return this.connectTo(b.host, b.port);
  }

  /**
   * Loads metadata for `topics` (null: every topic; []: brokers only) and merges it into the cache.
   * Topics the broker reports with an error are left out of the cache and returned in `errors`.
   */
  async refreshMetadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<Map<string, number>> {
    const conn = await this.any();
    const { body } = await conn.request(ApiKey.Metadata, (v) => ({
      topics: topics === null ? (v === 0 ? [] : null) : topics.map((name) => ({ name, topicId: ZERO_UUID })),
      allowAutoTopicCreation,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }));
    const brokers = new Map<number, { host: string; port: number }>();
    for (const b of body.brokers) brokers.set(b.nodeId, { host: b.host, port: b.port });
    this.brokers = brokers;
    this.clusterId = body.clusterId ?? null;
    this.controllerId = body.controllerId;
    const errors = new Map<string, number>();
    if (topics === null) this.topics.clear();
    for (const t of body.topics) {
      const name = t.name as string;
      if (t.errorCode !== ErrorCode.NONE) {
        errors.set(name, t.errorCode);
        this.topics.delete(name);
        continue;
      }
      this.topics.set(name, {
        name,
        topicId: t.topicId ?? ZERO_UUID,
        internal: t.isInternal ?? false,
        partitions: (t.partitions as any[]).map((p) => ({
          partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode,
        })).sort((a, b) => a.partition - b.partition),
      });
    }
    return errors;
  }

  /** Metadata of a topic, loaded if missing; throws UNKNOWN_TOPIC_OR_PARTITION (retriable) if absent, TopicAuthorizationError if refused. */
  async topic(name: string, options: { autoCreate?: boolean; refresh?: boolean } = {}): Promise<TopicInfo> {
    let t = options.refresh === true ? undefined : this.topics.get(name);
    if (t === undefined) {
      const errors = await this.refreshMetadata([name], options.autoCreate ?? false);
      t = this.topics.get(name);
      if (t === undefined) throw brokerError(errors.get(name) ?? 3, name, { topics: [name] });
    }
    return t;
  }

  /** Marks what an error code makes stale; the next lookup reloads it. */
  invalidate(code: number, topic?: string, groupId?: string): void {
    if (metadataErrors.has(code) || code === NETWORK_EXCEPTION) {
      if (topic !== undefined) this.topics.delete(topic);
      else this.topics.clear();
    }
    if ((coordinatorErrors.has(code) || code === NETWORK_EXCEPTION) && groupId !== undefined) this.coordinators.delete(groupId);
  }

  async leader(topic: string, partition: number, autoCreate = false): Promise<Connection> {
    const t = await this.topic(topic, { autoCreate });
    const p = t.partitions[partition];
    if (p === undefined || p.partition !== partition) throw new KafkaClientError(3, `${topic}-${partition}`);
    if (p.leader < 0) throw new KafkaClientError(5, `${topic}-${partition}`);
    return this.node(p.leader);
  }

  /** The coordinator of a group (keyType 0) or a transactional id (keyType 1), found with FindCoordinator and cached. */
  async coordinator(groupId: string, keyType: 0 | 1 = 0): Promise<Connection> {
    const cacheKey = keyType === 0 ? groupId : `\u0000txn\u0000${groupId}`;
    const known = this.coordinators.get(cacheKey);
    if (known !== undefined) return this.node(known);
    const conn = await this.any();
    const { body } = await conn.request(ApiKey.FindCoordinator, { key: groupId, keyType, coordinatorKeys: [groupId] });
    const c = body.coordinators?.length > 0 ? body.coordinators[0] : body;
    if (c.errorCode !== ErrorCode.NONE) throw brokerError(c.errorCode, `FindCoordinator ${groupId}${c.errorMessage ? `: ${c.errorMessage}` : ''}`, keyType === 0 ? { groupId } : {});
    this.brokers.set(c.nodeId, { host: c.host, port: c.port });
    this.coordinators.set(cacheKey, c.nodeId);
    return this.connectTo(c.host, c.port);
  }

  forgetCoordinator(groupId: string): void {
    this.coordinators.delete(groupId);
  }

  /** Waits, unless the client closes first (then resolves early). */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => { this.timers.delete(entry); resolve(); }, ms), resolve };
      this.timers.add(entry);
    });
  }

  backoffMs(attempt: number): number {
    const base = Math.min(this.options.retryBackoffMaxMs, this.options.retryBackoffMs * 2 ** attempt);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /**
   * Runs `fn`, retrying retriable failures with backoff; after each one marks stale metadata (the
   * error's code with `topic`/`groupId`) so `fn` routes afresh.
   */
  async retry<T>(fn: (attempt: number) => Promise<T>, scope: { topic?: string; groupId?: string } = {}, retries = this.options.retries): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.assertOpen();
      try {
        return await fn(attempt);
      } catch (err) {
        if (!(err instanceof KafkaClientError) || !err.retriable || attempt >= retries || this.closed) throw err;
        this.invalidate(err.code, scope.topic, scope.groupId);
        await this.sleep(this.backoffMs(attempt));
      }
    }
  }

  /** Closes every connection and cancels every backoff. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    const conns = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(conns.map(async (p) => {
      const c = await p.catch(() => undefined);
      if (c !== undefined) {
        c.close();
        await c.closed;
      }
    }));
  }
}
