/**
 * Fetch (key 1), v0-17 (v0-3: stored batches down-converted to message format v0/v1); v13+ names topics by id. Reads return stored batches as they are (invariant 1).
 * MaxWaitMs/MinBytes: a fetch with too little data parks in the purgatory until appends bring enough
 * bytes or the wait ends; nothing polls. KIP-74: the first partition with data returns at least one
 * whole batch even past MaxBytes/PartitionMaxBytes.
 * Fetch sessions (KIP-227) are declined: we always answer session id 0, so clients send full fetches;
 * an incremental fetch against an id we never gave out gets FETCH_SESSION_ID_NOT_FOUND.
 * Each partition is read once: a partition named again (in the same or another entry of its topic)
 * replaces the earlier mention in its place, as Kafka's fetch map does, so repetition cannot multiply
 * the answer (1,000 mentions of one partition returned its batches 1,000 times).
 * IsolationLevel 1 (read_committed): records only below the last stable offset (the first offset of
 * the oldest open transaction), with the aborted transactions overlapping what is returned (from the
 * partition's producer state, persisted in .txnindex files) so the consumer drops their records.
 * Not implemented: follower fetching (no replicas).
 */
import { ApiKey, type FetchRequest, type FetchResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { IsolationLevel } from '../../protocol/enums.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { fetchLegacy } from '../legacy-records.js';
import { partitionKey } from '../fetch-purgatory.js';
import { storageErrorCode } from '../topic-access.js';
import type { PartitionLog } from '../../storage/log.js';
import { batchLastOffsetAt, batchSizeAt } from '../../protocol/record-batch.js';
import { POOLED_BUFFERS, type WithPooledBuffers } from '../fetch-buffers.js';

type TopicOut = NonNullable<FetchResponseInput['responses']>[number];
type PartitionOut = NonNullable<TopicOut['partitions']>[number];

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Kafka answers "no data" and errors with an empty record set, not null. */
const NO_RECORDS = Buffer.alloc(0);

export const fetchHandler = defineHandler(ApiKey.Fetch, {
  minVersion: 0,
  maxVersion: 17,
  handle(req: FetchRequest, ctx: RequestContext): FetchResponseInput | Promise<FetchResponseInput> {
    if (ctx.version >= 4) return fetchBatches(req, ctx, true);
    // v0-3 know message formats v0/v1 only: the stored batches are down-converted (legacy-records.ts).
    return Promise.resolve(fetchBatches(req, ctx, false)).then((res) => fetchLegacy(req, res, ctx));
  },
});

/**
 * With `pooled`, partitions are read into the broker's reusable fetch buffers and the response names
 * them (POOLED_BUFFERS) for the connection to give back once written.
 */
function fetchBatches(req: FetchRequest, ctx: RequestContext, pooled: boolean): FetchResponseInput | Promise<FetchResponseInput> {
  if (req.sessionId !== 0 || req.sessionEpoch > 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
  }
  req = { ...req, topics: distinctPartitions(req.topics, ctx.version) };
  const pool = ctx.broker.fetchBuffers;
  const taken: Buffer[] = [];
  const alloc = pooled
    ? (bytes: number): Buffer => {
      const buf = pool.take(bytes);
      taken.push(buf);
      return buf;
    }
    : undefined;
  const first = readAll(req, ctx, alloc);
  const waitMs = Math.min(req.maxWaitMs, ctx.broker.limits.fetchWaitMsMax);
  if (first.bytes >= req.minBytes || waitMs <= 0 || first.hasError || first.keys.length === 0 || ctx.broker.stopping) {
    return respond(first.responses, taken);
  }
  return new Promise((resolve) => {
    ctx.broker.purgatory.park(first.keys, req.minBytes - first.bytes, waitMs, () => {
      pool.give(taken.splice(0)); // the first read is dropped unsent: everything is read again
      try {
        resolve(respond(readAll(req, ctx, alloc).responses, taken));
      } catch (err) {
        pool.give(taken.splice(0));
        ctx.log.error({ err }, 'fetch after wait failed');
        resolve(respond(first.responses.map((t) => ({ ...t, partitions: t.partitions!.map((p) => ({ ...p, records: NO_RECORDS, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR })) }))));
      }
    });
  });
}

function distinctPartitions(topics: FetchRequest['topics'], version: number): FetchRequest['topics'] {
  type Wanted = FetchRequest['topics'][number];
  const byTopic = new Map<string, { topic: Wanted; partitions: Map<number, Wanted['partitions'][number]> }>();
  for (const t of topics) {
    const key = version >= 13 ? t.topicId.toLowerCase() : t.topic;
    let entry = byTopic.get(key);
    if (entry === undefined) {
      entry = { topic: t, partitions: new Map() };
      byTopic.set(key, entry);
    }
    for (const p of t.partitions) entry.partitions.set(p.partition, p); // Map.set keeps the first position
  }
  return [...byTopic.values()].map((e) => ({ ...e.topic, partitions: [...e.partitions.values()] }));
}

function respond(responses: TopicOut[], pooled: Buffer[] = []): FetchResponseInput {
  const res: FetchResponseInput & WithPooledBuffers = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
  if (pooled.length > 0) res[POOLED_BUFFERS] = pooled;
  return res;
}

interface ReadResult {
  responses: TopicOut[];
  bytes: number;
  hasError: boolean;
  /** Purgatory keys of the partitions read without error. */
  keys: string[];
}

function readAll(req: FetchRequest, ctx: RequestContext, alloc: ((bytes: number) => Buffer) | undefined): ReadResult {
  const { broker, version } = ctx;
  let bytesLeft = Math.min(req.maxBytes, broker.limits.fetchBytesMax);
  let bytes = 0;
  let hasError = false;
  const keys: string[] = [];
  const responses = req.topics.map((t): TopicOut => {
    const topic = version >= 13 ? broker.store.topicById(t.topicId) : broker.store.topic(t.topic);
    const unknownCode = version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const denied = !allowed(ctx, 'READ', 'TOPIC', topic?.name ?? t.topic);
    const partitions = t.partitions.map((p): PartitionOut => {
      if (denied) {
        hasError = true;
        return empty(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      }
      if (topic === undefined || p.partition < 0 || p.partition >= topic.partitions) {
        hasError = true;
        return empty(p.partition, unknownCode);
      }
      if (p.currentLeaderEpoch > 0) {
        hasError = true;
        return empty(p.partition, ErrorCode.UNKNOWN_LEADER_EPOCH);
      }
      try {
        const log = broker.store.partition(topic.name, p.partition);
        // KIP-74: only the first partition that returns data may exceed the limits.
        const limit = Math.min(p.partitionMaxBytes, bytesLeft);
        const lastStable = log.lastStableOffset;
        const readCommitted = req.isolationLevel === IsolationLevel.READ_COMMITTED;
        const read = log.read(Number(p.fetchOffset), limit, { minOneBatch: bytes === 0, ...(readCommitted ? { maxOffset: lastStable } : {}), ...(alloc ? { alloc } : {}) });
        if (!read.ok) {
          hasError = true;
          // Kafka answers -1 for both here (FINDINGS.md F4); the consumer asks ListOffsets for its reset.
          return { ...empty(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE), abortedTransactions: null };
        }
        bytes += read.records.length;
        bytesLeft = Math.max(0, bytesLeft - read.records.length);
        keys.push(partitionKey(topic.name, p.partition));
        return {
          partitionIndex: p.partition, errorCode: ErrorCode.NONE,
          highWatermark: BigInt(read.highWatermark), lastStableOffset: BigInt(lastStable),
          logStartOffset: BigInt(read.logStartOffset),
          abortedTransactions: readCommitted ? abortedIn(log, Number(p.fetchOffset), read.records) : null,
          preferredReadReplica: -1,
          records: read.records,
        };
      } catch (err) {
        hasError = true;
        ctx.log.error({ topic: topic.name, partition: p.partition, err }, 'read failed');
        return empty(p.partition, storageErrorCode(err));
      }
    });
    return { topic: topic?.name ?? t.topic, topicId: topic?.id ?? (version >= 13 ? t.topicId : ZERO_UUID), partitions };
  });
  return { responses, bytes, hasError, keys };
}

/** Aborted transactions overlapping the returned batches (Kafka: up to the fetch's end offset). */
function abortedIn(log: PartitionLog, fetchOffset: number, records: Buffer): Array<{ producerId: bigint; firstOffset: bigint }> {
  if (records.length === 0) return [];
  let end = fetchOffset;
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    end = batchLastOffsetAt(records, pos) + 1;
  }
  return log.producers.abortedTxns(fetchOffset, end).map((t) => ({ producerId: BigInt(t.producerId), firstOffset: BigInt(t.firstOffset) }));
}

/** A partition answered with an error: -1 offsets and, as Kafka's error answers, abortedTransactions [] (FINDINGS.md F5). */
function empty(partitionIndex: number, errorCode: number): PartitionOut {
  return {
    partitionIndex, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
    abortedTransactions: [], preferredReadReplica: -1, records: NO_RECORDS,
  };
}
