/**
 * ApiVersions (key 18), v0-4. Built from the registry: we advertise exactly what has a handler.
 * Not implemented: feature flags (SupportedFeatures/FinalizedFeatures are empty: no KRaft features here).
 */
import type { ApiVersionsRequest, ApiVersionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const apiVersionsHandler: ApiHandler = {
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  handle(_req: ApiVersionsRequest, ctx: RequestContext): ApiVersionsResponseInput {
    return { errorCode: ErrorCode.NONE, apiKeys: ctx.broker.registry.list(), throttleTimeMs: 0 };
  },
};
