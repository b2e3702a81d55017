/**
 * OffsetForLeaderEpoch (key 23), v0-4 (v0-1: Kafka 3.9's, for older clients). This node has led every
 * partition in epoch 0 since its creation (Metadata says so and batches carry it), so the end offset of
 * epoch 0 is the log end offset, and a later epoch is unknown: UNDEFINED (-1, -1) as Kafka's epoch cache
 * answers. currentLeaderEpoch (v2+) fences as Kafka does: newer than 0 UNKNOWN_LEADER_EPOCH, older
 * FENCED_LEADER_EPOCH (no epoch is older than 0, so only -1, "no check", passes besides 0).
 * ACLs: DESCRIBE on the topic (else TOPIC_AUTHORIZATION_FAILED per partition), as for Kafka's consumers.
 * Not implemented: nothing; replicaId is ignored (there are no followers).
 */
import { ApiKey, type OffsetForLeaderEpochRequest, type OffsetForLeaderEpochResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { storageErrorCode } from '../topic-access.js';

type Partition = OffsetForLeaderEpochRequest['topics'][number]['partitions'][number];
type Out = NonNullable<NonNullable<OffsetForLeaderEpochResponseInput['topics']>[number]['partitions']>[number];

/** The one leader epoch of every partition on this node. */
export const LEADER_EPOCH = 0;

export const offsetForLeaderEpochHandler = defineHandler(ApiKey.OffsetForLeaderEpoch, {
  minVersion: 0,
  maxVersion: 4,
  handle(req: OffsetForLeaderEpochRequest, ctx: RequestContext): OffsetForLeaderEpochResponseInput {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const denied = !allowed(ctx, 'DESCRIBE', 'TOPIC', t.topic);
        return {
          topic: t.topic,
          partitions: t.partitions.map((p) => (denied ? { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partition: p.partition, leaderEpoch: -1, endOffset: -1n } : endOffset(t.topic, p, ctx))),
        };
      }),
    };
  },
});

function endOffset(topic: string, p: Partition, ctx: RequestContext): Out {
  const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1n): Out => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
  const t = ctx.broker.store.topic(topic);
  if (t === undefined || p.partition < 0 || p.partition >= t.partitions) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (p.currentLeaderEpoch > LEADER_EPOCH) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);
  if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch < LEADER_EPOCH) return answer(ErrorCode.FENCED_LEADER_EPOCH);
  if (p.leaderEpoch !== LEADER_EPOCH) return answer(ErrorCode.NONE);
  try {
    return answer(ErrorCode.NONE, LEADER_EPOCH, BigInt(ctx.broker.store.partition(topic, p.partition).logEndOffset));
  } catch (err) {
    return answer(storageErrorCode(err));
  }
}
