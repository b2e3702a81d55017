/** ListGroups (key 16), v0-5: every group, filtered by state (v4+, case-insensitive) and type (v5+: classic/consumer). */
import { ApiKey, type ListGroupsRequest, type ListGroupsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';

export const listGroupsHandler = defineHandler(ApiKey.ListGroups, {
  minVersion: 0,
  maxVersion: 5,
  handle(req: ListGroupsRequest, ctx: RequestContext): ListGroupsResponseInput {
    // ACLs: DESCRIBE on the cluster lists every group, else those the principal may DESCRIBE.
    const all = allowed(ctx, 'DESCRIBE', 'CLUSTER');
    const groups = ctx.broker.groups.listGroups(req.statesFilter, req.typesFilter).filter((g) => all || allowed(ctx, 'DESCRIBE', 'GROUP', g.groupId));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.type })),
    };
  },
});
