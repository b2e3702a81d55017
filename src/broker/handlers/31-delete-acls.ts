/**
 * DeleteAcls (key 31), v0-3: removes every binding each filter matches and answers them, persisted
 * before the answer. Needs ALTER on the cluster; with no authorizer: SECURITY_DISABLED per filter.
 */
import { ApiKey, type DeleteAclsRequest, type DeleteAclsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { invalidFilter, type AclFilter } from '../../security/acl.js';
import { aclFilterFromWire } from '../../protocol/acl.js';

export const deleteAclsHandler = defineHandler(ApiKey.DeleteAcls, {
  minVersion: 0,
  maxVersion: 3,
  handle(req: DeleteAclsRequest, ctx: RequestContext): DeleteAclsResponseInput {
    const authorizer = ctx.broker.security.authorizer;
    const all = (errorCode: number, errorMessage: string): DeleteAclsResponseInput => ({
      throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    if (authorizer === undefined) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!allowed(ctx, 'ALTER', 'CLUSTER')) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    const filters: (AclFilter | string)[] = req.filters.map((f) => {
      const filter = aclFilterFromWire(f, ctx.version);
      return invalidFilter(filter) ?? filter;
    });
    const removed = authorizer.delete(filters.filter((f): f is AclFilter => typeof f !== 'string'));
    let next = 0;
    return {
      throttleTimeMs: 0,
      filterResults: filters.map((f) => {
        if (typeof f === 'string') return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: f, matchingAcls: [] };
        return {
          errorCode: ErrorCode.NONE, errorMessage: null,
          matchingAcls: removed[next++]!.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...b })),
        };
      }),
    };
  },
});
