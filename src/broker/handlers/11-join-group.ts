/**
 * JoinGroup (key 11), v0-9: classic groups. KIP-394 (v4+: a new member first gets MEMBER_ID_REQUIRED
 * with its id), KIP-345 static members (v5+), skipAssignment for a static leader rejoining (v9+).
 * v0-1 are below Kafka 4.0's floor (KIP-896) but kept: clients still shipped by distributions (Sarama 1.22
 * in Debian) join with v1, and v0 only lacks the rebalance timeout (the session timeout stands in).
 * The response is sent when the rebalance completes (the request is parked until then).
 */
import { ApiKey, type JoinGroupRequest, type JoinGroupResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { clientHost, code } from './group-common.js';

export const joinGroupHandler = defineHandler(ApiKey.JoinGroup, {
  minVersion: 0,
  maxVersion: 9,
  async handle(req: JoinGroupRequest, ctx: RequestContext): Promise<JoinGroupResponseInput> {
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolName: ctx.version >= 7 ? null : '', leader: '', memberId: req.memberId, members: [] };
    const r = await ctx.broker.groups.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx),
      requireKnownMemberId: ctx.version >= 4,
      supportsSkipAssignment: ctx.version >= 9,
    });
    return {
      throttleTimeMs: 0,
      errorCode: code(r.error),
      generationId: r.generationId,
      protocolType: r.protocolType,
      // Before v7 the protocol name is not nullable: an error answers an empty string.
      protocolName: r.protocolName ?? (ctx.version >= 7 ? null : ''),
      leader: r.leader,
      skipAssignment: r.skipAssignment,
      memberId: r.memberId,
      members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});
