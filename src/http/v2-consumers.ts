// REST consumer instances (Confluent REST Proxy v2). Each instance is a real member of its group: it runs
// our own Kafka client against this broker over loopback, as Confluent's proxy runs Kafka consumers, so
// REST consumers and Kafka clients in one group share the partitions and fail over to each other.
// Classic group protocol (what KafkaJS, librdkafka and Java's default speak), so mixed groups work.
//
// Delivery: a background pump keeps up to `QUEUE_RECORDS_MAX` records read ahead; GET .../records hands
// them out, and only handed-out records count as consumed (commits, auto-commit). Instances idle longer
// than consumer.instance.timeout.ms (default 5 minutes, `minikafka.http.consumer.instance.timeout.ms`)
// are closed.
//
// Security: an instance belongs to the principal that created it (another caller gets 404), and its Kafka
// client logs in as that principal (SASL/PLAIN on the broker's loopback listener for REST consumers, with
// a secret the broker minted for the user: broker/rest-consumers-listener.ts, opened by the first creation). So the broker's authorizer
// decides what the instance may join, read and commit, exactly as for the user's own Kafka client; the
// checks made here first (group READ, topic DESCRIBE) only turn a refusal into an early 403, and
// read what the broker serves directly (committed offsets, log start and end) under the same ACLs as
// OffsetFetch and ListOffsets. Kafka sees the instance's connections come from 127.0.0.1 (Confluent's
// proxy, too, connects from its own host): ACLs naming hosts apply to the HTTP calls, not to those.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Consumer } from '../client/consumer.js';
import { KafkaClientError } from '../client/errors.js';
import type { ConsumedMessage, SaslOptions, TopicPartition } from '../client/types.js';
import { ErrorCode } from '../protocol/errors.js';
import type { BrokerState } from '../broker/state.js';
import type { RestConsumersLogin } from '../broker/rest-consumers-listener.js';
import { parseJson, readBody } from './body.js';
import { HttpError, clip, unprocessable } from './errors.js';
import { Forbidden, type HttpAccess } from './auth.js';
import type { Router, RouteContext } from './router.js';
import { sendJson } from './respond.js';

const V2 = 'application/vnd.kafka.v2+json';
const QUEUE_RECORDS_MAX = 500;
const RECORDS_TIMEOUT_MS_DEFAULT = 1000;
const RECORDS_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

type Format = 'binary' | 'json' | 'string';

const idOf = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

class Instance {
  readonly consumer: Consumer;
  private readonly queue: ConsumedMessage<Buffer, Buffer>[] = [];
  /** Next offset per partition after what was handed out. */
  readonly delivered = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private wake: (() => void) | undefined;
  private demand: (() => void) | undefined;
  private pumping = false;
  private closed = false;
  lastUsedMs = Date.now();
  subscription: string[] = [];
  /** Why the read-ahead stopped, when the broker refused it (an authorization failure). */
  private refused: KafkaClientError | undefined;

  constructor(
    readonly owner: string, readonly group: string, readonly name: string, readonly format: Format, readonly autoCommit: boolean,
    bootstrap: string, sasl: SaslOptions, autoOffsetReset: 'earliest' | 'latest',
  ) {
    this.consumer = new Consumer({
      bootstrap, sasl, groupId: group, clientId: `rest-${name}`, autoOffsetReset, autoCommit: false, groupProtocol: 'classic',
      sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000,
      rebalanceListener: { onPartitionsRevoked: (tps) => this.revoked(tps) },
    });
  }

