/**
 * Metadata (key 3), v0-12 (v13's layout, KIP-1102, is in our schema but unconfirmed and used by no client we test, so not advertised). One broker leads every partition (leader epoch 0, one replica).
 * Topics are auto-created when `auto.create.topics.enable` and the request allows it (v4+ flag; always for v0-3).
 * The requested topics are a set, as in Kafka (KafkaApis takes `topics.toSet`): a topic named twice,
 * by name or by id, is answered once, so the answer is bounded by the partitions that exist, never by
 * repetition. One request auto-creates at most `minikafka.auto.create.topics.per.request.max` topics
 * (default 16): the rest answer UNKNOWN_TOPIC_OR_PARTITION without being created, which clients retry,
 * and each retry creates the next ones. Kafka has no such count; its controller mutation quota
 * (KIP-599) is what keeps a flood of creations from stalling it. A creation costs milliseconds (files,
 * fsync: ~6 ms on our CI machine), so Metadata creates one topic per macrotask and other connections
 * are served in between (a request naming 10,000 unknown topics once froze the broker for 35 s).
 * ACLs: all-topics answers list only topics the principal may DESCRIBE; a named one it may not is
 * TOPIC_AUTHORIZATION_FAILED; auto-creation needs CREATE on the cluster or the topic; authorized
 * operations are filled when asked for (v8+).
 */
import { ApiKey, type MetadataRequest, type MetadataResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { Topic } from '../../storage/topic-store.js';
import { INTERNAL_TOPICS, autoCreateTopicsYielding, lookupOrCreateTopic } from '../topic-access.js';
import { allowed, authorizedOperations, AUTHORIZED_OPERATIONS_OMITTED } from '../authz.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
type TopicOut = NonNullable<MetadataResponseInput['topics']>[number];

export const metadataHandler = defineHandler(ApiKey.Metadata, {
  minVersion: 0,
  maxVersion: 12,
  handle(req: MetadataRequest, ctx: RequestContext): MetadataResponseInput | Promise<MetadataResponseInput> {
    const missing = topicsToAutoCreate(req, ctx);
    if (missing.length === 0) return answer(req, ctx);
    return autoCreateTopicsYielding(ctx.broker, missing, ctx).then(() => answer(req, ctx));
  },
});

/** Names the request would auto-create (distinct, unknown), at most the request's bound. */
function topicsToAutoCreate(req: MetadataRequest, ctx: RequestContext): string[] {
  const { broker, version } = ctx;
  if (req.topics === null || !(version < 4 || req.allowAutoTopicCreation) || !broker.config.bool('auto.create.topics.enable')) return [];
  const names = new Set<string>();
  for (const t of req.topics) {
    if (names.size >= broker.limits.autoCreatedTopicsPerRequestMax) break;
    if (t.name !== null && t.name !== '' && !INTERNAL_TOPICS.has(t.name) && broker.store.topic(t.name) === undefined && mayCreate(ctx, t.name)) names.add(t.name);
  }
  return [...names];
}

function answer(req: MetadataRequest, ctx: RequestContext): MetadataResponseInput {
  const { broker, version } = ctx;
  const allTopics = req.topics === null || (version === 0 && req.topics.length === 0);
  const topics: TopicOut[] = [];
  if (allTopics) {
    for (const t of broker.store.topics()) if (allowed(ctx, 'DESCRIBE', 'TOPIC', t.name)) topics.push(describe(t, req, ctx));
  } else {
    const seenNames = new Set<string>();
    const seenIds = new Set<string>();
    for (const wanted of req.topics!) {
      if (wanted.name === null || wanted.name === '') {
        const id = wanted.topicId.toLowerCase();
        if (seenIds.has(id)) continue;
        seenIds.add(id);
        const t = broker.store.topicById(wanted.topicId);
        topics.push(t !== undefined ? describeIfAllowed(t, req, ctx) : {
          errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: wanted.topicId, partitions: [],
        });
        continue;
      }
      if (seenNames.has(wanted.name)) continue;
      seenNames.add(wanted.name);
      if (!allowed(ctx, 'DESCRIBE', 'TOPIC', wanted.name)) {
        topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: wanted.name, topicId: ZERO_UUID, partitions: [] });
        continue;
      }
      const found = lookupOrCreateTopic(broker, wanted.name, (version < 4 || req.allowAutoTopicCreation) && mayCreate(ctx, wanted.name), ctx);
      topics.push(typeof found === 'number'
        ? { errorCode: found, name: wanted.name, topicId: ZERO_UUID, partitions: [] }
        : describe(found, req, ctx));
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: ctx.session.listener.advertised.host, port: ctx.session.listener.advertised.port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    errorCode: ErrorCode.NONE,
    clusterAuthorizedOperations: version <= 10 && req.includeClusterAuthorizedOperations ? authorizedOperations(ctx, 'CLUSTER') : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function mayCreate(ctx: RequestContext, topic: string): boolean {
  return allowed(ctx, 'CREATE', 'CLUSTER') || allowed(ctx, 'CREATE', 'TOPIC', topic);
}

function describeIfAllowed(topic: Topic, req: MetadataRequest, ctx: RequestContext): TopicOut {
  if (allowed(ctx, 'DESCRIBE', 'TOPIC', topic.name)) return describe(topic, req, ctx);
  return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: null, topicId: topic.id, partitions: [] };
}

function describe(topic: Topic, req: MetadataRequest, ctx: RequestContext): TopicOut {
  const nodeId = ctx.broker.nodeId;
  // The replica lists are the same for every partition and only read by the encoder: shared, so a
  // 100,000-partition answer allocates one object per partition, not four.
  const replicas = [nodeId];
  const none: number[] = [];
  const partitions = new Array(topic.partitions);
  for (let i = 0; i < topic.partitions; i++) {
    partitions[i] = {
      errorCode: ErrorCode.NONE, partitionIndex: i, leaderId: nodeId, leaderEpoch: 0,
      replicaNodes: replicas, isrNodes: replicas, offlineReplicas: none,
    };
  }
  return {
    errorCode: ErrorCode.NONE, name: topic.name, topicId: topic.id,
    isInternal: INTERNAL_TOPICS.has(topic.name), partitions,
    topicAuthorizedOperations: req.includeTopicAuthorizedOperations ? authorizedOperations(ctx, 'TOPIC', topic.name) : AUTHORIZED_OPERATIONS_OMITTED,
  };
}
