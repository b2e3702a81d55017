/**
 * TxnOffsetCommit (key 28), v0-4: offsets committed inside the producer's transaction. Written to
 * `__consumer_offsets` at once (fsynced), visible to OffsetFetch only when the transaction commits.
 * Generation and member (v3+) are checked as OffsetCommit checks them.
 */
import { ApiKey, type TxnOffsetCommitRequest, type TxnOffsetCommitResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code, refuseTopic, splitReadableTopics } from './group-common.js';
import { txnCode } from './txn-common.js';

export const txnOffsetCommitHandler = defineHandler(ApiKey.TxnOffsetCommit, {
  minVersion: 0,
  maxVersion: 4,
  async handle(req: TxnOffsetCommitRequest, ctx: RequestContext): Promise<TxnOffsetCommitResponseInput> {
    const { txn, groups } = ctx.broker;
    const producerId = Number(req.producerId);
    const all = (errorCode: (topic: string) => number): TxnOffsetCommitResponseInput => ({ throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorCode(t.name) })) })) });
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return all(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return all(() => ErrorCode.GROUP_AUTHORIZATION_FAILED);
    // Topics the principal may not READ are answered TOPIC_AUTHORIZATION_FAILED; the others are committed.
    const { readable: topics, refused: deniedOut } = splitReadableTopics(ctx, req.topics);
    const problem = txn.checkTxnOffsetCommit(req.transactionalId, producerId, req.producerEpoch, req.groupId);
    if (problem !== 'NONE') {
      const errorCode = txnCode(problem, ctx.version, 3);
      return { throttleTimeMs: 0, topics: [...topics.map((t) => refuseTopic(t, errorCode)), ...deniedOut] };
    }
    const r = await groups.commitOffsets({
      groupId: req.groupId,
      generationIdOrMemberEpoch: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      // TxnOffsetCommit carries a KIP-848 member epoch in generationId as OffsetCommit v9 does.
      version: 9,
      txn: { producerId, producerEpoch: req.producerEpoch },
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
      })),
    });
    return {
      throttleTimeMs: 0,
      topics: [...r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: code(p.error) })) })), ...deniedOut],
    };
  },
});
