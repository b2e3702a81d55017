/**
 * The authorizer, as Kafka's StandardAuthorizer decides:
 * 1. a super user (`super.users`) may do everything;
 * 2. the ACLs that apply are those whose pattern matches the resource: LITERAL with the same name or
 *    the wildcard `*`, PREFIXED with a prefix of the name;
 * 3. any applicable DENY for the principal (or `User:*`) and host (or `*`) with the operation (or ALL) denies;
 * 4. else an ALLOW with the operation, ALL, or an operation implying it allows: READ, WRITE, DELETE and
 *    ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS;
 * 5. else, when no ACL applies to the resource at all, `allow.everyone.if.no.acl.found` decides; else deny.
 * ACLs persist in `<data dir>/~security/acls.json` (written atomically, fsynced), loaded at start.
 * Lookups walk the ACLs of one resource type: a few thousand bindings cost microseconds per check.
 */
import { writeFileAtomic, type StorageFs } from '../storage/fs.js';
import { MinikafkaError } from '../protocol/errors.js';
import {
  AclOperation, PatternType, PermissionType, ResourceType, SUPPORTED_OPERATIONS, WILDCARD, appliesTo, bindingKey, invalidBinding, matchesFilter,
  type AclBinding, type AclFilter,
} from './acl.js';
import { SECURITY_DIR } from './scram-credentials.js';

const FILE = 'acls.json';
const WILDCARD_PRINCIPAL = 'User:*';

/** Kafka's authorized-operations value when it was not asked for or is unknown. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export interface AuthorizerOptions {
  superUsers: readonly string[];
  allowEveryoneIfNoAclFound: boolean;
}

export class AclStoreError extends MinikafkaError {
  constructor(message: string) {
    super('CORRUPT_ACLS', message);
  }
}

export class Authorizer {
  private readonly byType = new Map<number, AclBinding[]>();
  private readonly keys = new Set<string>();
  private readonly superUsers: ReadonlySet<string>;

  private constructor(private readonly fs: StorageFs, private readonly dir: string, private readonly options: AuthorizerOptions) {
    this.superUsers = new Set(options.superUsers);
  }

  static open(fs: StorageFs, dataDir: string, options: AuthorizerOptions): Authorizer {
    const a = new Authorizer(fs, `${dataDir}/${SECURITY_DIR}`, options);
    const path = `${a.dir}/${FILE}`;
    if (!fs.exists(path)) return a;
    let doc: { version?: number; acls?: AclBinding[] };
    try {
      doc = JSON.parse(fs.readFile(path).toString('utf8'));
    } catch (err) {
      throw new AclStoreError(`${path}: ${(err as Error).message}`);
    }
    if (doc.version !== 1 || !Array.isArray(doc.acls)) throw new AclStoreError(`${path}: not a version 1 ACL file`);
    for (const b of doc.acls) {
      const why = typeof b === 'object' && b !== null ? invalidBinding(b) : 'not an object';
      if (why !== undefined) throw new AclStoreError(`${path}: invalid ACL (${why})`);
      a.insert(b);
    }
    return a;
  }

  isSuperUser(principal: string): boolean {
    return this.superUsers.has(principal);
  }

  authorize(principal: string, host: string, operation: number, resourceType: number, resourceName: string): boolean {
    if (this.superUsers.has(principal)) return true;
    let applicable = false;
    let allowed = false;
    for (const b of this.byType.get(resourceType) ?? []) {
      if (!appliesTo(b, resourceName)) continue;
      applicable = true;
      if (b.principal !== principal && b.principal !== WILDCARD_PRINCIPAL) continue;
      if (b.host !== host && b.host !== WILDCARD) continue;
      if (b.permissionType === PermissionType.DENY) {
        if (b.operation === operation || b.operation === AclOperation.ALL) return false;
      } else if (!allowed && implies(b.operation, operation)) {
        allowed = true;
      }
    }
    if (allowed) return true;
    return !applicable && this.options.allowEveryoneIfNoAclFound;
  }

  /** Kafka's authorized-operations bit set: bit n set when operation n is allowed. */
  authorizedOperations(principal: string, host: string, resourceType: number, resourceName: string): number {
    let bits = 0;
    for (const op of SUPPORTED_OPERATIONS[resourceType] ?? []) {
      if (this.authorize(principal, host, op, resourceType, resourceName)) bits |= 1 << op;
    }
    return bits;
  }

  /**
   * Kafka's authorizeByResourceType (idempotent producers without IDEMPOTENT_WRITE): some ALLOW for the
   * principal permits the operation on a resource of the type, and no DENY covers every resource of it.
   */
  authorizeAnyOfType(principal: string, host: string, operation: number, resourceType: number): boolean {
    if (this.superUsers.has(principal)) return true;
    let allowed = false;
    for (const b of this.byType.get(resourceType) ?? []) {
      if ((b.principal !== principal && b.principal !== WILDCARD_PRINCIPAL) || (b.host !== host && b.host !== WILDCARD)) continue;
      if (b.permissionType === PermissionType.DENY) {
        const everything = b.patternType === PatternType.LITERAL ? b.resourceName === WILDCARD : b.resourceName === '';
        if (everything && (b.operation === operation || b.operation === AclOperation.ALL)) return false;
      } else if (implies(b.operation, operation)) {
        allowed = true;
      }
    }
    return allowed;
  }

  acls(filter: AclFilter): AclBinding[] {
    const out: AclBinding[] = [];
    for (const list of this.byType.values()) for (const b of list) if (matchesFilter(b, filter)) out.push(b);
    return out;
  }

  /** Adds bindings (already validated); persists once. Adding an existing binding is not an error. */
  create(bindings: readonly AclBinding[]): void {
    let changed = false;
    for (const b of bindings) changed = this.insert(b) || changed;
    if (changed) this.save();
  }

  /** Removes what each filter matches; returns the removed bindings per filter, persisted once. */
  delete(filters: readonly AclFilter[]): AclBinding[][] {
    const removed = filters.map((f) => {
      const gone = this.acls(f);
      for (const b of gone) this.remove(b);
      return gone;
    });
    if (removed.some((r) => r.length > 0)) this.save();
    return removed;
  }

  get size(): number {
    return this.keys.size;
  }

  private insert(b: AclBinding): boolean {
    const key = bindingKey(b);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    const copy: AclBinding = {
      resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType,
      principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType,
    };
    let list = this.byType.get(b.resourceType);
    if (list === undefined) this.byType.set(b.resourceType, (list = []));
    list.push(copy);
    return true;
  }

  private remove(b: AclBinding): void {
    const key = bindingKey(b);
    if (!this.keys.delete(key)) return;
    const list = this.byType.get(b.resourceType)!;
    const i = list.findIndex((x) => bindingKey(x) === key);
    if (i >= 0) list.splice(i, 1);
  }

  private save(): void {
    const acls: AclBinding[] = [];
    for (const list of this.byType.values()) acls.push(...list);
    this.fs.mkdir(this.dir);
    writeFileAtomic(this.fs, `${this.dir}/${FILE}`, JSON.stringify({ version: 1, acls }));
  }
}

function implies(granted: number, wanted: number): boolean {
  if (granted === wanted || granted === AclOperation.ALL) return true;
  if (wanted === AclOperation.DESCRIBE) {
    return granted === AclOperation.READ || granted === AclOperation.WRITE || granted === AclOperation.DELETE || granted === AclOperation.ALTER;
  }
  return wanted === AclOperation.DESCRIBE_CONFIGS && granted === AclOperation.ALTER_CONFIGS;
}

export { ResourceType, AclOperation };
