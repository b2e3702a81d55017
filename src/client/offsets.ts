// Offset requests shared by Consumer and Admin: ListOffsets, OffsetFetch, OffsetCommit.
import { ApiKey, type Cluster } from './cluster.js';
import { brokerError } from './errors.js';
import { IsolationLevel } from '../protocol/enums.js';
import type { TopicPartitionOffset } from './types.js';
import { ErrorCode } from '../protocol/errors.js';

export const EARLIEST = -2n;
export const LATEST = -1n;

/** ListOffsets for partitions of one topic, each sent to its leader. `timestamp`: -2n earliest, -1n latest. */
export async function listOffsets(cluster: Cluster, topic: string, partitions: readonly number[], timestamp: bigint): Promise<Map<number, { offset: bigint; timestamp: number }>> {
  const out = new Map<number, { offset: bigint; timestamp: number }>();
  const byLeader = new Map<number, number[]>();
  const info = await cluster.topic(topic);
  for (const p of partitions) {
    const leader = info.partitions[p]?.leader ?? -1;
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }
  await Promise.all([...byLeader.values()].map((ps) => cluster.retry(async () => {
    const conn = await cluster.leader(topic, ps[0]!);
    const { body } = await conn.request(ApiKey.ListOffsets, {
      replicaId: -1, isolationLevel: IsolationLevel.READ_UNCOMMITTED, timeoutMs: cluster.options.requestTimeoutMs,
      topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
    });
    for (const t of body.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw brokerError(p.errorCode, `ListOffsets ${topic}-${p.partitionIndex}`, { topics: [topic] });
        const offset = (p.offset as bigint | undefined) ?? (p.oldStyleOffsets as bigint[])[0] ?? -1n;
        out.set(p.partitionIndex, { offset, timestamp: Number(p.timestamp ?? -1n) });
      }
    }
  }, { topic })));
  return out;
}

/** Committed offsets of a group; topics null means every topic the group committed for. */
export async function fetchCommitted(cluster: Cluster, groupId: string, topics: ReadonlyArray<{ name: string; partitions: number[] }> | null): Promise<{ topic: string; partition: number; offset: bigint; metadata: string | null }[]> {
  return cluster.retry(async () => {
    const conn = await cluster.coordinator(groupId);
    const { version, body } = await conn.request(ApiKey.OffsetFetch, (v) => {
      const ts = topics === null ? (v < 2 ? [] : null) : topics.map((t) => ({ name: t.name, partitionIndexes: t.partitions }));
      return { groupId, topics: ts, groups: [{ groupId, memberId: null, memberEpoch: -1, topics: ts }], requireStable: false };
    });
    const group = version >= 8 ? body.groups[0] : body;
    if (group.errorCode !== undefined && group.errorCode !== ErrorCode.NONE) throw brokerError(group.errorCode, `OffsetFetch ${groupId}`, { groupId });
    const out: { topic: string; partition: number; offset: bigint; metadata: string | null }[] = [];
    for (const t of group.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE && p.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw brokerError(p.errorCode, `OffsetFetch ${groupId} ${t.name}-${p.partitionIndex}`, { topics: [t.name], groupId });
        out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata ?? null });
      }
    }
    return out;
  }, { groupId });
}

/** Commits offsets for a group member (generation/epoch -1 and member "" for a groupless commit). */
export async function commitOffsets(cluster: Cluster, groupId: string, member: { memberId: string; generation: number }, offsets: readonly TopicPartitionOffset[], retries?: number): Promise<void> {
  if (offsets.length === 0) return;
  const byTopic = new Map<string, TopicPartitionOffset[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
  await cluster.retry(async () => {
    const conn = await cluster.coordinator(groupId);
    const { body } = await conn.request(ApiKey.OffsetCommit, {
      groupId, generationIdOrMemberEpoch: member.generation, memberId: member.memberId, groupInstanceId: null, retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, ps]) => ({
        name,
        partitions: ps.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null })),
      })),
    });
    for (const t of body.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw brokerError(p.errorCode, `OffsetCommit ${groupId} ${t.name}-${p.partitionIndex}`, { topics: [t.name], groupId });
      }
    }
  }, { groupId }, retries);
}
