/**
 * ApiVersions (key 18), v0-4. Built from the registry: we advertise exactly what has a handler.
 * v3+ carry the feature flags of features.ts (supported ranges and the fixed finalized levels), as Kafka 4.0 does.
 */
import { ApiKey, type ApiVersionsRequest, type ApiVersionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { FINALIZED_FEATURES_EPOCH, features } from '../features.js';

export const apiVersionsHandler = defineHandler(ApiKey.ApiVersions, {
  minVersion: 0,
  maxVersion: 4,
  handle(_req: ApiVersionsRequest, ctx: RequestContext): ApiVersionsResponseInput {
    return {
      errorCode: ErrorCode.NONE, apiKeys: ctx.broker.registry.list(), throttleTimeMs: 0,
      supportedFeatures: features.map((f) => ({ name: f.name, minVersion: f.minVersion, maxVersion: f.maxVersion })),
      finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
      finalizedFeatures: features.filter((f) => f.finalized > 0).map((f) => ({ name: f.name, maxVersionLevel: f.finalized, minVersionLevel: f.finalized })),
    };
  },
});
