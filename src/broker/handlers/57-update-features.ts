/**
 * UpdateFeatures (key 57), v0-2. The finalized feature levels of this node are fixed (features.ts):
 * asking for a feature's current level is a no-op that succeeds; any other level, or a feature this
 * broker does not have, answers INVALID_UPDATE_VERSION. v0-1 answer per feature; v2 (KIP-1022) answers
 * with the first error at the top. validateOnly changes nothing either way. Needs ALTER on the cluster
 * (else CLUSTER_AUTHORIZATION_FAILED at the top, no results).
 */
import { ApiKey, type UpdateFeaturesRequest, type UpdateFeaturesResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { featureByName } from '../features.js';

export const updateFeaturesHandler = defineHandler(ApiKey.UpdateFeatures, {
  minVersion: 0,
  maxVersion: 2,
  handle(req: UpdateFeaturesRequest, ctx: RequestContext): UpdateFeaturesResponseInput {
    if (!allowed(ctx, 'ALTER', 'CLUSTER')) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', results: [] };
    const seen = new Set<string>();
    const results = req.featureUpdates.map((u) => {
      const fail = (errorMessage: string) => ({ feature: u.feature, errorCode: ErrorCode.INVALID_UPDATE_VERSION, errorMessage });
      if (seen.has(u.feature)) return { feature: u.feature, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Feature ${u.feature.slice(0, 100)} was specified more than once.` };
      seen.add(u.feature);
      const f = featureByName(u.feature);
      if (f === undefined) return fail(`Invalid update version ${u.maxVersionLevel} for feature ${u.feature.slice(0, 100)}. The broker does not support this feature.`);
      if (u.maxVersionLevel === f.finalized) return { feature: u.feature, errorCode: ErrorCode.NONE, errorMessage: null };
      return fail(`Invalid update version ${u.maxVersionLevel} for feature ${f.name}: minikafka's feature levels are fixed at ${f.finalized}.`);
    });
    if (ctx.version >= 2) {
      const first = results.find((r) => r.errorCode !== ErrorCode.NONE);
      return { throttleTimeMs: 0, errorCode: first?.errorCode ?? ErrorCode.NONE, errorMessage: first?.errorMessage ?? null, results: [] };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
});
