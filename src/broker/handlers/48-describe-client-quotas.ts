/**
 * DescribeClientQuotas (key 48), v0-1: the quotas AlterClientQuotas stored (not enforced), filtered as
 * Kafka filters them. A component matches its entity type by name (EXACT), the default entity (DEFAULT,
 * a null name) or any named entity (SPECIFIED); every component must match, and with `strict` the entity
 * may have no other types. An unknown entity type, a type named twice or a bad match type answer
 * INVALID_REQUEST with no entries. Needs DESCRIBE_CONFIGS on the cluster (else CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKey, type DescribeClientQuotasRequest, type DescribeClientQuotasResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { ENTITY_TYPES, type QuotaEntry } from '../client-quotas.js';

const EXACT = 0;
const DEFAULT = 1;
const SPECIFIED = 2;

type Component = DescribeClientQuotasRequest['components'][number];

export const describeClientQuotasHandler = defineHandler(ApiKey.DescribeClientQuotas, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: DescribeClientQuotasRequest, ctx: RequestContext): DescribeClientQuotasResponseInput {
    if (!allowed(ctx, 'DESCRIBE_CONFIGS', 'CLUSTER')) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', entries: null };
    const problem = componentsProblem(req.components);
    if (problem !== null) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem, entries: null };
    const entries = ctx.broker.quotas.all().filter((e) => matches(e, req.components, req.strict)).map((e) => ({
      entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })),
      values: Object.entries(e.values).map(([key, value]) => ({ key, value })),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  },
});

function componentsProblem(components: readonly Component[]): string | null {
  const types = new Set<string>();
  for (const c of components) {
    if (!ENTITY_TYPES.has(c.entityType)) return `Custom entity type '${c.entityType.slice(0, 100)}' not supported`;
    if (types.has(c.entityType)) return `Entity type ${c.entityType} cannot appear more than once in the filter`;
    types.add(c.entityType);
    if (c.matchType !== EXACT && c.matchType !== DEFAULT && c.matchType !== SPECIFIED) return `Unknown match type ${c.matchType}`;
    if (c.matchType === EXACT && c.match === null) return `Request must specify a name for entity type ${c.entityType} with an exact match`;
  }
  if (types.has('ip') && types.size > 1) return 'Invalid entity filter component combination, IP filter component should not be used with user or clientId filter component.';
  return null;
}

function matches(e: QuotaEntry, components: readonly Component[], strict: boolean): boolean {
  for (const c of components) {
    const part = e.entity.find((x) => x.entityType === c.entityType);
    if (part === undefined) return false;
    if (c.matchType === EXACT && part.entityName !== c.match) return false;
    if (c.matchType === DEFAULT && part.entityName !== null) return false;
    if (c.matchType === SPECIFIED && part.entityName === null) return false;
  }
  return !strict || e.entity.length === components.length;
}
