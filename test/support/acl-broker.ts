/**
 * Brokers with SASL/PLAIN users and the StandardAuthorizer, for ACL tests: `aclBrokerConfig()` (users
 * admin, alice and bob, each with password `<user>-pw`; admin is a super user) and `plainLogin`, a
 * WireClient authenticated as one of them.
 */
import assert from 'node:assert/strict';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

export const ACL_TEST_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-pw" user_alice="alice-pw" user_bob="bob-pw";';

export function aclBrokerConfig(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'listeners': 'SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.jaas.config': ACL_TEST_JAAS,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
    ...extra,
  };
}

/** A WireClient logged in with SASL/PLAIN (password `<user>-pw` unless given). */
export async function plainLogin(bootstrap: string, user: string, password = `${user}-pw`): Promise<WireClient> {
  const c = await WireClient.connect(bootstrap);
  assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
  assert.equal((await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\u0000${user}\u0000${password}`) })).errorCode, ErrorCode.NONE);
  return c;
}
