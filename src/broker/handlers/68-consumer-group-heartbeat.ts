/**
 * ConsumerGroupHeartbeat (key 68), v0-1 (KIP-848): join (epoch 0), heartbeat, leave (-1; -2 for a static
 * member's temporary leave); server-side assignors 'uniform' (default) and 'range'; topic-name and regex
 * (v1) subscriptions (RE2 syntax and a full match of the name as in Kafka, at most 1000 chars, else
 * INVALID_REGULAR_EXPRESSION: see group/topic-regex.ts). v0 members get a broker-generated id; v1
 * members bring their own (KIP-1082). ACLs: READ on the group; subscribing by name to a topic the principal
 * may not describe answers TOPIC_AUTHORIZATION_FAILED, as KafkaApis does; a regex resolves only to topics
 * the member's principal may describe (KAFKA-18813), rechecked at each of its heartbeats.
 * Not implemented: rack-aware assignment, client-side assignors, classic↔consumer online migration.
 */
import { ApiKey, type ConsumerGroupHeartbeatRequest, type ConsumerGroupHeartbeatResponseInput } from '../../protocol/generated/index.js';
import { allowed, topicDescribeCheck } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { clientHost, code } from './group-common.js';

export const consumerGroupHeartbeatHandler = defineHandler(ApiKey.ConsumerGroupHeartbeat, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: ConsumerGroupHeartbeatRequest, ctx: RequestContext): ConsumerGroupHeartbeatResponseInput {
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, memberId: req.memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    if (req.subscribedTopicNames !== null && req.subscribedTopicNames.some((t) => !allowed(ctx, 'DESCRIBE', 'TOPIC', t))) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, memberId: req.memberId, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    }
    const r = ctx.broker.groups.consumerGroupHeartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex,
      serverAssignor: req.serverAssignor,
      topicPartitions: req.topicPartitions === null ? null : req.topicPartitions.map((tp) => ({ topicId: tp.topicId, partitions: tp.partitions })),
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx),
      clientGeneratesMemberId: ctx.version >= 1,
      topicVisible: topicDescribeCheck(ctx),
    });
    return {
      throttleTimeMs: 0,
      errorCode: code(r.error),
      errorMessage: r.errorMessage,
      memberId: r.memberId,
      memberEpoch: r.memberEpoch,
      heartbeatIntervalMs: r.heartbeatIntervalMs,
      assignment: r.assignment === null ? null : { topicPartitions: r.assignment },
    };
  },
});
