/**
 * Client quotas (KIP-546) as AlterClientQuotas stores them and DescribeClientQuotas reads them: kept in
 * `<data dir>/client-quotas.json`, written atomically on every change. minikafka does not enforce them.
 * An entity is a set of (type, name) pairs, a null name being the type's default entity.
 */
import { writeFileAtomic, type StorageFs } from '../storage/fs.js';
import { MinikafkaError } from '../protocol/errors.js';

export const QUOTA_FILE = 'client-quotas.json';

/** Keys Kafka accepts per entity kind, with whether the value must be a whole number. */
const clientKeys: Record<string, boolean> = { producer_byte_rate: true, consumer_byte_rate: true, request_percentage: false, controller_mutation_rate: false };
const ipKeys: Record<string, boolean> = { connection_creation_rate: true };
export const ENTITY_TYPES = new Set(['user', 'client-id', 'ip']);
/** Entities stored at most, so a client cannot grow the file without bound. */
export const QUOTA_ENTITIES_MAX = 10_000;

export interface QuotaEntity {
  readonly entityType: string;
  readonly entityName: string | null;
}

export interface QuotaEntry {
  entity: QuotaEntity[];
  values: Record<string, number>;
}

/** A refused change or lookup: INVALID_REQUEST with Kafka's kind of message. */
export class QuotaError extends MinikafkaError {
  constructor(message: string) {
    super('ERR_CLIENT_QUOTA', message);
  }
}

/** Sorted by type, so the same entity has one key however the request ordered it. */
export function entityKey(entity: readonly QuotaEntity[]): string {
  return JSON.stringify([...entity].sort((a, b) => (a.entityType < b.entityType ? -1 : 1)).map((e) => [e.entityType, e.entityName]));
}

/** Throws QuotaError when Kafka would refuse the entity. */
export function checkEntity(entity: readonly QuotaEntity[]): void {
  if (entity.length === 0) throw new QuotaError('Invalid empty client quota entity');
  const types = new Set<string>();
  for (const e of entity) {
    if (!ENTITY_TYPES.has(e.entityType)) throw new QuotaError(`Unhandled client quota entity type: ${e.entityType.slice(0, 100)}`);
    if (types.has(e.entityType)) throw new QuotaError(`Duplicate entity type: ${e.entityType}`);
    types.add(e.entityType);
    if (e.entityName === '') throw new QuotaError(`Empty ${e.entityType} name is not allowed`);
  }
  if (types.has('ip') && types.size > 1) throw new QuotaError('Invalid quota entity combination, IP entity should not be combined with User or ClientId');
}

/** Throws QuotaError for a key the entity cannot have or a value of the wrong kind. */
export function checkOp(entity: readonly QuotaEntity[], key: string, value: number, remove: boolean): void {
  const allowed = entity.some((e) => e.entityType === 'ip') ? ipKeys : clientKeys;
  const whole = allowed[key];
  if (whole === undefined) throw new QuotaError(`Invalid configuration key ${key.slice(0, 100)}`);
  if (remove) return;
  if (!Number.isFinite(value) || value <= 0) throw new QuotaError(`Quota ${key} must be positive, not ${value}`);
  if (whole && !Number.isInteger(value)) throw new QuotaError(`Quota ${key} must be a whole number, not ${value}`);
}

export class ClientQuotaStore {
  private readonly entries = new Map<string, QuotaEntry>();

  constructor(private readonly fs: StorageFs, private readonly path: string) {
    if (!fs.exists(path)) return;
    const parsed = JSON.parse(fs.readFile(path).toString('utf8')) as { entries?: QuotaEntry[] };
    for (const e of parsed.entries ?? []) {
      checkEntity(e.entity);
      this.entries.set(entityKey(e.entity), { entity: e.entity, values: { ...e.values } });
    }
  }

  all(): QuotaEntry[] {
    return [...this.entries.values()];
  }

  /** Applies ops to one entity (set or remove each key); an entity left with no values is dropped. */
  alter(entity: QuotaEntity[], ops: ReadonlyArray<{ key: string; value: number; remove: boolean }>): void {
    const key = entityKey(entity);
    const current = this.entries.get(key);
    const values = { ...current?.values };
    for (const op of ops) {
      if (op.remove) delete values[op.key];
      else values[op.key] = op.value;
    }
    if (Object.keys(values).length === 0) this.entries.delete(key);
    else {
      if (current === undefined && this.entries.size >= QUOTA_ENTITIES_MAX) throw new QuotaError(`At most ${QUOTA_ENTITIES_MAX} quota entities are stored`);
      this.entries.set(key, { entity: entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName })), values });
    }
  }

  save(): void {
    writeFileAtomic(this.fs, this.path, JSON.stringify({ version: 1, entries: this.all() }));
  }
}
