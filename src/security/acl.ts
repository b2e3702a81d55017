/**
 * The broker's rules on Kafka's ACL model (codes, bindings and filters: src/protocol/acl.ts): which
 * operations each resource type has, which bindings CreateAcls stores, which bindings a filter matches,
 * and which bindings apply to a resource.
 */
import {
  AclOperation, CLUSTER_NAME, PatternType, PermissionType, ResourceType, WILDCARD, type AclBinding, type AclFilter,
} from '../protocol/acl.js';

export {
  AclOperation, CLUSTER_NAME, PatternType, PermissionType, ResourceType, WILDCARD,
  type AclBinding, type AclFilter, type OperationName, type ResourceTypeName,
} from '../protocol/acl.js';

/** Operations that make sense per resource type (Kafka's AclEntry.supportedOperations), for authorized-operations bit sets. */
export const SUPPORTED_OPERATIONS: Record<number, readonly number[]> = {
  [ResourceType.TOPIC]: [3, 4, 5, 6, 7, 8, 10, 11],
  [ResourceType.GROUP]: [3, 6, 8],
  [ResourceType.CLUSTER]: [5, 7, 8, 9, 10, 11, 12],
  [ResourceType.TRANSACTIONAL_ID]: [4, 8, 15],
  [ResourceType.DELEGATION_TOKEN]: [8],
  [ResourceType.USER]: [13, 14],
};

/** Why a binding cannot be stored, or undefined when it can (Kafka's CreateAcls validation). */
export function invalidBinding(b: AclBinding): string | undefined {
  if (!(b.resourceType in SUPPORTED_OPERATIONS)) return 'Invalid resource type';
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return 'Invalid pattern type';
  if (b.operation < AclOperation.ALL || b.operation > AclOperation.TWO_PHASE_COMMIT) return 'Invalid operation';
  if (b.permissionType !== PermissionType.ALLOW && b.permissionType !== PermissionType.DENY) return 'Invalid permission type';
  if (b.resourceName === '') return 'Resource name must not be empty';
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (b.patternType === PatternType.PREFIXED && b.resourceName === WILDCARD) return 'A PREFIXED pattern cannot be the wildcard';
  if (!/^[A-Za-z]+:.+$/s.test(b.principal)) return `Could not parse principal from \`${b.principal.slice(0, 64)}\` (no colon is found)`;
  if (b.host === '') return 'Host must not be empty';
  return undefined;
}

/** Does the binding match the filter (DescribeAcls, DeleteAcls)? */
export function matchesFilter(b: AclBinding, f: AclFilter): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permissionType !== PermissionType.ANY && f.permissionType !== b.permissionType) return false;
  // MATCH: every binding that applies to the named resource, as the authorizer finds them.
  if (f.patternType === PatternType.MATCH) return f.resourceName === null || appliesTo(b, f.resourceName);
  if (f.patternType !== PatternType.ANY && f.patternType !== b.patternType) return false;
  return f.resourceName === null || f.resourceName === b.resourceName;
}

/** Why a filter is unusable (DeleteAcls/DescribeAcls answer INVALID_REQUEST), or undefined. */
export function invalidFilter(f: AclFilter): string | undefined {
  if (f.resourceType === ResourceType.UNKNOWN || f.operation === AclOperation.UNKNOWN || f.permissionType === PermissionType.UNKNOWN || f.patternType === PatternType.UNKNOWN) {
    return 'Filter contains UNKNOWN elements';
  }
  return undefined;
}

/** Does the binding's pattern cover the resource name? LITERAL: the same name or the wildcard; PREFIXED: a prefix of it. */
export function appliesTo(b: AclBinding, name: string): boolean {
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD;
  return name.startsWith(b.resourceName);
}

export function bindingKey(b: AclBinding): string {
  return JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);
}
