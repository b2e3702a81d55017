// One fetch round: partitions grouped by leader, one Fetch per leader, records decoded into batches.
import { decodeRecordBatches, type DecodedBatch } from '../protocol/compression.js';
import { CONTROL_ABORT, controlKeyType } from '../protocol/txn-records.js';
import { IsolationLevel } from '../protocol/enums.js';
import { ApiKey, ZERO_UUID, type Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';
import { ErrorCode } from '../protocol/errors.js';

export interface FetchTarget {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  errorCode: number;
  highWatermark: bigint;
  records: { offset: bigint; timestamp: number; key: Buffer | null; value: Buffer | null; headers: { key: string; value: Buffer | null }[] }[];
  /** Offset after the last batch seen (control batches included), -1n if none. */
  nextOffset: bigint;
}

export interface FetchLimits {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  /** 1: read_committed (records below the LSO, aborted transactions dropped). Default 0. */
  isolationLevel?: 0 | 1;
}

export async function fetchOnce(cluster: Cluster, targets: readonly FetchTarget[], limits: FetchLimits): Promise<FetchedPartition[]> {
  const byLeader = new Map<number, FetchTarget[]>();
  for (const t of targets) {
    const info = await cluster.topic(t.topic);
    const leader = info.partitions[t.partition]?.leader ?? -1;
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), t]);
  }
  const rounds = await Promise.all([...byLeader].map(async ([leader, ts]) => {
    try {
      return await fetchFromLeader(cluster, leader, ts, limits);
    } catch (err) {
      const code = err instanceof KafkaClientError ? err.code : -1;
      if (!(err instanceof KafkaClientError) || !err.retriable) throw err;
      cluster.invalidate(code);
      return ts.map((t) => ({ topic: t.topic, partition: t.partition, fetchOffset: t.offset, errorCode: code, highWatermark: -1n, records: [], nextOffset: -1n }));
    }
  }));
  return rounds.flat();
}

async function fetchFromLeader(cluster: Cluster, leader: number, targets: FetchTarget[], limits: FetchLimits): Promise<FetchedPartition[]> {
  if (leader < 0) throw new KafkaClientError(5, 'no leader');
  const conn = await cluster.node(leader);
  const topics = new Map<string, FetchTarget[]>();
  for (const t of targets) topics.set(t.topic, [...(topics.get(t.topic) ?? []), t]);
  const { version, body } = await conn.request(ApiKey.Fetch, {
    clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: limits.maxWaitMs, minBytes: limits.minBytes, maxBytes: limits.maxBytes, isolationLevel: limits.isolationLevel ?? 0,
    sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '',
    topics: [...topics].map(([topic, ps]) => ({
      topic, topicId: cluster.topics.get(topic)?.topicId ?? ZERO_UUID,
      partitions: ps.map((p) => ({
        partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, lastFetchedEpoch: -1,
        logStartOffset: -1n, partitionMaxBytes: limits.partitionMaxBytes, replicaDirectoryId: ZERO_UUID,
      })),
    })),
  }, { timeoutMs: cluster.options.requestTimeoutMs + limits.maxWaitMs });
  if (body.errorCode !== undefined && body.errorCode !== ErrorCode.NONE) throw new KafkaClientError(body.errorCode, 'Fetch');
  const nameById = new Map([...cluster.topics.values()].map((t) => [t.topicId, t.name]));
  const out: FetchedPartition[] = [];
  for (const t of body.responses) {
    const topic: string | undefined = version >= 13 ? nameById.get(t.topicId) : t.topic;
    if (topic === undefined) continue;
    for (const p of t.partitions) {
      const target = topics.get(topic)?.find((x) => x.partition === p.partitionIndex);
      if (target === undefined) continue;
      const fetched: FetchedPartition = {
        topic, partition: p.partitionIndex, fetchOffset: target.offset, errorCode: p.errorCode,
        highWatermark: p.highWatermark, records: [], nextOffset: -1n,
      };
      if (p.errorCode === ErrorCode.NONE && p.records !== null && p.records.length > 0) {
        const skip = limits.isolationLevel === IsolationLevel.READ_COMMITTED ? abortedFilter(p.abortedTransactions ?? []) : undefined;
        for (const batch of await decodeRecordBatches(p.records)) {
          fetched.nextOffset = batch.lastOffset + 1n;
          if (skip?.(batch) === true || batch.isControl) continue;
          for (const r of batch.records) if (r.offset >= target.offset) fetched.records.push(r);
        }
      }
      out.push(fetched);
    }
  }
  return out;
}

/**
 * read_committed, as Java's consumer does it: walking the batches in order, a producer enters the
 * aborted set at the first offset of one of its aborted transactions and leaves it at its abort
 * marker; its transactional batches in between are dropped.
 */
function abortedFilter(aborted: ReadonlyArray<{ producerId: bigint; firstOffset: bigint }>): (batch: DecodedBatch) => boolean {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  return (batch) => {
    while (pending.length > 0 && pending[0]!.firstOffset <= batch.lastOffset) abortedProducers.add(pending.shift()!.producerId);
    if (batch.isControl) {
      const key = batch.records[0]?.key;
      if (key !== null && key !== undefined && controlKeyType(key) === CONTROL_ABORT) abortedProducers.delete(batch.producerId);
      return true;
    }
    return batch.isTransactional && abortedProducers.has(batch.producerId);
  };
}