/**
 * ConsumerGroupDescribe (key 69), v0: KIP-848 groups with each member's current and target assignment.
 * A classic or unknown group answers GROUP_ID_NOT_FOUND. Not implemented: authorized operations.
 */
import { ApiKey, type ConsumerGroupDescribeRequest, type ConsumerGroupDescribeResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { TopicPartitions } from '../../group/types.js';

export const consumerGroupDescribeHandler = defineHandler(ApiKey.ConsumerGroupDescribe, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: ConsumerGroupDescribeRequest, ctx: RequestContext): ConsumerGroupDescribeResponseInput {
    const { groups, store } = ctx.broker;
    const wire = (tp: TopicPartitions) => ({
      topicPartitions: [...tp].flatMap(([name, partitions]) => {
        const t = store.topic(name);
        return t === undefined ? [] : [{ topicId: t.id, topicName: name, partitions }];
      }),
    });
    return {
      throttleTimeMs: 0,
      // A group named twice is described once (no amplification by repetition).
      groups: [...new Set(req.groupIds)].map((groupId) => {
        const g = groups.groups.get(groupId);
        if (!allowed(ctx, 'DESCRIBE', 'GROUP', groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [] };
        if (g === undefined || g.kind !== 'consumer') {
          return {
            errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} ${g === undefined ? 'not found' : 'is not a consumer group'}.`,
            groupId, groupState: 'Dead', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [],
          };
        }
        return {
          errorCode: ErrorCode.NONE, errorMessage: null, groupId, groupState: g.state, groupEpoch: g.groupEpoch,
          assignmentEpoch: g.assignmentEpoch, assignorName: g.assignorName,
          members: [...g.members.values()].map((m) => ({
            memberId: m.memberId, instanceId: m.instanceId, rackId: m.rackId, memberEpoch: m.memberEpoch,
            clientId: m.clientId, clientHost: m.clientHost, subscribedTopicNames: m.subscribedTopicNames,
            subscribedTopicRegex: m.subscribedTopicRegex, assignment: wire(g.assignedOf(m)), targetAssignment: wire(g.targetOf(m.memberId)),
          })),
        };
      }),
    };
  },
});
