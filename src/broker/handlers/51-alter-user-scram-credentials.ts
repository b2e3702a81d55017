/**
 * AlterUserScramCredentials (key 51), v0: adds, replaces and deletes SCRAM credentials. The client
 * sends the salt and the salted password (never the password); the broker keeps only StoredKey and
 * ServerKey, persisted before the answer. Needs ALTER on the cluster. Per user, as Kafka: an unknown
 * mechanism UNSUPPORTED_SASL_MECHANISM; iterations outside 4096-16384, an empty name or salt
 * UNACCEPTABLE_CREDENTIAL; a user altered twice for one mechanism DUPLICATE_RESOURCE; deleting what
 * does not exist RESOURCE_NOT_FOUND. A user with any error has none of its alterations applied.
 */
import { ApiKey, type AlterUserScramCredentialsRequest, type AlterUserScramCredentialsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';
import { credentialFromSalted } from '../../security/scram-credentials.js';
import { SCRAM_ITERATIONS_MAX, SCRAM_ITERATIONS_MIN, SCRAM_MECHANISM_CODES, type ScramMechanism } from '../../protocol/scram.js';

type Result = { user: string; errorCode: number; errorMessage: string | null };

export const alterUserScramCredentialsHandler = defineHandler(ApiKey.AlterUserScramCredentials, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: AlterUserScramCredentialsRequest, ctx: RequestContext): AlterUserScramCredentialsResponseInput {
    const users = [...new Set([...req.deletions.map((d) => d.name), ...req.upsertions.map((u) => u.name)])];
    if (!allowed(ctx, 'ALTER', 'CLUSTER')) {
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' })) };
    }
    const store = ctx.broker.security.credentials;
    const errors = new Map<string, Result>();
    const fail = (user: string, errorCode: number, errorMessage: string): void => {
      if (!errors.has(user)) errors.set(user, { user, errorCode, errorMessage });
    };
    const seen = new Set<string>();
    const check = (user: string, code: number): ScramMechanism | undefined => {
      const mech = SCRAM_MECHANISM_CODES[code];
      if (user === '') fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      else if (mech === undefined) fail(user, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
      else if (seen.has(`${user}\u0000${mech}`)) fail(user, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
      seen.add(`${user}\u0000${mech}`);
      return mech;
    };
    for (const d of req.deletions) {
      const mech = check(d.name, d.mechanism);
      if (mech !== undefined && store.get(d.name, mech) === undefined) fail(d.name, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
    }
    for (const u of req.upsertions) {
      check(u.name, u.mechanism);
      if (u.iterations < SCRAM_ITERATIONS_MIN || u.iterations > SCRAM_ITERATIONS_MAX) {
        fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Iterations must be between ${SCRAM_ITERATIONS_MIN} and ${SCRAM_ITERATIONS_MAX}`);
      }
      if (u.salt.length === 0 || u.saltedPassword.length === 0) fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and salted password must not be empty');
    }
    let changed = false;
    for (const d of req.deletions) {
      if (!errors.has(d.name)) changed = store.remove(d.name, SCRAM_MECHANISM_CODES[d.mechanism]!) || changed;
    }
    for (const u of req.upsertions) {
      if (errors.has(u.name)) continue;
      const mech = SCRAM_MECHANISM_CODES[u.mechanism]!;
      store.put(u.name, mech, credentialFromSalted(mech, u.saltedPassword, u.salt, u.iterations));
      changed = true;
    }
    if (changed) store.save();
    return { throttleTimeMs: 0, results: users.map((user) => errors.get(user) ?? { user, errorCode: ErrorCode.NONE, errorMessage: null }) };
  },
});
