/** The CLI against a secured broker: users add/list/delete, acls add/list/remove, and --command-config for SASL_SSL with SCRAM. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { makeTestPki, type TestPki } from '../security/certs.js';
import { runCli } from './run-cli.js';

let pki: TestPki;
let broker: TestBroker;

before(async () => {
  pki = makeTestPki();
  broker = await startTestBroker({
    'listeners': 'SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-pw";',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
  });
});

after(async () => {
  await broker?.close();
  pki?.remove();
});

const at = (name: string) => broker.listeners.find((l) => l.name === name)!.bootstrap;
const asAdmin = ['--bootstrap', '', '--security-protocol', 'SASL_PLAINTEXT', '--sasl-mechanism', 'PLAIN', '--sasl-username', 'admin', '--sasl-password', 'admin-pw'];
const admin = () => { const a = [...asAdmin]; a[1] = at('SASL_PLAINTEXT'); return a; };

test('minikafka users and acls, then a SCRAM user works through --command-config over SASL_SSL', { timeout: 60_000 }, async () => {
  const add = await runCli(['users', 'add', 'dora', '--mechanism', 'SCRAM-SHA-512', ...admin()], { env: { MINIKAFKA_USER_PASSWORD: 'dora-pw' } });
  assert.equal(add.code, 0, add.stderr);
  const users = await runCli(['users', 'list', '--json', ...admin()]);
  assert.deepEqual(JSON.parse(users.stdout), [{ user: 'dora', mechanisms: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] }]);
  assert.ok(!users.stdout.includes('dora-pw'));

  const props = join(pki.dir, 'client.properties');
  writeFileSync(props, [
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="dora" password="dora-pw";',
    `ssl.truststore.location=${pki.caCert}`,
  ].join('\n'));
  const asDora = ['--bootstrap', at('SASL_SSL'), '--command-config', props];
  // No ACL yet: dora may not create topics.
  const denied = await runCli(['topics', 'create', 'dora-topic', ...asDora]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /TOPIC_AUTHORIZATION_FAILED/);

  assert.equal((await runCli(['acls', 'add', '--topic', 'dora-', '--resource-pattern-type', 'prefixed', '--principal', 'User:dora', '--operation', 'all', ...admin()])).code, 0);
  const listed = await runCli(['acls', 'list', '--json', ...admin()]);
  assert.deepEqual(JSON.parse(listed.stdout), [{ resourceType: 'TOPIC', resourceName: 'dora-', patternType: 'PREFIXED', principal: 'User:dora', host: '*', operation: 'ALL', permission: 'ALLOW' }]);

  assert.equal((await runCli(['topics', 'create', 'dora-topic', ...asDora])).code, 0);
  assert.equal((await runCli(['produce', 'dora-topic', ...asDora], { input: 'hello\n' })).code, 0);
  const consumed = await runCli(['consume', 'dora-topic', '--from-beginning', '--max-messages', '1', '--timeout-ms', '10000', ...asDora]);
  assert.equal(consumed.stdout.trim(), 'hello', consumed.stderr);

  const removed = await runCli(['acls', 'remove', '--principal', 'User:dora', ...admin()]);
  assert.match(removed.stdout, /removed 1 ACL/);
  assert.equal((await runCli(['users', 'delete', 'dora', ...admin()])).code, 0);
  const wrong = await runCli(['topics', 'list', ...asDora]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /SASL_AUTHENTICATION_FAILED/);
});
