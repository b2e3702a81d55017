/** confluent-kafka-python (librdkafka) over SASL_SSL with SCRAM-SHA-512, SASL_PLAINTEXT with PLAIN and OAUTHBEARER (unsecured JWT), and mTLS; wrong passwords fail. kcat: kcat.test.ts. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { makeTestPki, type TestPki } from '../../security/certs.js';
import { addScramUser } from './users.js';

const script = fileURLToPath(new URL('../../../../test/interop/security/confluent_client.py', import.meta.url));
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";';

let pki: TestPki;
let broker: TestBroker;

before(async () => {
  pki = makeTestPki();
  broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'listener.name.ssl.ssl.client.auth': 'required',
    'ssl.truststore.location': pki.caCert,
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512,OAUTHBEARER',
    'sasl.jaas.config': JAAS,
    'connection.failed.authentication.delay.ms': 10,
  });
  await addScramUser(broker.bootstrap, 'rdk', 'rdk-secret');
});

after(async () => {
  await broker?.close();
  pki?.remove();
});

function bootstrap(name: string): string {
  return broker.listeners.find((l) => l.name === name)!.bootstrap;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut.slice(-2000)}`)) : resolve(out)));
  });
}

async function confluent(conf: Record<string, string>, topic: string): Promise<{ value?: string; error?: string }> {
  const out = await run('/usr/bin/python3', [script, JSON.stringify(conf), topic]);
  return JSON.parse(out.trim().split('\n').pop()!);
}

test('confluent-kafka over SASL_SSL with SCRAM-SHA-512', { timeout: 90_000 }, async () => {
  const res = await confluent({
    'bootstrap.servers': bootstrap('SASL_SSL'), 'security.protocol': 'SASL_SSL', 'ssl.ca.location': pki.caCert,
    'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'rdk', 'sasl.password': 'rdk-secret',
  }, 'rdk-scram');
  assert.deepEqual(res, { value: 'secured hello' });
});

test('confluent-kafka over SASL_PLAINTEXT with PLAIN', { timeout: 90_000 }, async () => {
  const res = await confluent({
    'bootstrap.servers': bootstrap('SASL_PLAINTEXT'), 'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN', 'sasl.username': 'alice', 'sasl.password': 'alice-secret',
  }, 'rdk-plain');
  assert.deepEqual(res, { value: 'secured hello' });
});

test('confluent-kafka over SASL_PLAINTEXT with OAUTHBEARER (librdkafka unsecured JWT)', { timeout: 90_000 }, async () => {
  const res = await confluent({
    'bootstrap.servers': bootstrap('SASL_PLAINTEXT'), 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'OAUTHBEARER',
    'enable.sasl.oauthbearer.unsecure.jwt': 'true', 'sasl.oauthbearer.config': 'principal=frank',
  }, 'rdk-oauth');
  assert.deepEqual(res, { value: 'secured hello' });
});

test('confluent-kafka over mTLS (ssl.client.auth=required)', { timeout: 90_000 }, async () => {
  const cert = pki.client('/O=acme/CN=grace');
  const res = await confluent({
    'bootstrap.servers': bootstrap('SSL'), 'security.protocol': 'SSL', 'ssl.ca.location': pki.caCert,
    'ssl.certificate.location': cert.certPath, 'ssl.key.location': cert.keyPath,
  }, 'rdk-mtls');
  assert.deepEqual(res, { value: 'secured hello' });
});

test('confluent-kafka with a wrong SCRAM-SHA-512 or PLAIN password reports the SASL authentication failure', { timeout: 90_000 }, async () => {
  for (const conf of [
    { 'bootstrap.servers': bootstrap('SASL_SSL'), 'security.protocol': 'SASL_SSL', 'ssl.ca.location': pki.caCert, 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'rdk', 'sasl.password': 'wrong' },
    { 'bootstrap.servers': bootstrap('SASL_PLAINTEXT'), 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'alice', 'sasl.password': 'wrong' },
  ] as Record<string, string>[]) {
    const res = await confluent(conf, 'rdk-wrong');
    assert.match(res.error ?? '', /SASL authentication error: Authentication failed/, JSON.stringify(res));
  }
});
