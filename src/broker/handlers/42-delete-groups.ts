/** DeleteGroups (key 42), v0-2: an empty group's offsets and metadata are tombstoned (fsynced) and the group forgotten. */
import { ApiKey, type DeleteGroupsRequest, type DeleteGroupsResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const deleteGroupsHandler = defineHandler(ApiKey.DeleteGroups, {
  minVersion: 0,
  maxVersion: 2,
  async handle(req: DeleteGroupsRequest, ctx: RequestContext): Promise<DeleteGroupsResponseInput> {
    const denied = new Set(req.groupsNames.filter((g) => !allowed(ctx, 'DELETE', 'GROUP', g)));
    const results = await ctx.broker.groups.deleteGroups(req.groupsNames.filter((g) => !denied.has(g)));
    return { throttleTimeMs: 0, results: [...results.map((r) => ({ groupId: r.groupId, errorCode: code(r.error) })), ...[...denied].map((groupId) => ({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }))] };
  },
});
