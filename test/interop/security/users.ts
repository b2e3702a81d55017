/** Test helpers shared by the security interop suites. */
import assert from 'node:assert/strict';
import { WireClient } from '../../broker/wire-client.js';
import { saltedPassword } from '../../../src/security/scram-credentials.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

/** The way an operator adds a user: AlterUserScramCredentials with the salted password, both mechanisms. */
export async function addScramUser(bootstrapServer: string, user: string, password: string): Promise<void> {
  const c = await WireClient.connect(bootstrapServer);
  const salt = Buffer.from('0123456789abcdef');
  const res = await c.request(ApiKey.AlterUserScramCredentials, 0, {
    deletions: [],
    upsertions: (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).map((m, i) => ({
      name: user, mechanism: i + 1, iterations: 4096, salt, saltedPassword: saltedPassword(m, password, salt, 4096),
    })),
  });
  c.close();
  assert.equal(res.results[0].errorCode, ErrorCode.NONE);
}

