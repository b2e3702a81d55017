/** SCRAM credentials and ACLs acknowledged by the broker survive a SIGKILL and restart; neither the password nor the salted password is on disk. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBroker } from '../support/broker-process.js';
import { Admin } from '../../src/client/index.js';

const config = {
  'listeners': 'SASL_PLAINTEXT://127.0.0.1:0',
  'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-pw";',
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'super.users': 'User:admin',
};

test('credentials and ACLs survive SIGKILL', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-sec-crash-'));
  try {
    let broker = await spawnBroker({ dataDir, config });
    let admin = new Admin({ bootstrap: broker.bootstrap, retries: 1, sasl: { mechanism: 'plain', username: 'admin', password: 'admin-pw' } });
    await admin.upsertScramUser('kim', 'kim-password-123');
    await admin.createAcls([{ resourceType: 2, resourceName: 'kim-', patternType: 4, principal: 'User:kim', host: '*', operation: 3, permissionType: 3 }]);
    await admin.close();
    broker.kill('SIGKILL');
    await broker.stopped;

    const files = readdirSync(join(dataDir, '~security'));
    for (const f of files) assert.ok(!readFileSync(join(dataDir, '~security', f), 'utf8').includes('kim-password-123'));
    assert.ok(!JSON.stringify(broker.logs).includes('kim-password-123'));

    broker = await spawnBroker({ dataDir, config });
    try {
      const kim = new Admin({ bootstrap: broker.bootstrap, retries: 1, sasl: { mechanism: 'scram-sha-512', username: 'kim', password: 'kim-password-123' } });
      assert.deepEqual(await kim.listTopics(), []);
      await kim.close();
      admin = new Admin({ bootstrap: broker.bootstrap, retries: 1, sasl: { mechanism: 'plain', username: 'admin', password: 'admin-pw' } });
      const acls = await admin.describeAcls({ resourceType: 1, resourceName: null, patternType: 1, principal: null, host: null, operation: 1, permissionType: 1 });
      assert.deepEqual(acls.map((a) => [a.resourceName, a.principal]), [['kim-', 'User:kim']]);
      await admin.close();
    } finally {
      await broker.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
