/** LeaveGroup (key 13), v0-5: one member (v0-2) or a batch by member id and/or group.instance.id (v3+). Reasons (v5) are logged only. */
import { ApiKey, type LeaveGroupRequest, type LeaveGroupResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const leaveGroupHandler = defineHandler(ApiKey.LeaveGroup, {
  minVersion: 0,
  maxVersion: 5,
  handle(req: LeaveGroupRequest, ctx: RequestContext): LeaveGroupResponseInput {
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const who = ctx.version >= 3
      ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: req.memberId, groupInstanceId: null }];
    const r = ctx.broker.groups.leaveGroup(req.groupId, who);
    if (ctx.version < 3) return { throttleTimeMs: 0, errorCode: code(r.error !== 'NONE' ? r.error : (r.members[0]?.error ?? 'NONE')), members: [] };
    return {
      throttleTimeMs: 0,
      errorCode: code(r.error),
      members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: code(m.error) })),
    };
  },
});