  /** Starts reading ahead (once there is something to read). */
  startPump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void (async () => {
      try {
        for await (const m of this.consumer) {
          this.queue.push(m);
          this.wake?.();
          if (this.closed) break;
          while (this.queue.length >= QUEUE_RECORDS_MAX && !this.closed) await new Promise<void>((r) => (this.demand = r));
        }
      } catch (err) {
        // The consumer closed or failed; GETs then answer with what is queued, then the refusal if it was one
        // (the consumer reports a topic it may not read as TopicAuthorizationError instead of retrying).
        if (err instanceof KafkaClientError && isAuthorizationFailure(err.code)) this.refused = err;
      } finally {
        this.pumping = false;
        this.wake?.();
      }
    })();
  }

  /** The refusal that stopped the read-ahead, once; reading resumes (as a Kafka consumer's next poll does). */
  takeRefusal(): KafkaClientError | undefined {
    const refused = this.refused;
    if (refused === undefined || this.queue.length > 0) return undefined;
    this.refused = undefined;
    if (!this.closed) this.startPump();
    return refused;
  }

  /** Waits up to `timeoutMs` for records; hands out at most `maxBytes` of them. */
  async take(timeoutMs: number, maxBytes: number): Promise<ConsumedMessage<Buffer, Buffer>[]> {
    this.lastUsedMs = Date.now();
    if (this.queue.length === 0 && this.refused === undefined && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    const out: ConsumedMessage<Buffer, Buffer>[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const m = this.queue[0]!;
      const size = (m.key?.length ?? 0) + (m.value?.length ?? 0);
      if (out.length > 0 && bytes + size > maxBytes) break;
      this.queue.shift();
      bytes += size;
      out.push(m);
      this.delivered.set(idOf(m), { topic: m.topic, partition: m.partition, offset: m.offset + 1n });
    }
    if (this.queue.length < QUEUE_RECORDS_MAX) {
      this.demand?.();
      this.demand = undefined;
    }
    return out;
  }

  /** Commits what was handed out (or the given offsets). */
  async commit(offsets?: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
    this.lastUsedMs = Date.now();
    const list = offsets ?? [...this.delivered.values()];
    if (list.length > 0) await this.consumer.commit(list);
  }

  /** Seeks: queued records of those partitions are dropped so the next GET starts at the new position. */
  seek(positions: Array<{ topic: string; partition: number; offset: bigint }>): void {
    const moved = new Set(positions.map(idOf));
    this.dropQueued(moved);
    for (const p of positions) this.consumer.seek(p);
  }

  private async revoked(tps: TopicPartition[]): Promise<void> {
    const gone = new Set(tps.map(idOf));
    this.dropQueued(gone);
    if (this.autoCommit) {
      const mine = [...this.delivered.values()].filter((d) => gone.has(idOf(d)));
      await this.consumer.commit(mine).catch(() => undefined);
    }
    for (const id of gone) this.delivered.delete(id);
  }

  private dropQueued(ids: Set<string>): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (ids.has(idOf(this.queue[i]!))) this.queue.splice(i, 1);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.demand?.();
    this.wake?.();
    if (this.autoCommit) await this.commit().catch(() => undefined);
    await this.consumer.close();
  }
}

export interface ConsumerInstances {
  close(): Promise<void>;
}

