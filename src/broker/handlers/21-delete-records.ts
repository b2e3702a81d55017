/**
 * DeleteRecords (key 21), v0-2: moves each partition's log start offset up to the given offset (-1: the
 * high watermark). The new start is in the recovery checkpoint (fsynced) before the answer goes out;
 * reads below it get OFFSET_OUT_OF_RANGE, and whole segments below it are deleted (after a flush, since
 * retention never removes unsynced segments). lowWatermark is the log start offset afterwards; an
 * offset below the current start changes nothing. Errors, as in Kafka: an offset above the high
 * watermark or below -1 is OFFSET_OUT_OF_RANGE, internal topics INVALID_TOPIC_EXCEPTION, a topic whose
 * cleanup.policy lacks 'delete' POLICY_VIOLATION. There are no replicas to wait for, so timeoutMs is unused.
 */
import { ApiKey, type DeleteRecordsRequest, type DeleteRecordsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { INTERNAL_TOPICS, storageErrorCode } from '../topic-access.js';

type TopicOut = NonNullable<DeleteRecordsResponseInput['topics']>[number];
type PartitionOut = NonNullable<TopicOut['partitions']>[number];

const HIGH_WATERMARK = -1n;

export const deleteRecordsHandler = defineHandler(ApiKey.DeleteRecords, {
  minVersion: 0,
  maxVersion: 2,
  async handle(req: DeleteRecordsRequest, ctx: RequestContext): Promise<DeleteRecordsResponseInput> {
    const topics = await Promise.all(req.topics.map(async (t): Promise<TopicOut> => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map((p) => deleteBefore(t.name, p.partitionIndex, p.offset, ctx))),
    })));
    return { throttleTimeMs: 0, topics };
  },
});

async function deleteBefore(topicName: string, partition: number, offset: bigint, ctx: RequestContext): Promise<PartitionOut> {
  const { store } = ctx.broker;
  if (!allowed(ctx, 'DELETE', 'TOPIC', topicName)) return answer(partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  const topic = store.topic(topicName);
  if (topic === undefined || partition < 0 || partition >= topic.partitions) return answer(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (INTERNAL_TOPICS.has(topicName)) return answer(partition, ErrorCode.INVALID_TOPIC_EXCEPTION);
  try {
    const log = store.partition(topicName, partition);
    if (!log.config.cleanupPolicy.delete) return answer(partition, ErrorCode.POLICY_VIOLATION);
    const target = offset === HIGH_WATERMARK ? log.highWatermark : Number(offset);
    if (offset < HIGH_WATERMARK || target > log.highWatermark) return answer(partition, ErrorCode.OFFSET_OUT_OF_RANGE);
    if (target > log.logStartOffset) {
      await log.flush();
      log.deleteRecordsBefore(target);
      ctx.log.info({ topic: topicName, partition, logStartOffset: log.logStartOffset }, 'deleted records');
    }
    return answer(partition, ErrorCode.NONE, log.logStartOffset);
  } catch (err) {
    ctx.log.error({ topic: topicName, partition, err }, 'delete records failed');
    return answer(partition, storageErrorCode(err));
  }
}

function answer(partitionIndex: number, errorCode: number, lowWatermark = -1): PartitionOut {
  return { partitionIndex, errorCode, lowWatermark: BigInt(lowWatermark) };
}
