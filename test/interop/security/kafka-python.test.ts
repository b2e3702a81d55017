/** kafka-python over SASL_PLAINTEXT with PLAIN and over SASL_SSL with SCRAM-SHA-256; a wrong password fails. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { makeTestPki, type TestPki } from '../../security/certs.js';
import { addScramUser } from './users.js';

const script = fileURLToPath(new URL('../../../../test/interop/security/kafka_python_client.py', import.meta.url));

let pki: TestPki;
let broker: TestBroker;

before(async () => {
  pki = makeTestPki();
  broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_py="py-secret";',
    'connection.failed.authentication.delay.ms': 10,
  });
  await addScramUser(broker.bootstrap, 'pyscram', 'pyscram-secret');
});

after(async () => {
  await broker?.close();
  pki?.remove();
});

function bootstrap(name: string): string {
  return broker.listeners.find((l) => l.name === name)!.bootstrap;
}

function client(conf: Record<string, unknown>, topic: string): Promise<{ value?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [script, JSON.stringify(conf), topic], { timeout: 60_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`${err.message}\n${errOut.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

test('kafka-python over SASL_PLAINTEXT with PLAIN', { timeout: 90_000 }, async () => {
  const res = await client({ bootstrap_servers: bootstrap('SASL_PLAINTEXT'), security_protocol: 'SASL_PLAINTEXT', sasl_mechanism: 'PLAIN', sasl_plain_username: 'py', sasl_plain_password: 'py-secret' }, 'py-plain');
  assert.deepEqual(res, { value: 'python hello' });
});

test('kafka-python over SASL_SSL with SCRAM-SHA-256', { timeout: 90_000 }, async () => {
  const res = await client({
    bootstrap_servers: bootstrap('SASL_SSL'), security_protocol: 'SASL_SSL', ssl_cafile: pki.caCert, ssl_check_hostname: true,
    sasl_mechanism: 'SCRAM-SHA-256', sasl_plain_username: 'pyscram', sasl_plain_password: 'pyscram-secret',
  }, 'py-scram');
  assert.deepEqual(res, { value: 'python hello' });
});

test('kafka-python with a wrong password fails to authenticate', { timeout: 90_000 }, async () => {
  const res = await client({ bootstrap_servers: bootstrap('SASL_PLAINTEXT'), security_protocol: 'SASL_PLAINTEXT', sasl_mechanism: 'PLAIN', sasl_plain_username: 'py', sasl_plain_password: 'nope' }, 'py-wrong');
  // kafka-python 2.0 authenticates with SaslHandshake v0 and bare tokens: a bad one closes the connection
  // (v0 has no error field), which it reports as NoBrokersAvailable; the broker log says why.
  assert.ok(res.error !== undefined && /Authentication|NoBrokersAvailable/i.test(res.error), JSON.stringify(res));
  assert.ok(broker.logs.some((l) => l.reason === 'SASL authentication failed' && l.mechanism === 'PLAIN'));
});
