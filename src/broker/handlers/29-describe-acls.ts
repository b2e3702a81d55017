/**
 * DescribeAcls (key 29), v0-3: the ACL bindings a filter matches, grouped by resource pattern. Needs
 * DESCRIBE on the cluster. With no authorizer configured: SECURITY_DISABLED, as Kafka answers.
 */
import { ApiKey, type DescribeAclsRequest, type DescribeAclsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { invalidFilter, type AclBinding } from '../../security/acl.js';
import { aclFilterFromWire } from '../../protocol/acl.js';

export const describeAclsHandler = defineHandler(ApiKey.DescribeAcls, {
  minVersion: 0,
  maxVersion: 3,
  handle(req: DescribeAclsRequest, ctx: RequestContext): DescribeAclsResponseInput {
    const authorizer = ctx.broker.security.authorizer;
    const fail = (errorCode: number, errorMessage: string): DescribeAclsResponseInput => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    if (authorizer === undefined) return fail(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER')) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    const filter = aclFilterFromWire(req, ctx.version);
    const why = invalidFilter(filter);
    if (why !== undefined) return fail(ErrorCode.INVALID_REQUEST, why);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: groupByResource(authorizer.acls(filter)) };
  },
});

function groupByResource(bindings: AclBinding[]): NonNullable<DescribeAclsResponseInput['resources']> {
  const byPattern = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>();
  for (const b of bindings) {
    const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
    let r = byPattern.get(key);
    if (r === undefined) byPattern.set(key, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
    r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
  }
  return [...byPattern.values()];
}
