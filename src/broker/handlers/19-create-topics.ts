/**
 * CreateTopics (key 19), v0-7 (v0-1: Kafka 3.9's, for older clients). Replication factor must be 1 (or -1 = default): this is one broker.
 * Manual replica assignments are accepted when every replica is this broker. validateOnly checks without creating.
 * Answers once the created topics' metadata is fsynced (the store syncs new topics in the background, in batches).
 */
import { ApiKey, type CreateTopicsRequest, type CreateTopicsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { INTERNAL_TOPICS, partitionsOverLimit, storageErrorCode } from '../topic-access.js';
import { checkTopicConfig, checkTopicName, effectiveTopicConfigs } from '../topic-configs.js';

type Result = NonNullable<CreateTopicsResponseInput['topics']>[number];
type Wanted = CreateTopicsRequest['topics'][number];

export const createTopicsHandler = defineHandler(ApiKey.CreateTopics, {
  minVersion: 0,
  maxVersion: 7,
  async handle(req: CreateTopicsRequest, ctx: RequestContext): Promise<CreateTopicsResponseInput> {
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics = req.topics.map((t): Result => {
      if (seen.get(t.name)! > 1) return fail(t.name, ErrorCode.INVALID_REQUEST, `Create topics request from client contains a duplicate topic: ${t.name}`);
      return createOne(t, req.validateOnly, ctx);
    });
    const created = req.validateOnly ? [] : topics.filter((t) => t.errorCode === ErrorCode.NONE).map((t) => t.name!);
    try {
      await ctx.broker.store.topicsDurable(created);
    } catch (err) {
      ctx.log.error({ err, topics: created.length }, 'fsync of new topics failed');
      for (const t of topics) {
        if (created.includes(t.name!)) Object.assign(t, fail(t.name!, ErrorCode.KAFKA_STORAGE_ERROR, 'could not make the topic durable'));
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});

function createOne(t: Wanted, validateOnly: boolean, ctx: RequestContext): Result {
  const { broker } = ctx;
  if (!allowed(ctx, 'CREATE', 'CLUSTER') && !allowed(ctx, 'CREATE', 'TOPIC', t.name)) return fail(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
  const nameError = checkTopicName(t.name);
  if (nameError !== null) return fail(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
  if (broker.store.topic(t.name) !== undefined) return fail(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
  // The coordinator creates __consumer_offsets on first use with the layout it needs (compacted,
  // offsets.topic.num.partitions); a user-made one could break that, so the name is reserved.
  if (INTERNAL_TOPICS.has(t.name)) return fail(t.name, ErrorCode.INVALID_REQUEST, `Topic '${t.name}' is internal: the broker creates it.`);
  let partitions = t.numPartitions;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return fail(t.name, ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    const bad = t.assignments.find((a, i) => a.partitionIndex !== i || a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId);
    if (bad !== undefined) return fail(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignment must place partitions 0..n-1 on broker ${broker.nodeId} only.`);
    partitions = t.assignments.length;
  }
  if (partitions === -1) partitions = broker.config.int('num.partitions');
  if (partitions < 1) return fail(t.name, ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
  const overLimit = partitionsOverLimit(broker, partitions);
  if (overLimit !== null) return fail(t.name, ErrorCode.INVALID_PARTITIONS, overLimit);
  const rf = t.replicationFactor === -1 ? broker.config.int('default.replication.factor') : t.replicationFactor;
  if (t.assignments.length === 0 && rf !== 1) {
    return fail(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only 1 broker(s) are registered.`);
  }
  const configs: Record<string, string> = {};
  for (const c of t.configs) {
    const problem = checkTopicConfig(c.name, c.value);
    if (problem !== null) return fail(t.name, ErrorCode.INVALID_CONFIG, problem);
    configs[c.name] = c.value!;
  }
  let topicId = '00000000-0000-0000-0000-000000000000';
  if (!validateOnly) {
    try {
      topicId = broker.store.createTopic(t.name, partitions, configs).id;
    } catch (err) {
      return fail(t.name, storageErrorCode(err), (err as Error).message);
    }
    ctx.log.info({ topic: t.name, partitions, configs }, 'created topic');
  }
  return {
    name: t.name, topicId, errorCode: ErrorCode.NONE, errorMessage: null,
    numPartitions: partitions, replicationFactor: 1,
    configs: effectiveTopicConfigs(configs, broker.config).map((c) => ({
      name: c.name, value: c.value, readOnly: false, isSensitive: false,
      configSource: c.source,
    })),
  };
}

function fail(name: string, errorCode: number, errorMessage: string): Result {
  // Kafka answers a failed topic with an empty configs array, not null (FINDINGS.md F1).
  return { name, topicId: '00000000-0000-0000-0000-000000000000', errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: [] };
}
