/**
 * The one door handlers go through for ACL checks: `allowed(ctx, 'WRITE', 'TOPIC', name)`. With no
 * authorizer configured everything is allowed and the check costs one comparison.
 */
import type { RequestContext } from './handler.js';
import { ErrorCode } from '../protocol/errors.js';
import { AclOperation, ResourceType, SUPPORTED_OPERATIONS, CLUSTER_NAME, type OperationName, type ResourceTypeName } from '../security/acl.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../security/authorizer.js';

export { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_NAME };

export function allowed(ctx: RequestContext, operation: OperationName, type: ResourceTypeName, name: string = CLUSTER_NAME): boolean {
  const authorizer = ctx.broker.security.authorizer;
  if (authorizer === undefined) return true;
  const ok = authorizer.authorize(ctx.session.principal, ctx.session.clientHost, AclOperation[operation], ResourceType[type], name);
  if (!ok) ctx.log.debug({ principal: ctx.session.principal.slice(0, 256), operation, resourceType: type, resource: name.slice(0, 256) }, 'denied');
  return ok;
}

/**
 * A DESCRIBE-on-topic check bound to this request's principal, for work that outlives the request
 * (the group coordinator resolving a member's regex subscription); undefined when ACLs are off.
 * Denials are not logged: it runs for every matching topic at every heartbeat.
 */
export function topicDescribeCheck(ctx: RequestContext): ((topic: string) => boolean) | undefined {
  const authorizer = ctx.broker.security.authorizer;
  if (authorizer === undefined) return undefined;
  const { principal, clientHost } = ctx.session;
  return (topic) => authorizer.authorize(principal, clientHost, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
}

/** Kafka's authorized-operations bit set for a resource (every supported operation when ACLs are off). */
export function authorizedOperations(ctx: RequestContext, type: ResourceTypeName, name: string = CLUSTER_NAME): number {
  const authorizer = ctx.broker.security.authorizer;
  const t = ResourceType[type];
  if (authorizer === undefined) return (SUPPORTED_OPERATIONS[t] ?? []).reduce((bits, op) => bits | (1 << op), 0);
  return authorizer.authorizedOperations(ctx.session.principal, ctx.session.clientHost, t, name);
}

/** IDEMPOTENT_WRITE on the cluster, or (Kafka 3+) WRITE on some topic. */
export function allowedIdempotentWrite(ctx: RequestContext): boolean {
  const authorizer = ctx.broker.security.authorizer;
  if (authorizer === undefined) return true;
  return allowed(ctx, 'IDEMPOTENT_WRITE', 'CLUSTER')
    || authorizer.authorizeAnyOfType(ctx.session.principal, ctx.session.clientHost, AclOperation.WRITE, ResourceType.TOPIC);
}

/**
 * Config resources (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs): a topic (2) needs the
 * operation on the topic, a broker (4) on the cluster. Returns the error code to answer, or 0.
 */
export function configResourceDenied(ctx: RequestContext, operation: 'DESCRIBE_CONFIGS' | 'ALTER_CONFIGS', resourceType: number, name: string): number {
  if (resourceType === 2) return allowed(ctx, operation, 'TOPIC', name) ? 0 : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  return allowed(ctx, operation, 'CLUSTER') ? 0 : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}
