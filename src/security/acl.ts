/**
 * Kafka's ACL model: codes as on the wire (DescribeAcls/CreateAcls/DeleteAcls), bindings, and filters.
 * A binding is (resource type, name, pattern LITERAL|PREFIXED) + (principal, host, operation, ALLOW|DENY).
 * A filter may say ANY for each code, MATCH for the pattern (every pattern that would apply to the name),
 * and null for any string.
 */

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const AclOperation = {
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14, TWO_PHASE_COMMIT: 15,
} as const;
export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceTypeName = Exclude<keyof typeof ResourceType, 'UNKNOWN' | 'ANY'>;
export type OperationName = Exclude<keyof typeof AclOperation, 'UNKNOWN' | 'ANY'>;

export const CLUSTER_NAME = 'kafka-cluster';
export const WILDCARD = '*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

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
  if (f.patternType === PatternType.MATCH) {
    // Every binding that applies to the named resource: literal equal or wildcard, or a prefix of it.
    if (f.resourceName === null) return true;
    if (b.patternType === PatternType.LITERAL) return b.resourceName === f.resourceName || b.resourceName === WILDCARD;
    return f.resourceName.startsWith(b.resourceName);
  }
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

export function bindingKey(b: AclBinding): string {
  return JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);
}
