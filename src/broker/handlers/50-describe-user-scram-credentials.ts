/**
 * DescribeUserScramCredentials (key 50), v0: users with SCRAM credentials and, per mechanism, the
 * iteration count (never salts or keys). Needs DESCRIBE on the cluster. A user named twice is
 * DUPLICATE_RESOURCE; one without credentials RESOURCE_NOT_FOUND, as Kafka answers.
 */
import { ApiKey, type DescribeUserScramCredentialsRequest, type DescribeUserScramCredentialsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { SCRAM_CODE_OF } from '../../protocol/scram.js';

export const describeUserScramCredentialsHandler = defineHandler(ApiKey.DescribeUserScramCredentials, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: DescribeUserScramCredentialsRequest, ctx: RequestContext): DescribeUserScramCredentialsResponseInput {
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER')) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', results: [] };
    }
    const store = ctx.broker.security.credentials;
    const listed = new Map(store.list().map((u) => [u.user, u.mechanisms]));
    const info = (user: string) => (listed.get(user) ?? []).map((m) => ({ mechanism: SCRAM_CODE_OF[m.mechanism], iterations: m.iterations }));
    if (req.users === null || req.users.length === 0) {
      return {
        throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null,
        results: [...listed.keys()].map((user) => ({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: info(user) })),
      };
    }
    const counts = new Map<string, number>();
    for (const u of req.users) counts.set(u.name, (counts.get(u.name) ?? 0) + 1);
    const results = [...counts.entries()].map(([user, n]) => {
      if (n > 1) return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: [] };
      if (!listed.has(user)) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist', credentialInfos: [] };
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: info(user) };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
});
