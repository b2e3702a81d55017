/**
 * SyncGroup (key 14), v0-5: the leader's assignment goes to every member. Followers wait for it.
 * A leader assignment that names a partition twice (consumer protocol) is refused with
 * INCONSISTENT_GROUP_PROTOCOL and the group rebalances (the golden rule; Kafka itself trusts the leader).
 */
import { ApiKey, type SyncGroupRequest, type SyncGroupResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const syncGroupHandler = defineHandler(ApiKey.SyncGroup, {
  minVersion: 0,
  maxVersion: 5,
  async handle(req: SyncGroupRequest, ctx: RequestContext): Promise<SyncGroupResponseInput> {
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    const r = await ctx.broker.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: req.protocolType,
      protocolName: req.protocolName,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return { throttleTimeMs: 0, errorCode: code(r.error), protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
  },
});
