/** CreatePartitions (key 37), v0-3: grows a topic; manual assignments must name this broker only; internal topics are refused. */
import { ApiKey, type CreatePartitionsRequest, type CreatePartitionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { internalTopicWriteRefusal, partitionsOverLimit, storageErrorCode } from '../topic-access.js';

type Result = NonNullable<CreatePartitionsResponseInput['results']>[number];
type Wanted = CreatePartitionsRequest['topics'][number];

export const createPartitionsHandler = defineHandler(ApiKey.CreatePartitions, {
  minVersion: 0,
  maxVersion: 3,
  handle(req: CreatePartitionsRequest, ctx: RequestContext): CreatePartitionsResponseInput {
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    return {
      throttleTimeMs: 0,
      results: req.topics.map((t) => counts.get(t.name)! > 1
        ? { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' }
        : growOne(t, req.validateOnly, ctx)),
    };
  },
});

function growOne(t: Wanted, validateOnly: boolean, ctx: RequestContext): Result {
  const { broker } = ctx;
  if (!allowed(ctx, 'ALTER', 'TOPIC', t.name)) return { name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
  const topic = broker.store.topic(t.name);
  if (topic === undefined) return { name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${t.name}' does not exist.` };
  // More partitions would move groups to other partitions than their earlier records (see offsets-topic.ts).
  if (internalTopicWriteRefusal(t.name) !== null) return { name: t.name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Topic '${t.name}' is internal: its partition count is the broker's.` };
  if (t.count <= topic.partitions) {
    return {
      name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: t.count === topic.partitions
        ? `Topic already has ${topic.partitions} partitions.`
        : `Topic currently has ${topic.partitions} partitions, which is higher than the requested ${t.count}.`,
    };
  }
  const overLimit = partitionsOverLimit(broker, t.count - topic.partitions);
  if (overLimit !== null) return { name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: overLimit };
  if (t.assignments !== null) {
    const added = t.count - topic.partitions;
    const ok = t.assignments.length === added && t.assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === broker.nodeId);
    if (!ok) return { name: t.name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Assignments must place each new partition on broker ${broker.nodeId} only.` };
  }
  if (!validateOnly) {
    try {
      broker.store.createPartitions(t.name, t.count);
    } catch (err) {
      return { name: t.name, errorCode: storageErrorCode(err), errorMessage: (err as Error).message };
    }
    ctx.log.info({ topic: t.name, partitions: t.count }, 'added partitions');
  }
  return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
}
