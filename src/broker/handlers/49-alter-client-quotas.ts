/**
 * AlterClientQuotas (key 49), v0-1: sets or removes quota values per entity (user, client-id, ip; a null
 * name is the default entity), stored in the data dir and described by key 48. minikafka does not
 * enforce quotas. Each entity is checked as Kafka checks it (known types, no type twice, ip alone, keys
 * valid for the entity, positive values, whole numbers for byte and connection rates) and answers
 * INVALID_REQUEST on its own; validateOnly checks without storing. Needs ALTER_CONFIGS on the cluster
 * (else every entity answers CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKey, type AlterClientQuotasRequest, type AlterClientQuotasResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { QuotaError, checkEntity, checkOp, entityKey } from '../client-quotas.js';

type Entry = AlterClientQuotasRequest['entries'][number];

export const alterClientQuotasHandler = defineHandler(ApiKey.AlterClientQuotas, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: AlterClientQuotasRequest, ctx: RequestContext): AlterClientQuotasResponseInput {
    if (!allowed(ctx, 'ALTER_CONFIGS', 'CLUSTER')) {
      return { throttleTimeMs: 0, entries: req.entries.map((e) => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })) })) };
    }
    const { quotas } = ctx.broker;
    const counts = new Map<string, number>();
    for (const e of req.entries) counts.set(entityKey(e.entity), (counts.get(entityKey(e.entity)) ?? 0) + 1);
    let changed = false;
    const entries = req.entries.map((e) => {
      const entity = e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName }));
      try {
        if (counts.get(entityKey(e.entity))! > 1) throw new QuotaError('Duplicate quota entity in the request');
        check(e);
        if (!req.validateOnly) {
          quotas.alter(entity, e.ops);
          changed = true;
        }
        return { errorCode: ErrorCode.NONE, errorMessage: null, entity };
      } catch (err) {
        if (!(err instanceof QuotaError)) throw err;
        return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: err.message, entity };
      }
    });
    if (changed) {
      quotas.save();
      ctx.log.info({ entities: req.entries.length }, 'altered client quotas');
    }
    return { throttleTimeMs: 0, entries };
  },
});

function check(e: Entry): void {
  checkEntity(e.entity);
  const keys = new Set<string>();
  for (const op of e.ops) {
    if (keys.has(op.key)) throw new QuotaError(`Duplicate quota key ${op.key.slice(0, 100)}`);
    keys.add(op.key);
    checkOp(e.entity, op.key, op.value, op.remove);
  }
}
