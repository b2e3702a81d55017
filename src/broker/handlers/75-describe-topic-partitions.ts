/**
 * DescribeTopicPartitions (key 75, KIP-966), v0: what Kafka 3.8+ admin clients use to describe topics.
 * Topics in name order (an empty list: every topic), each partition led by this node in epoch 0 with one
 * in-sync replica, paged by responsePartitionLimit (at most 2000, Kafka's default limit) with a cursor.
 * An unknown topic answers UNKNOWN_TOPIC_OR_PARTITION; a cursor whose topic is not among those asked
 * for, or with a negative partition, answers INVALID_REQUEST for every topic, as Kafka does.
 * ACLs: DESCRIBE on the topic; a named topic without it answers TOPIC_AUTHORIZATION_FAILED (before its
 * existence is checked), and the every-topic listing leaves it out.
 */
import { ApiKey, type DescribeTopicPartitionsRequest, type DescribeTopicPartitionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { INTERNAL_TOPICS } from '../topic-access.js';

type TopicOut = NonNullable<DescribeTopicPartitionsResponseInput['topics']>[number];

const PARTITIONS_PER_RESPONSE_MAX = 2000;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export const describeTopicPartitionsHandler = defineHandler(ApiKey.DescribeTopicPartitions, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: DescribeTopicPartitionsRequest, ctx: RequestContext): DescribeTopicPartitionsResponseInput {
    const { store, nodeId } = ctx.broker;
    const cursor = req.cursor;
    const from = cursor?.topicName ?? '';
    const all = req.topics.length === 0;
    const names = new Set<string>();
    if (all) for (const t of store.topics()) names.add(t.name);
    else for (const t of req.topics) names.add(t.name);
    const invalid = (why: string): DescribeTopicPartitionsResponseInput => {
      ctx.log.debug({ why }, 'DescribeTopicPartitions refused');
      return {
        throttleTimeMs: 0, nextCursor: null,
        topics: [...names].map((name) => ({ errorCode: ErrorCode.INVALID_REQUEST, name, topicId: ZERO_UUID, isInternal: false, partitions: [] })),
      };
    };
    if (cursor !== null && !all && !names.has(cursor.topicName)) return invalid('the topic list does not name the cursor topic');
    if (cursor !== null && cursor.partitionIndex < 0) return invalid('the cursor partition must be valid');
    const sorted = [...names].filter((n) => n >= from).sort();
    let budget = Math.max(1, Math.min(PARTITIONS_PER_RESPONSE_MAX, req.responsePartitionLimit));
    const topics: TopicOut[] = [];
    let nextCursor: DescribeTopicPartitionsResponseInput['nextCursor'] = null;
    for (const name of sorted) {
      if (!allowed(ctx, 'DESCRIBE', 'TOPIC', name)) {
        if (!all) topics.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: ZERO_UUID, isInternal: false, partitions: [] });
        continue;
      }
      const t = store.topic(name);
      if (t === undefined) {
        if (!all) topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: [] });
        continue;
      }
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const start = cursor !== null && name === cursor.topicName ? cursor.partitionIndex : 0;
      const partitions = [];
      let p = start;
      for (; p < t.partitions && budget > 0; p++, budget--) {
        partitions.push({
          errorCode: ErrorCode.NONE, partitionIndex: p, leaderId: nodeId, leaderEpoch: 0, replicaNodes: [nodeId], isrNodes: [nodeId],
          eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [],
        });
      }
      topics.push({ errorCode: ErrorCode.NONE, name, topicId: t.id, isInternal: INTERNAL_TOPICS.has(name), partitions });
      if (p < t.partitions) {
        nextCursor = { topicName: name, partitionIndex: p };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
});
