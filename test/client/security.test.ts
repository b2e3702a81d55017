/** Our client (Producer, Consumer, Admin) with `ssl` and `sasl`: SASL_SSL with SCRAM-SHA-512, SASL_PLAINTEXT with PLAIN, OAUTHBEARER; wrong credentials reject with SASL_AUTHENTICATION_FAILED. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { makeTestPki, type TestPki } from '../security/certs.js';
import { addScramUser } from '../interop/security/users.js';
import { Admin, Consumer, Producer, KafkaClientError, stringSerde, type ClientOptions } from '../../src/client/index.js';

let pki: TestPki;
let broker: TestBroker;

before(async () => {
  pki = makeTestPki();
  broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512,OAUTHBEARER',
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_ann="ann-pw";',
    'connection.failed.authentication.delay.ms': 10,
  });
  await addScramUser(broker.bootstrap, 'sam', 'sam-pw');
});

after(async () => {
  await broker?.close();
  pki?.remove();
});

const at = (name: string) => broker.listeners.find((l) => l.name === name)!.bootstrap;

async function roundTrip(opts: Omit<ClientOptions, 'bootstrap'>, bootstrap: string, topic: string): Promise<void> {
  const admin = new Admin({ ...opts, bootstrap });
  await admin.createTopics([{ topic, partitions: 1 }]);
  await admin.close();
  const producer = new Producer({ ...opts, bootstrap, valueSerializer: stringSerde });
  await producer.send({ topic, messages: [{ value: 'secure' }] });
  await producer.close();
  const consumer = new Consumer({ ...opts, bootstrap, autoOffsetReset: 'earliest', valueDeserializer: stringSerde });
  consumer.assign([{ topic, partition: 0 }]);
  let got: string | null = null;
  const run = consumer.run({ eachMessage: (m) => { got = m.value; } });
  const deadline = Date.now() + 10_000;
  while (got === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.close();
  await run;
  assert.equal(got, 'secure');
}

test('our client over SASL_SSL with SCRAM-SHA-512', { timeout: 30_000 }, async () => {
  await roundTrip({ ssl: { ca: readFileSync(pki.caCert) }, sasl: { mechanism: 'scram-sha-512', username: 'sam', password: 'sam-pw' } }, at('SASL_SSL'), 'c-scram');
});

test('our client over SASL_PLAINTEXT with PLAIN and with OAUTHBEARER', { timeout: 30_000 }, async () => {
  await roundTrip({ sasl: { mechanism: 'plain', username: 'ann', password: 'ann-pw' } }, at('SASL_PLAINTEXT'), 'c-plain');
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = () => `${b64({ alg: 'none' })}.${b64({ sub: 'ann', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
  await roundTrip({ sasl: { mechanism: 'oauthbearer', token } }, at('SASL_PLAINTEXT'), 'c-oauth');
});

test('our client: a wrong password rejects with SASL_AUTHENTICATION_FAILED', { timeout: 30_000 }, async () => {
  const admin = new Admin({ bootstrap: at('SASL_PLAINTEXT'), retries: 0, sasl: { mechanism: 'scram-sha-512', username: 'sam', password: 'nope' } });
  await assert.rejects(admin.listTopics(), (err: unknown) => err instanceof KafkaClientError && err.code === 58);
  await admin.close();
});

test('our client: an expired OAUTHBEARER token rejects with SASL_AUTHENTICATION_FAILED carrying the invalid_token status', { timeout: 30_000 }, async () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${b64({ alg: 'none' })}.${b64({ sub: 'ann', exp: Math.floor(Date.now() / 1000) - 60 })}.`;
  const admin = new Admin({ bootstrap: at('SASL_PLAINTEXT'), retries: 0, sasl: { mechanism: 'oauthbearer', token } });
  await assert.rejects(admin.listTopics(), (err: unknown) => err instanceof KafkaClientError && err.code === 58 && err.message.includes('invalid_token'));
  await admin.close();
});
