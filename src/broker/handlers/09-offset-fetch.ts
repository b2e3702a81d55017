/**
 * OffsetFetch (key 9), v0-9: committed offsets, one group (v0-7; null topics = all, v2+) or many (v8+).
 * v0 reads the same store as v1 (Kafka 3.x read v0 offsets from ZooKeeper).
 * v9 member id/epoch are checked for KIP-848 groups. requireStable (v7+): a partition whose offset was
 * committed by a transaction that has not ended answers UNSTABLE_OFFSET_COMMIT (retriable), as in Kafka.
 * ACLs: DESCRIBE on the group; a topic the principal may not describe answers TOPIC_AUTHORIZATION_FAILED
 * per partition when named, and is left out of an all-topics fetch, as KafkaApis does.
 */
import { ApiKey, type OffsetFetchRequest, type OffsetFetchResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const offsetFetchHandler = defineHandler(ApiKey.OffsetFetch, {
  minVersion: 0,
  maxVersion: 9,
  handle(req: OffsetFetchRequest, ctx: RequestContext): OffsetFetchResponseInput {
    const groups = ctx.broker.groups;
    const partitionCode = (groupId: string, topic: string, partition: number, error: Parameters<typeof code>[0]): number =>
      error === 'NONE' && req.requireStable && groups.hasPendingTxnOffset(groupId, topic, partition) ? ErrorCode.UNSTABLE_OFFSET_COMMIT : code(error);
    type Fetched = ReturnType<typeof groups.fetchOffsets>['topics'][number];
    const answer = (groupId: string, topics: Fetched[], all: boolean) => topics.flatMap((t) => {
      const describable = allowed(ctx, 'DESCRIBE', 'TOPIC', t.name);
      if (!describable && all) return [];
      return [{
        name: t.name,
        partitions: t.partitions.map((p) => (describable
          ? { partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: p.leaderEpoch, metadata: p.metadata, errorCode: partitionCode(groupId, t.name, p.partition, p.error) }
          : { partitionIndex: p.partition, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })),
      }];
    });
    const toTopics = (ts: Array<{ name: string; partitionIndexes: number[] }> | null) => (ts === null ? null : ts.map((t) => ({ name: t.name, partitions: t.partitionIndexes })));
    if (ctx.version < 8) {
      if (!allowed(ctx, 'DESCRIBE', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [], groups: [] };
      const r = groups.fetchOffsets(req.groupId, toTopics(req.topics));
      return {
        throttleTimeMs: 0,
        errorCode: code(r.error),
        topics: answer(req.groupId, r.topics, req.topics === null),
        groups: [],
      };
    }
    return {
      throttleTimeMs: 0,
      // v8+ answers per group; the v0-7 fields stay empty.
      errorCode: ErrorCode.NONE,
      topics: [],
      // A group named twice is answered once: its offsets are not repeated per mention.
      groups: [...new Map(req.groups.map((g) => [g.groupId, g])).values()].map((g) => {
        if (!allowed(ctx, 'DESCRIBE', 'GROUP', g.groupId)) return { groupId: g.groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
        const r = groups.fetchOffsets(g.groupId, toTopics(g.topics), ctx.version >= 9 ? { memberId: g.memberId, memberEpoch: g.memberEpoch } : undefined);
        return {
          groupId: g.groupId,
          errorCode: code(r.error),
          topics: answer(g.groupId, r.topics, g.topics === null),
        };
      }),
    };
  },
});
