/**
 * OffsetCommit (key 8), v0-9: answered after the commit records are fsynced in __consumer_offsets.
 * v0 (no generation: a simple commit) goes to the same store: Kafka 3.x kept v0 commits in ZooKeeper apart,
 * and refused them in KRaft mode. v1's per-partition commit timestamp is ignored, as Kafka ignores it.
 * Any int64 offset is stored as it came (Kafka does no range check; a client may commit 2^63-1).
 * Generation (classic) or member epoch (KIP-848, v9+) is checked as Kafka does. retentionTimeMs (v2-4)
 * is ignored (Kafka ignores it since 2.1: offsets.retention.minutes applies).
 */
import { ApiKey, type OffsetCommitRequest, type OffsetCommitResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code, refuseTopic, splitReadableTopics } from './group-common.js';

export const offsetCommitHandler = defineHandler(ApiKey.OffsetCommit, {
  minVersion: 0,
  maxVersion: 9,
  async handle(req: OffsetCommitRequest, ctx: RequestContext): Promise<OffsetCommitResponseInput> {
    // ACLs: READ on the group, then READ on each topic (denied topics are answered, not committed).
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, topics: req.topics.map((t) => refuseTopic(t, ErrorCode.GROUP_AUTHORIZATION_FAILED)) };
    const { readable, refused } = splitReadableTopics(ctx, req.topics);
    const r = await ctx.broker.groups.commitOffsets({
      groupId: req.groupId,
      generationIdOrMemberEpoch: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      version: ctx.version,
      topics: readable.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
      })),
    });
    return {
      throttleTimeMs: 0,
      topics: [
        ...r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: code(p.error) })) })),
        ...refused,
      ],
    };
  },
});
