// Fault injection for tests, after franz-go kfake's Control: a rule matches requests (by API, topic,
// partition, group, client id) and answers them with a Kafka error code, a delay, no answer, or a
// closed connection, N times or for a while. Nothing is mocked: the client talks to the real broker,
// and requests no rule matches are served as usual.
//
// An `error` answer is built from the request without running it, so a refused Produce appends nothing
// and a refused OffsetCommit commits nothing, as on a Kafka broker that returns that error. For Produce,
// Fetch and ListOffsets a rule with a topic (and partition) fails only the partitions it names; the
// others in the same request are served. Metadata keeps its broker list and marks the named topics (or
// partitions: leader -1) with the error.
import type { ApiHandler, RequestContext } from '../broker/handler.js';
import type { RunningBroker } from '../broker/broker.js';
import { ErrorCode, type ErrorCodeName } from '../protocol/errors.js';
import { apiMessages } from '../protocol/generated/index.js';

/** An API by name ('Produce', 'Fetch', ...) or key. */
export type ApiRef = string | number;

export type FaultAction =
  | { error: ErrorCodeName | number }
  | { delayMs: number }
  /** Hold the request unanswered (later responses on its connection wait behind it, as in Kafka) until the rule is removed. */
  | { drop: true }
  /** Close the client's connection instead of answering. */
  | { disconnect: true };

export interface FaultRule {
  api: ApiRef;
  /** Only requests naming this topic. */
  topic?: string;
  /** With `topic`: only this partition (Produce, Fetch, ListOffsets, Metadata). */
  partition?: number;
  /** Only requests for this group id. */
  group?: string;
  /** Only requests from this client id. */
  clientId?: string;
  action: FaultAction;
  /** Matches at most this many requests, then retires. Default: unlimited. */
  times?: number;
  /** Retires this long after it was added. Default: never. */
  forMs?: number;
}

export interface ActiveFault {
  readonly rule: FaultRule;
  /** Requests it has matched so far. */
  readonly hits: number;
  remove(): void;
}

/** Raised by a `disconnect` rule: the connection closes instead of answering. */
export class InjectedDisconnect extends Error {
  override readonly name = 'InjectedDisconnect';
}

const keyOf = (api: ApiRef): number => {
  if (typeof api === 'number') return api;
  const found = Object.entries(apiMessages).find(([, m]) => m.name === api);
  if (found === undefined) throw new TypeError(`unknown API '${api}'`);
  return Number(found[0]);
};

const codeOf = (e: ErrorCodeName | number): number => {
  if (typeof e === 'number') return e;
  const code = ErrorCode[e];
  if (code === undefined) throw new TypeError(`unknown error '${e}'`);
  return code;
};

type Req = Record<string, any>;
type Res = Record<string, any>;

/** Whether a partition of a topic is one the rule fails. */
type Affects = (topic: string, partition: number) => boolean;

/**
 * Error responses built from requests, per API: `whole` fails every partition/group the request names;
 * partition APIs also say how to split a request into the part a rule fails and the part served.
 */
interface ErrorShape {
  whole(req: Req, code: number): Res;
  /** Partition-level APIs: the request without the affected partitions, and the error entries for them. */
  split?(req: Req, affects: Affects, code: number): { rest: Req; failed: Res; merge(served: Res, failed: Res): Res };
}

/** A request topic's name; Fetch v13+ names topics by id only, resolved by `withNames` first. */
const topicName = (t: Req): string => t.name ?? t.topic ?? '';

/** Splits a request's `topics` list by an `affects` test on (topic, partition index). */
function splitTopics(topics: Req[], partitionsKey: string, indexKey: string, affects: Affects): { rest: Req[]; hit: Req[] } {
  const rest: Req[] = [];
  const hit: Req[] = [];
  for (const t of topics) {
    const keep = (t[partitionsKey] as Req[]).filter((p) => !affects(topicName(t), p[indexKey]));
    const lose = (t[partitionsKey] as Req[]).filter((p) => affects(topicName(t), p[indexKey]));
    if (keep.length > 0) rest.push({ ...t, [partitionsKey]: keep });
    if (lose.length > 0) hit.push({ ...t, [partitionsKey]: lose });
  }
  return { rest, hit };
}

