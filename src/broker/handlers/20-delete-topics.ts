/** DeleteTopics (key 20), v0-6: by name, and by topic id from v6. Parked fetches on a deleted topic are woken. */
import { ApiKey, type DeleteTopicsRequest, type DeleteTopicsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { partitionKey } from '../fetch-purgatory.js';
import { INTERNAL_TOPICS, storageErrorCode } from '../topic-access.js';

type Result = NonNullable<DeleteTopicsResponseInput['responses']>[number];
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export const deleteTopicsHandler = defineHandler(ApiKey.DeleteTopics, {
  minVersion: 0,
  maxVersion: 6,
  handle(req: DeleteTopicsRequest, ctx: RequestContext): DeleteTopicsResponseInput {
    const wanted = ctx.version >= 6
      ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : req.topicNames.map((name) => ({ name: name as string | null, topicId: ZERO_UUID }));
    return { throttleTimeMs: 0, responses: wanted.map((w) => deleteOne(w.name, w.topicId, ctx)) };
  },
});

function deleteOne(name: string | null, topicId: string, ctx: RequestContext): Result {
  const { broker } = ctx;
  const byId = name === null || name === '';
  const topic = byId ? broker.store.topicById(topicId) : broker.store.topic(name);
  if (topic === undefined) {
    return byId
      ? { name: null, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' }
      : { name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' };
  }
  const result = { name: topic.name, topicId: topic.id };
  if (!allowed(ctx, 'DELETE', 'TOPIC', topic.name)) return { ...result, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
  if (!broker.config.bool('delete.topic.enable')) {
    return { ...result, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled.' };
  }
  if (INTERNAL_TOPICS.has(topic.name)) {
    return { ...result, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Internal topics cannot be deleted.' };
  }
  try {
    broker.store.deleteTopic(topic.name);
  } catch (err) {
    return { ...result, errorCode: storageErrorCode(err), errorMessage: (err as Error).message };
  }
  for (let p = 0; p < topic.partitions; p++) broker.purgatory.wakeKey(partitionKey(topic.name, p));
  ctx.log.info({ topic: topic.name, topicId: topic.id }, 'deleted topic');
  return { ...result, errorCode: ErrorCode.NONE, errorMessage: null };
}
