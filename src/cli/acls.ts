/** `minikafka acls add|list|remove`: CreateAcls, DescribeAcls and DeleteAcls with Kafka's names (kafka-acls.sh's vocabulary). */
import { UsageError, option } from './args.js';
import type { CommandArgs, CommandGroup, CommandSpec } from './command.js';
import { withAdmin } from './kafka.js';
import { emit, renderTable } from './output.js';
import {
  AclOperation, AclPatternType, AclPermissionType, AclResourceType, aclCodeName, type AclBinding, type AclBindingFilter,
} from '../client/index.js';

/** A code by its CLI spelling: the wire name in lower case with dashes (transactional-id, describe-configs). */
function pick(table: Readonly<Record<string, number>>, value: string, what: string): number {
  const code = table[value.toUpperCase().replace(/-/g, '_')];
  if (code === undefined || code === 0) throw new UsageError(`unknown ${what} '${value}'`);
  return code;
}

const resourceOptions = [
  { name: 'topic', arg: 'NAME', help: 'a topic (with --resource-pattern-type prefixed: a prefix; * for every topic)' },
  { name: 'group', arg: 'NAME', help: 'a consumer group' },
  { name: 'transactional-id', arg: 'ID', help: 'a transactional id' },
  { name: 'cluster', help: 'the cluster (CreateTopics, ACL management, DescribeCluster...)' },
  { name: 'resource-pattern-type', arg: 'T', help: 'literal (default), prefixed; for list/remove also any or match' },
  { name: 'principal', arg: 'P', help: 'e.g. User:alice (repeatable for add)' },
  { name: 'host', arg: 'H', help: 'client address the ACL applies to (default * for add)' },
  { name: 'operation', arg: 'OP', help: 'read, write, create, delete, alter, describe, describe-configs, alter-configs, idempotent-write, all (repeatable for add)' },
  { name: 'deny', help: 'a DENY ACL (default ALLOW)' },
];

function resource(args: CommandArgs, forFilter: boolean): { type: number; name: string | null } {
  const given = ([['topic', AclResourceType.TOPIC], ['group', AclResourceType.GROUP], ['transactional-id', AclResourceType.TRANSACTIONAL_ID]] as const).filter(([n]) => args.options.has(n));
  const cluster = args.flags.has('cluster');
  if (given.length + (cluster ? 1 : 0) > 1) throw new UsageError('name one resource: --topic, --group, --transactional-id or --cluster');
  if (cluster) return { type: AclResourceType.CLUSTER, name: 'kafka-cluster' };
  if (given.length === 0) {
    if (forFilter) return { type: AclResourceType.ANY, name: null };
    throw new UsageError('name a resource: --topic, --group, --transactional-id or --cluster');
  }
  const [opt, type] = given[0]!;
  return { type, name: args.options.get(opt)!.at(-1)! };
}

const add: CommandSpec = {
  path: ['acls', 'add'],
  summary: 'add ACLs: every --principal × --operation on the resource',
  options: resourceOptions,
  client: true,
  async run(args) {
    const r = resource(args, false);
    const principals = args.options.get('principal') ?? [];
    const operations = args.options.get('operation') ?? [];
    if (principals.length === 0 || operations.length === 0) throw new UsageError('minikafka acls add: --principal and --operation are required');
    const patternType = pick(AclPatternType, option(args, 'resource-pattern-type') ?? 'literal', 'pattern type');
    const acls: AclBinding[] = principals.flatMap((principal) => operations.map((op) => ({
      resourceType: r.type, resourceName: r.name!, patternType, principal, host: option(args, 'host') ?? '*',
      operation: pick(AclOperation, op, 'operation'), permissionType: args.flags.has('deny') ? AclPermissionType.DENY : AclPermissionType.ALLOW,
    })));
    await withAdmin(args, (admin) => admin.createAcls(acls));
    emit(args.json, acls.map(describeAcl), () => `added ${acls.length} ACL(s)\n`);
    return 0;
  },
};

function filter(args: CommandArgs): AclBindingFilter {
  const r = resource(args, true);
  return {
    resourceType: r.type, resourceName: r.name, patternType: pick(AclPatternType, option(args, 'resource-pattern-type') ?? (r.name === null ? 'any' : 'literal'), 'pattern type'),
    principal: option(args, 'principal') ?? null, host: option(args, 'host') ?? null,
    operation: pick(AclOperation, option(args, 'operation') ?? 'any', 'operation'),
    permissionType: args.flags.has('deny') ? AclPermissionType.DENY : AclPermissionType.ANY,
  };
}

function describeAcl(a: AclBinding) {
  return {
    resourceType: aclCodeName(AclResourceType, a.resourceType), resourceName: a.resourceName, patternType: aclCodeName(AclPatternType, a.patternType),
    principal: a.principal, host: a.host, operation: aclCodeName(AclOperation, a.operation), permission: aclCodeName(AclPermissionType, a.permissionType),
  };
}

function table(acls: AclBinding[]): string {
  if (acls.length === 0) return '(no ACLs)\n';
  return renderTable(['resource', 'name', 'pattern', 'principal', 'host', 'operation', 'permission'],
    acls.map(describeAcl).map((a) => [a.resourceType, a.resourceName, a.patternType, a.principal, a.host, a.operation, a.permission]));
}

const list: CommandSpec = {
  path: ['acls', 'list'],
  summary: 'list ACLs matching a filter (all ACLs without options)',
  options: resourceOptions,
  client: true,
  async run(args) {
    const acls = await withAdmin(args, (admin) => admin.describeAcls(filter(args)));
    emit(args.json, acls.map(describeAcl), () => table(acls));
    return 0;
  },
};

const remove: CommandSpec = {
  path: ['acls', 'remove'],
  summary: 'remove the ACLs matching a filter (name at least a resource or a principal)',
  options: resourceOptions,
  client: true,
  async run(args) {
    const f = filter(args);
    if (f.resourceName === null && f.principal === null) throw new UsageError('minikafka acls remove: name a resource or a --principal (refusing to remove every ACL)');
    const removed = await withAdmin(args, (admin) => admin.deleteAcls(f));
    emit(args.json, removed.map(describeAcl), () => `removed ${removed.length} ACL(s)\n${removed.length > 0 ? table(removed) : ''}`);
    return 0;
  },
};

export const aclsGroup: CommandGroup = { name: 'acls', summary: 'ACLs: add, list, remove', commands: [add, list, remove] };
