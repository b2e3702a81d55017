/**
 * CreateAcls (key 30), v0-3: adds bindings (LITERAL or PREFIXED; v0 is LITERAL only), persisted before
 * the answer. Needs ALTER on the cluster. Each creation is validated on its own (INVALID_REQUEST with
 * the reason); with no authorizer configured every creation answers SECURITY_DISABLED.
 */
import { ApiKey, type CreateAclsRequest, type CreateAclsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { invalidBinding, type AclBinding } from '../../security/acl.js';
import { aclBindingFromWire } from '../../protocol/acl.js';

export const createAclsHandler = defineHandler(ApiKey.CreateAcls, {
  minVersion: 0,
  maxVersion: 3,
  handle(req: CreateAclsRequest, ctx: RequestContext): CreateAclsResponseInput {
    const authorizer = ctx.broker.security.authorizer;
    const all = (errorCode: number, errorMessage: string): CreateAclsResponseInput => ({
      throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })),
    });
    if (authorizer === undefined) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!allowed(ctx, 'ALTER', 'CLUSTER')) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    const valid: AclBinding[] = [];
    const results = req.creations.map((c) => {
      const b = aclBindingFromWire(c, ctx.version);
      const why = invalidBinding(b);
      if (why !== undefined) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
      valid.push(b);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    });
    authorizer.create(valid);
    return { throttleTimeMs: 0, results };
  },
});