export function registerV2Consumers(
  router: Router,
  d: { broker: BrokerState; kafka: () => Promise<RestConsumersLogin>; bodyBytesMax: number; baseUrl: (req: IncomingMessage) => string },
): ConsumerInstances {
  const instances = new Map<string, Instance>();
  /** The loopback listener, opened by the first creation; a failure to open is the server's, retried next time. */
  const kafka = async (): Promise<RestConsumersLogin> => {
    try {
      return await d.kafka();
    } catch (err) {
      throw new HttpError(503, `The broker could not open its listener for REST consumers: ${clip((err as NodeJS.ErrnoException).code ?? (err as Error).message, 80)}. Try again.`, 50003);
    }
  };
  /** SASL/PLAIN on the loopback listener as the caller: one secret per user, minted on first use, memory only. */
  const loginOf = (access: HttpAccess, logins: Map<string, string>): SaslOptions => {
    const username = access.user;
    if (username.includes('\u0000')) throw new Forbidden('This user name cannot log in to Kafka.');
    let password = logins.get(username);
    if (password === undefined) logins.set(username, (password = randomBytes(32).toString('base64url')));
    return { mechanism: 'plain', username, password };
  };
  const key = (group: string, name: string): string => `${group}\u0000${name}`;
  const timeoutMs = d.broker.config.int('minikafka.http.consumer.instance.timeout.ms');
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [k, inst] of instances) {
      if (now - inst.lastUsedMs <= timeoutMs) continue;
      instances.delete(k);
      d.broker.log.info({ group: clip(inst.group), instance: clip(inst.name) }, 'REST consumer instance expired');
      void inst.close().catch(() => undefined);
    }
  }, Math.min(timeoutMs, 30_000));
  sweeper.unref();

  const body = async (ctx: RouteContext): Promise<Record<string, unknown>> => {
    const raw = await readBody(ctx.req, d.bodyBytesMax);
    if (raw.length === 0) return {};
    const parsed = parseJson(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unprocessable('The body must be a JSON object.');
    return parsed as Record<string, unknown>;
  };
  const instance = (ctx: RouteContext): Instance => {
    const inst = instances.get(key(ctx.params['group']!, ctx.params['instance']!));
    // Another principal's instance is not theirs to see: as if it did not exist.
    if (inst === undefined || inst.owner !== ctx.access.principal) throw new HttpError(404, 'Consumer instance not found.', 40403);
    inst.lastUsedMs = Date.now();
    return inst;
  };
  const partitionsOf = (b: Record<string, unknown>, field: string): Array<{ topic: string; partition: number; offset?: bigint }> => {
    const list = b[field];
    if (!Array.isArray(list)) throw unprocessable(`"${field}" must be an array.`);
    return list.map((p, i) => {
      const e = p as { topic?: unknown; partition?: unknown; offset?: unknown };
      if (typeof e?.topic !== 'string' || !Number.isInteger(e.partition) || (e.partition as number) < 0) throw unprocessable(`${field}[${i}] needs a topic and a partition.`);
      if (e.offset !== undefined && !(Number.isSafeInteger(e.offset) && (e.offset as number) >= 0)) throw unprocessable(`${field}[${i}].offset must be a non-negative integer.`);
      return { topic: e.topic, partition: e.partition as number, ...(e.offset === undefined ? {} : { offset: BigInt(e.offset as number) }) };
    });
  };

  /** Commits and seeks name partitions that exist: anything else is a 404, not a client error deep inside. */
  const checkExist = (parts: ReadonlyArray<{ topic: string; partition: number }>): void => {
    for (const p of parts) {
      const t = d.broker.store.topic(p.topic);
      if (t === undefined || p.partition >= t.partitions) throw new HttpError(404, `Partition ${clip(p.topic)}-${p.partition} not found.`, 40402);
    }
  };

  router.add('POST', '/consumers/:group', async (ctx) => {
    const group = ctx.params['group']!;
    ctx.access.require('READ', 'GROUP', group);
    const b = await body(ctx);
    const name = b['name'] === undefined ? `rest-consumer-${randomUUID()}` : b['name'];
    if (typeof name !== 'string' || name === '' || name.length > 255) throw unprocessable('name must be a non-empty string of at most 255 characters.');
    // Absent: the default; present, even null: one of the allowed values.
    const setting = (name: string, dflt: string): unknown => (b[name] === undefined ? dflt : b[name]);
    const format = setting('format', 'binary');
    if (format !== 'binary' && format !== 'json' && format !== 'string') throw unprocessable('format must be binary, json or string (schema formats need a schema registry).');
    const reset = setting('auto.offset.reset', 'latest');
    if (reset !== 'earliest' && reset !== 'latest') throw unprocessable('auto.offset.reset must be earliest or latest.');
    const commitSetting = setting('auto.commit.enable', 'true');
    if (commitSetting !== 'true' && commitSetting !== 'false') throw unprocessable('auto.commit.enable must be true or false.');
    const autoCommit = commitSetting === 'true';
    // Before the name check: between that check and the set below nothing may wait.
    const listener = await kafka();
    if (instances.has(key(group, name))) throw new HttpError(409, `Consumer instance with the specified name already exists.`, 40902);
    instances.set(key(group, name), new Instance(ctx.access.principal, group, name, format, autoCommit, listener.bootstrap, loginOf(ctx.access, listener.logins), reset));
    sendJson(ctx.res, 200, { instance_id: name, base_uri: `${d.baseUrl(ctx.req)}/consumers/${encodeURIComponent(group)}/instances/${encodeURIComponent(name)}` }, V2);
  });
  router.add('DELETE', '/consumers/:group/instances/:instance', async (ctx) => {
    const inst = instance(ctx);
    instances.delete(key(inst.group, inst.name));
    await inst.close();
    ctx.res.writeHead(204).end();
  });
  router.add('POST', '/consumers/:group/instances/:instance/subscription', async (ctx) => {
    const inst = instance(ctx);
    const b = await body(ctx);
    if (b['topic_pattern'] !== undefined) throw unprocessable('topic_pattern is not supported yet; list the topics.');
    const topics = b['topics'];
    if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string')) throw unprocessable('"topics" must be a non-empty array of names.');
    // Metadata's ACL (DESCRIBE), as a Kafka consumer's subscribe needs; READ is the broker's to refuse at Fetch.
    for (const t of topics as string[]) ctx.access.require('DESCRIBE', 'TOPIC', t);
    inst.subscription = topics as string[];
    await inst.consumer.subscribe(inst.subscription);
    inst.startPump();
    ctx.res.writeHead(204).end();
  });
  router.add('GET', '/consumers/:group/instances/:instance/subscription', (ctx) => sendJson(ctx.res, 200, { topics: instance(ctx).subscription }, V2));
  router.add('DELETE', '/consumers/:group/instances/:instance/subscription', async (ctx) => {
    const inst = instance(ctx);
    instances.delete(key(inst.group, inst.name));
    await inst.close();
    // A Kafka consumer that unsubscribes leaves the group; a fresh instance under the same name stays usable.
    const listener = await kafka(); // already open: this instance was made through it
    instances.set(key(inst.group, inst.name), new Instance(inst.owner, inst.group, inst.name, inst.format, inst.autoCommit, listener.bootstrap, loginOf(ctx.access, listener.logins), 'latest'));
    ctx.res.writeHead(204).end();
  });
  router.add('POST', '/consumers/:group/instances/:instance/assignments', async (ctx) => {
    const inst = instance(ctx);
    const parts = partitionsOf(await body(ctx), 'partitions');
    for (const p of parts) ctx.access.require('DESCRIBE', 'TOPIC', p.topic);
    inst.consumer.assign(parts.map(({ topic, partition }) => ({ topic, partition })));
    inst.startPump();
    ctx.res.writeHead(204).end();
  });
  router.add('GET', '/consumers/:group/instances/:instance/assignments', (ctx) => sendJson(ctx.res, 200, { partitions: instance(ctx).consumer.assignment() }, V2));
  router.add('GET', '/consumers/:group/instances/:instance/records', async (ctx) => {
    const inst = instance(ctx);
    const wanted = inst.format === 'json' ? 'application/vnd.kafka.json.v2+json' : inst.format === 'binary' ? 'application/vnd.kafka.binary.v2+json' : undefined;
    const accept = ctx.req.headers.accept ?? '';
    if (wanted !== undefined && accept !== '' && !accept.includes(wanted) && !accept.includes('*/*') && !accept.includes('application/json')) {
      throw new HttpError(406, `This instance serves ${inst.format} records: Accept ${wanted}.`, 40601);
    }
    const timeout = numberParam(ctx, 'timeout', RECORDS_TIMEOUT_MS_DEFAULT, 60_000);
    const maxBytes = numberParam(ctx, 'max_bytes', RECORDS_BYTES_MAX_DEFAULT, RECORDS_BYTES_MAX_DEFAULT);
    const records = await inst.take(timeout, maxBytes);
    const refused = records.length === 0 ? inst.takeRefusal() : undefined;
    if (refused !== undefined) throw new Forbidden(clip(refused.message));
    const render = (b: Buffer | null): unknown => {
      if (b === null) return null;
      if (inst.format === 'binary') return b.toString('base64');
      if (inst.format === 'string') return b.toString('utf8');
      try {
        return JSON.parse(b.toString('utf8'));
      } catch {
        return b.toString('utf8');
      }
    };
    sendJson(ctx.res, 200, records.map((m) => ({ topic: m.topic, key: render(m.key), value: render(m.value), partition: m.partition, offset: Number(m.offset) })), wanted ?? V2);
    if (inst.autoCommit && records.length > 0) inst.commit().catch((err: unknown) => d.broker.log.warn({ group: clip(inst.group), err: (err as Error).message }, 'REST auto-commit failed'));
  });
  router.add('POST', '/consumers/:group/instances/:instance/offsets', async (ctx) => {
    const inst = instance(ctx);
    const b = await body(ctx);
    const offsets = b['offsets'] === undefined ? undefined : partitionsOf(b, 'offsets').map((o) => {
      if (o.offset === undefined) throw unprocessable('each offset needs "offset".');
      // v2 commits name the last consumed offset; Kafka stores the next one to read.
      return { topic: o.topic, partition: o.partition, offset: o.offset + 1n };
    });
    if (offsets !== undefined) checkExist(offsets);
    try {
      await inst.commit(offsets);
    } catch (err) {
      if (err instanceof KafkaClientError && isAuthorizationFailure(err.code)) throw new Forbidden(clip(err.message));
      // The group refused (a rebalance, a fenced member): the instance's state conflicts with the commit.
      if (err instanceof KafkaClientError) throw new HttpError(409, `Commit refused: ${clip(err.message)}`, 40903);
      throw err;
    }
    ctx.res.writeHead(200, { 'content-length': 0 }).end();
  });
  router.add('GET', '/consumers/:group/instances/:instance/offsets', async (ctx) => {
    const inst = instance(ctx);
    const parts = partitionsOf(await body(ctx), 'partitions');
    // OffsetFetch's ACLs: DESCRIBE on the group and on each topic.
    ctx.access.require('DESCRIBE', 'GROUP', inst.group);
    for (const p of parts) ctx.access.require('DESCRIBE', 'TOPIC', p.topic);
    const byTopic = new Map<string, number[]>();
    for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const fetched = d.broker.groups.fetchOffsets(inst.group, [...byTopic].map(([name, partitions]) => ({ name, partitions })));
    sendJson(ctx.res, 200, {
      offsets: fetched.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, offset: Number(p.offset), metadata: p.metadata ?? '' }))),
    }, V2);
  });
  router.add('POST', '/consumers/:group/instances/:instance/positions', async (ctx) => {
    const inst = instance(ctx);
    const positions = partitionsOf(await body(ctx), 'offsets');
    checkExist(positions);
    try {
      inst.seek(positions.map((p) => {
        if (p.offset === undefined) throw unprocessable('each position needs "offset".');
        return { topic: p.topic, partition: p.partition, offset: p.offset };
      }));
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw notAssigned(err);
    }
    ctx.res.writeHead(204).end();
  });
  for (const [suffix, which] of [['beginning', 'earliest'], ['end', 'latest']] as const) {
    router.add('POST', `/consumers/:group/instances/:instance/positions/${suffix}`, async (ctx) => {
      const inst = instance(ctx);
      const parts = partitionsOf(await body(ctx), 'partitions');
      // ListOffsets' ACL: DESCRIBE on each topic.
      for (const p of parts) ctx.access.require('DESCRIBE', 'TOPIC', p.topic);
      const positions = parts.map((p) => {
        const topic = d.broker.store.topic(p.topic);
        const log = topic === undefined || p.partition >= topic.partitions ? undefined : d.broker.store.partition(p.topic, p.partition);
        if (log === undefined) throw new HttpError(404, `Partition ${clip(p.topic)}-${p.partition} not found.`, 40402);
        return { topic: p.topic, partition: p.partition, offset: BigInt(which === 'earliest' ? log.logStartOffset : log.highWatermark) };
      });
      try {
        inst.seek(positions);
      } catch (err) {
        throw notAssigned(err);
      }
      ctx.res.writeHead(204).end();
    });
  }

  return {
    close: async () => {
      clearInterval(sweeper);
      const all = [...instances.values()];
      instances.clear();
      await Promise.allSettled(all.map((i) => i.close()));
    },
  };
}

function isAuthorizationFailure(code: number): boolean {
  return code === ErrorCode.TOPIC_AUTHORIZATION_FAILED || code === ErrorCode.GROUP_AUTHORIZATION_FAILED || code === ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}

/** A seek to a partition the instance does not hold conflicts with its assignment: 409, as for a commit. */
function notAssigned(err: unknown): HttpError {
  return new HttpError(409, clip((err as Error).message), 40903);
}

function numberParam(ctx: RouteContext, name: string, fallback: number, max: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw unprocessable(`${name} must be a non-negative integer.`);
  return Math.min(n, max);
}