const produceErrors = (topics: Req[], code: number): Res[] => topics.map((t) => ({
  name: t.name, partitionResponses: t.partitionData.map((p: Req) => ({ index: p.index, errorCode: code, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n })),
}));
const fetchErrors = (topics: Req[], code: number): Res[] => topics.map((t) => ({
  topic: t.topic, topicId: t.topicId, partitions: t.partitions.map((p: Req) => ({ partitionIndex: p.partition, errorCode: code, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null })),
}));
const listOffsetsErrors = (topics: Req[], code: number): Res[] => topics.map((t) => ({
  name: t.name, partitions: t.partitions.map((p: Req) => ({ partitionIndex: p.partitionIndex, errorCode: code, timestamp: -1n, offset: -1n })),
}));

const shapes: Record<string, ErrorShape> = {
  Produce: {
    whole: (req, code) => ({ responses: produceErrors(req.topicData, code) }),
    split: (req, affects, code) => {
      const { rest, hit } = splitTopics(req.topicData, 'partitionData', 'index', affects);
      return { rest: { ...req, topicData: rest }, failed: { responses: produceErrors(hit, code) }, merge: (s, f) => ({ ...s, responses: [...(s.responses ?? []), ...f.responses] }) };
    },
  },
  Fetch: {
    whole: (req, code) => ({ errorCode: 0, responses: fetchErrors(req.topics, code) }),
    split: (req, affects, code) => {
      const { rest, hit } = splitTopics(req.topics, 'partitions', 'partition', affects);
      return { rest: { ...req, topics: rest }, failed: { responses: fetchErrors(hit, code) }, merge: (s, f) => ({ ...s, responses: [...(s.responses ?? []), ...f.responses] }) };
    },
  },
  ListOffsets: {
    whole: (req, code) => ({ topics: listOffsetsErrors(req.topics, code) }),
    split: (req, affects, code) => {
      const { rest, hit } = splitTopics(req.topics, 'partitions', 'partitionIndex', affects);
      return { rest: { ...req, topics: rest }, failed: { topics: listOffsetsErrors(hit, code) }, merge: (s, f) => ({ ...s, topics: [...(s.topics ?? []), ...f.topics] }) };
    },
  },
  OffsetCommit: {
    whole: (req, code) => ({ topics: req.topics.map((t: Req) => ({ name: t.name, partitions: t.partitions.map((p: Req) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })) }),
  },
  OffsetFetch: {
    whole: (req, code) => ({
      errorCode: code,
      topics: (req.topics ?? []).map((t: Req) => ({ name: t.name, partitions: t.partitionIndexes.map((i: number) => ({ partitionIndex: i, committedOffset: -1n, errorCode: code })) })),
      groups: (req.groups ?? []).map((g: Req) => ({ groupId: g.groupId, errorCode: code, topics: [] })),
    }),
  },
  FindCoordinator: {
    whole: (req, code) => ({
      errorCode: code, errorMessage: null, nodeId: -1, host: '', port: -1,
      coordinators: (req.coordinatorKeys ?? []).map((key: string) => ({ key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: null })),
    }),
  },
  JoinGroup: { whole: (req, code) => ({ errorCode: code, generationId: -1, protocolName: null, leader: '', memberId: req.memberId ?? '', members: [] }) },
  SyncGroup: { whole: (_req, code) => ({ errorCode: code, assignment: Buffer.alloc(0) }) },
  Heartbeat: { whole: (_req, code) => ({ errorCode: code }) },
  LeaveGroup: { whole: (req, code) => ({ errorCode: code, members: (req.members ?? []).map((m: Req) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode: code })) }) },
  InitProducerId: { whole: (_req, code) => ({ errorCode: code, producerId: -1n, producerEpoch: -1 }) },
  CreateTopics: { whole: (req, code) => ({ topics: req.topics.map((t: Req) => ({ name: t.name, errorCode: code, errorMessage: null, numPartitions: -1, replicationFactor: -1 })) }) },
  DeleteTopics: { whole: (req, code) => ({ responses: (req.topics?.length ? req.topics.map((t: Req) => t.name) : req.topicNames ?? []).map((name: string) => ({ name, errorCode: code })) }) },
  ConsumerGroupHeartbeat: { whole: (_req, code) => ({ errorCode: code, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: -1, assignment: null }) },
};

