/** KafkaJS over mTLS (SSL with a client certificate), SASL_PLAINTEXT with PLAIN, SASL_SSL with SCRAM-SHA-256/512: produce and consume; wrong credentials fail. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import kafkajs, { type KafkaConfig, type SASLOptions } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { makeTestPki, type TestPki } from '../../security/certs.js';
import { addScramUser } from './users.js';

const { Kafka, logLevel } = kafkajs;
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";';

let pki: TestPki;
let broker: TestBroker;

before(async () => {
  pki = makeTestPki();
  broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'ssl.truststore.location': pki.caCert,
    'listener.name.ssl.ssl.client.auth': 'required',
    'sasl.jaas.config': JAAS,
    'connection.failed.authentication.delay.ms': 10,
  });
  await addScramUser(broker.bootstrap, 'scram-user', 'scram-secret');
});

after(async () => {
  await broker?.close();
  pki?.remove();
});

function bootstrap(name: string): string {
  return broker.listeners.find((l) => l.name === name)!.bootstrap;
}

async function roundTrip(config: Omit<KafkaConfig, 'brokers'>, brokers: string, topic: string): Promise<void> {
  const kafka = new Kafka({ ...config, brokers: [brokers], clientId: 'security-test', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'k', value: `hello over ${brokers}` }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}-g` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within 20 s')), 20_000);
    void consumer.run({ eachMessage: async ({ message }) => { clearTimeout(timer); resolve(message.value!.toString()); } });
  });
  await consumer.disconnect();
  assert.equal(got, `hello over ${brokers}`);
}

test('kafkajs over mTLS (ssl.client.auth=required)', { timeout: 60_000 }, async () => {
  const { key, cert } = pki.client('/O=acme/CN=kafkajs');
  await roundTrip({ ssl: { ca: [readFileSync(pki.caCert, 'utf8')], servername: 'localhost', key, cert } }, bootstrap('SSL'), 'kjs-ssl');
});

test('kafkajs over SASL_PLAINTEXT with PLAIN', { timeout: 60_000 }, async () => {
  await roundTrip({ sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } }, bootstrap('SASL_PLAINTEXT'), 'kjs-plain');
});

for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
  test(`kafkajs over SASL_SSL with ${mechanism}`, { timeout: 60_000 }, async () => {
    await roundTrip({
      ssl: { ca: [readFileSync(pki.caCert, 'utf8')], servername: 'localhost' },
      sasl: { mechanism, username: 'scram-user', password: 'scram-secret' } as SASLOptions,
    }, bootstrap('SASL_SSL'), `kjs-${mechanism}`);
  });
}

test('kafkajs with wrong credentials fails with SASL authentication failed', { timeout: 60_000 }, async () => {
  for (const sasl of [
    { mechanism: 'plain', username: 'alice', password: 'nope' },
    { mechanism: 'scram-sha-512', username: 'scram-user', password: 'nope' },
  ] as SASLOptions[]) {
    const kafka = new Kafka({ brokers: [bootstrap('SASL_PLAINTEXT')], sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await assert.rejects(admin.connect(), (err: Error) => /SASL/i.test(err.message) && /failed/i.test(err.message));
    await admin.disconnect();
  }
});
