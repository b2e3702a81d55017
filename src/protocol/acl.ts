/**
 * Kafka's ACL model as on the wire (CreateAcls/DescribeAcls/DeleteAcls, authorized-operations bit sets):
 * the codes of resource types, pattern types, operations and permissions, a binding and a filter.
 * One definition for the broker (src/security), our client's Admin and the CLI.
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

/** The one name of the CLUSTER resource. */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL name, principal or host matching every one. */
export const WILDCARD = '*';

/** (resource type, name, pattern LITERAL|PREFIXED) + (principal, host, operation, ALLOW|DENY), as codes. */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** A filter: ANY (1) for a code matches every value, null for a string every string, pattern MATCH (2) every pattern that applies to the name. */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

/** The name of a code in one of the tables above (e.g. 'TRANSACTIONAL_ID'), or the number when unknown. */
export function aclCodeName(table: Readonly<Record<string, number>>, code: number): string {
  for (const [name, c] of Object.entries(table)) if (c === code) return name;
  return String(code);
}

/** A filter as DescribeAcls carries it and each of DeleteAcls' filters. */
export interface AclFilterWire {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

/** A binding as CreateAcls carries it. */
export interface AclCreationWire {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** v0 of CreateAcls, DescribeAcls and DeleteAcls has no pattern type: every binding is LITERAL. */
const patternOf = (code: number, version: number): number => (version >= 1 ? code : PatternType.LITERAL);

export function aclFilterFromWire(f: AclFilterWire, version: number): AclFilter {
  return {
    resourceType: f.resourceTypeFilter, resourceName: f.resourceNameFilter, patternType: patternOf(f.patternTypeFilter, version),
    principal: f.principalFilter, host: f.hostFilter, operation: f.operation, permissionType: f.permissionType,
  };
}

export function aclFilterToWire(f: AclFilter): AclFilterWire {
  return {
    resourceTypeFilter: f.resourceType, resourceNameFilter: f.resourceName, patternTypeFilter: f.patternType,
    principalFilter: f.principal, hostFilter: f.host, operation: f.operation, permissionType: f.permissionType,
  };
}

export function aclBindingFromWire(c: AclCreationWire, version: number): AclBinding {
  return {
    resourceType: c.resourceType, resourceName: c.resourceName, patternType: patternOf(c.resourcePatternType, version),
    principal: c.principal, host: c.host, operation: c.operation, permissionType: c.permissionType,
  };
}

export function aclBindingToWire(b: AclBinding): AclCreationWire {
  return {
    resourceType: b.resourceType, resourceName: b.resourceName, resourcePatternType: b.patternType,
    principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType,
  };
}
