/**
 * DescribeGroups (key 15), v0-5: classic groups. Member metadata and assignments only when Stable, as
 * Kafka does; an unknown or KIP-848 group is described as Dead with no error (v0-5 semantics).
 * Not implemented: authorized operations (always "not requested": no ACLs here).
 */
import { ApiKey, type DescribeGroupsRequest, type DescribeGroupsResponseInput } from '../../protocol/generated/index.js';
import { allowed, authorizedOperations, AUTHORIZED_OPERATIONS_OMITTED } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code } from './group-common.js';

export const describeGroupsHandler = defineHandler(ApiKey.DescribeGroups, {
  minVersion: 0,
  maxVersion: 5,
  handle(req: DescribeGroupsRequest, ctx: RequestContext): DescribeGroupsResponseInput {
    return {
      throttleTimeMs: 0,
      // A group named twice is described once: the answer grows with the groups, not with repetition.
      groups: ctx.broker.groups.describeGroups([...new Set(req.groups)]).map((g) => (!allowed(ctx, 'DESCRIBE', 'GROUP', g.groupId) ? {
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, groupId: g.groupId, groupState: '', protocolType: '', protocolData: '', members: [],
      } : {
        errorCode: code(g.error),
        groupId: g.groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocolData,
        members: g.members.map((m) => ({
          memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
          memberMetadata: m.metadata, memberAssignment: m.assignment,
        })),
        authorizedOperations: req.includeAuthorizedOperations ? authorizedOperations(ctx, 'GROUP', g.groupId) : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
});