/** What a request names, for matching: topics (with partitions) and group ids. */
function topicsOf(apiName: string, req: Req): Map<string, number[] | null> {
  const out = new Map<string, number[] | null>();
  const add = (name: string | null | undefined, partitions: number[] | null): void => {
    if (name) out.set(name, partitions);
  };
  switch (apiName) {
    case 'Produce': for (const t of req.topicData) add(t.name, t.partitionData.map((p: Req) => p.index)); break;
    case 'Fetch': for (const t of req.topics) add(t.topic, t.partitions.map((p: Req) => p.partition)); break;
    case 'ListOffsets': for (const t of req.topics) add(t.name, t.partitions.map((p: Req) => p.partitionIndex)); break;
    case 'Metadata': for (const t of req.topics ?? []) add(t.name, null); break;
    case 'OffsetCommit': for (const t of req.topics) add(t.name, t.partitions.map((p: Req) => p.partitionIndex)); break;
    case 'CreateTopics': for (const t of req.topics) add(t.name, null); break;
    case 'DeleteTopics': for (const t of req.topics ?? []) add(t.name, null); for (const n of req.topicNames ?? []) add(n, null); break;
    default: break;
  }
  return out;
}

const groupsOf = (req: Req): string[] => [req.groupId, req.key, ...(req.coordinatorKeys ?? []), ...(req.groups ?? []).map((g: Req) => g.groupId ?? g)]
  .filter((g): g is string => typeof g === 'string');

interface Live {
  rule: FaultRule;
  apiKey: number;
  apiName: string;
  hits: number;
  exhausted: boolean;
  expiry: NodeJS.Timeout | undefined;
  held: Set<() => void>;
  removed: boolean;
}

/**
 * The faults of one running broker. `const faults = new Faults(broker)`; rules apply from the next
 * request on; `clear()` (or each rule's `remove()`) restores normal service.
 */
export class Faults {
  private readonly live: Live[] = [];
  private readonly unwraps = new Map<number, () => void>();
  private readonly capped = new Set<number>();

  constructor(private readonly broker: RunningBroker) {}

  add(rule: FaultRule): ActiveFault {
    const apiKey = keyOf(rule.api);
    const apiName = apiMessages[apiKey]!.name;
    if ('error' in rule.action) {
      codeOf(rule.action.error);
      if (shapes[apiName] === undefined && apiName !== 'Metadata') throw new TypeError(`error answers are not available for ${apiName}; use delayMs, drop or disconnect`);
    }
    const l: Live = { rule, apiKey, apiName, hits: 0, exhausted: false, expiry: undefined, held: new Set(), removed: false };
    if (rule.forMs !== undefined) {
      l.expiry = setTimeout(() => this.retire(l), rule.forMs);
      l.expiry.unref();
    }
    this.live.push(l);
    if (!this.unwraps.has(apiKey)) {
      this.unwraps.set(apiKey, this.broker.state.registry.wrap(apiKey, (inner) => (req, ctx) => this.serve(inner, apiName, req as Req, ctx)));
    }
    return {
      rule,
      get hits() {
        return l.hits;
      },
      remove: () => this.retire(l),
    };
  }

  /** A partition's leader is unavailable: Metadata reports no leader, Produce/Fetch/ListOffsets get NOT_LEADER_OR_FOLLOWER. */
  leaderUnavailable(topic: string, partition: number, forMs?: number): ActiveFault[] {
    const opts = { topic, partition, ...(forMs === undefined ? {} : { forMs }) };
    return [
      this.add({ api: 'Metadata', action: { error: 'LEADER_NOT_AVAILABLE' }, ...opts }),
      ...['Produce', 'Fetch', 'ListOffsets'].map((api) => this.add({ api, action: { error: 'NOT_LEADER_OR_FOLLOWER' }, ...opts })),
    ];
  }

  /** Starts a rebalance of a group now (classic: members rejoin at their next heartbeat; KIP-848: a new epoch). */
  forceRebalance(groupId: string): boolean {
    return this.broker.state.groups.forceRebalance(groupId);
  }

  /** Holds every request (but ApiVersions) unanswered until `resume()`. */
  pause(): void {
    for (const key of Object.keys(apiMessages).map(Number)) {
      if (key === 18 || this.broker.state.registry.get(key) === undefined) continue;
      this.add({ api: key, action: { drop: true } });
    }
  }

  /** Answers what `pause` held, and serves normally again. */
  resume(): void {
    for (const l of [...this.live]) if ('drop' in l.rule.action) this.retire(l);
  }

  /** Pretends to be an older Kafka: the broker advertises and accepts these APIs only up to these versions. */
  maxVersions(caps: Record<string, number>): void {
    for (const [api, max] of Object.entries(caps)) {
      const key = keyOf(/^\d+$/.test(api) ? Number(api) : api);
      this.broker.state.registry.capVersion(key, max);
      this.capped.add(key);
    }
  }

  /** Removes every rule and version cap. */
  clear(): void {
    for (const l of [...this.live]) this.retire(l);
    for (const key of this.capped) this.broker.state.registry.capVersion(key, undefined);
    this.capped.clear();
  }

