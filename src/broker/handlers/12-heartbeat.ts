/** Heartbeat (key 12), v0-4: classic group liveness; REBALANCE_IN_PROGRESS tells the member to rejoin. */
import { ApiKey, type HeartbeatRequest, type HeartbeatResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const heartbeatHandler = defineHandler(ApiKey.Heartbeat, {
  minVersion: 0,
  maxVersion: 4,
  handle(req: HeartbeatRequest, ctx: RequestContext): HeartbeatResponseInput {
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const error = ctx.broker.groups.heartbeat({ groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId });
    return { throttleTimeMs: 0, errorCode: code(error) };
  },
});
