/**
 * OffsetCommit (key 8), v2-9: answered after the commit records are fsynced in __consumer_offsets.
 * Any int64 offset is stored as it came (Kafka does no range check; a client may commit 2^63-1).
 * Generation (classic) or member epoch (KIP-848, v9+) is checked as Kafka does. retentionTimeMs (v2-4)
 * is ignored (Kafka ignores it since 2.1: offsets.retention.minutes applies).
 */
import type { OffsetCommitRequest, OffsetCommitResponseInput } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const offsetCommitHandler: ApiHandler = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  async handle(req: OffsetCommitRequest, ctx: RequestContext): Promise<OffsetCommitResponseInput> {
    const r = await ctx.broker.groups.commitOffsets({
      groupId: req.groupId,
      generationIdOrMemberEpoch: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      version: ctx.version,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
      })),
    });
    return {
      throttleTimeMs: 0,
      topics: r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: code(p.error) })) })),
    };
  },
};