  private retire(l: Live): void {
    if (l.removed) return;
    l.removed = true;
    clearTimeout(l.expiry);
    this.live.splice(this.live.indexOf(l), 1);
    for (const release of l.held) release();
    l.held.clear();
    if (!this.live.some((o) => o.apiKey === l.apiKey)) {
      this.unwraps.get(l.apiKey)?.();
      this.unwraps.delete(l.apiKey);
    }
  }

  private matches(l: Live, req: Req, ctx: RequestContext): boolean {
    const r = l.rule;
    if (r.clientId !== undefined && ctx.clientId !== r.clientId) return false;
    if (r.group !== undefined && !groupsOf(req).includes(r.group)) return false;
    if (r.topic !== undefined) {
      const named = topicsOf(l.apiName, req);
      // Metadata for every topic (null list) names them all.
      const all = l.apiName === 'Metadata' && (req.topics === null || req.topics === undefined);
      if (!all && !named.has(r.topic)) return false;
      const ps = named.get(r.topic);
      if (r.partition !== undefined && ps !== undefined && ps !== null && !ps.includes(r.partition)) return false;
    }
    return true;
  }

  /** Fetch v13+ carries topic ids only: fill in names so rules can match them (the handler reads ids). */
  private withNames(apiName: string, req: Req): Req {
    if (apiName !== 'Fetch') return req;
    const store = this.broker.state.store;
    return { ...req, topics: req.topics.map((t: Req) => (t.topic ? t : { ...t, topic: store.topicById(t.topicId)?.name ?? '' })) };
  }

  private serve(inner: ApiHandler, apiName: string, original: Req, ctx: RequestContext): unknown {
    const req = this.withNames(apiName, original);
    const l = this.live.find((x) => x.apiName === apiName && !x.exhausted && this.matches(x, req, ctx));
    if (l === undefined) return inner.handle(original, ctx);
    l.hits++;
    if (l.rule.times !== undefined && l.hits >= l.rule.times) {
      // Exhausted: matches nothing more. A drop keeps holding what it took until it is removed.
      l.exhausted = true;
      if (!('drop' in l.rule.action)) queueMicrotask(() => this.retire(l));
    }
    const action = l.rule.action;
    if ('delayMs' in action) return new Promise((resolve) => setTimeout(resolve, action.delayMs)).then(() => inner.handle(req, ctx));
    if ('disconnect' in action) throw new InjectedDisconnect(`fault injected: ${apiName} closes the connection`);
    if ('drop' in action) {
      // Released (answered normally) when the rule goes; a drop is a stall, not lost data.
      return new Promise((resolve) => l.held.add(() => resolve(inner.handle(req, ctx))));
    }
    return this.errorAnswer(inner, l, req, ctx, codeOf(action.error));
  }

  private errorAnswer(inner: ApiHandler, l: Live, req: Req, ctx: RequestContext, code: number): unknown {
    const { topic, partition } = l.rule;
    const affects: Affects = (t, p) => t === topic && (partition === undefined || p === partition);
    if (l.apiName === 'Metadata') return Promise.resolve(inner.handle({ ...req, allowAutoTopicCreation: false }, ctx)).then((res) => markMetadata(res as Res, topic, partition, code));
    const shape = shapes[l.apiName]!;
    if (l.apiName === 'Produce' && req.acks === 0 && (topic === undefined || shape.split === undefined)) return null;
    if (topic === undefined || shape.split === undefined) return shape.whole(req, code);
    const { rest, failed, merge } = shape.split(req, affects, code);
    const served = restIsEmpty(l.apiName, rest) ? Promise.resolve({}) : Promise.resolve(inner.handle(rest, ctx));
    // Produce with acks=0 is never answered, whatever happened to its partitions.
    return served.then((s) => (l.apiName === 'Produce' && req.acks === 0 ? null : merge((s ?? {}) as Res, failed)));
  }
}

function restIsEmpty(apiName: string, rest: Req): boolean {
  return (apiName === 'Produce' ? rest.topicData : rest.topics).length === 0;
}

function markMetadata(res: Res, topic: string | undefined, partition: number | undefined, code: number): Res {
  for (const t of res.topics ?? []) {
    if (topic !== undefined && t.name !== topic) continue;
    if (partition === undefined) {
      t.errorCode = code;
      t.partitions = [];
      continue;
    }
    for (const p of t.partitions ?? []) {
      if (p.partitionIndex !== partition) continue;
      p.errorCode = code;
      p.leaderId = -1;
    }
  }
  return res;
}
