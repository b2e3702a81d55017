/** @platformatic/kafka over SASL_SSL with SCRAM-SHA-512, over SASL_PLAINTEXT with PLAIN and over mTLS: create, produce, read back; a wrong password fails. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Admin, Producer, Consumer } from '@platformatic/kafka';
import { closeForced } from '../../support/platformatic.js';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { makeTestPki, type TestPki } from '../../security/certs.js';
import { addScramUser } from './users.js';

let pki: TestPki;
let broker: TestBroker;

before(async () => {
  pki = makeTestPki();
  broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'ssl.truststore.location': pki.caCert,
    'listener.name.ssl.ssl.client.auth': 'required',
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_pat="pat-pw";',
    'connection.failed.authentication.delay.ms': 10,
  });
  await addScramUser(broker.bootstrap, 'plt', 'plt-pw');
});

after(async () => {
  await broker?.close();
  pki?.remove();
});

/** Every error inside @platformatic/kafka's nested MultipleErrors and causes: [code, apiCode, message]. */
function flatten(err: unknown): unknown[][] {
  const e = err as { code?: string; apiCode?: number; message?: string; errors?: unknown[]; cause?: unknown };
  return [[e.code, e.apiCode, e.message], ...(e.errors ?? []).flatMap(flatten), ...(e.cause === undefined ? [] : flatten(e.cause))];
}

const at = (name: string) => broker.listeners.find((l) => l.name === name)!.bootstrap;

async function roundTrip(base: Record<string, unknown>, topic: string): Promise<void> {
  const admin = new Admin({ ...base, clientId: 'plt-sec-admin' } as ConstructorParameters<typeof Admin>[0]);
  const producer = new Producer({ ...base, clientId: 'plt-sec-producer', autocreateTopics: false } as ConstructorParameters<typeof Producer>[0]);
  const consumer = new Consumer({ ...base, clientId: 'plt-sec-consumer', groupId: `${topic}-g` } as ConstructorParameters<typeof Consumer>[0]);
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await producer.send({ messages: [{ topic, value: Buffer.from('platformatic secured') }] });
    const res = await consumer.fetch({ node: 1, topics: [{ topicId: (await admin.metadata({ topics: [topic] })).topics.get(topic)!.id, topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] }], maxWaitMs: 100 } as never) as unknown as { responses: { partitions: { records: { records: { value: Buffer }[] }[] | null }[] }[] };
    const values = (res.responses[0]!.partitions[0]!.records ?? []).flatMap((b) => b.records.map((r) => r.value.toString()));
    assert.deepEqual(values, ['platformatic secured']);
  } finally {
    await Promise.allSettled([admin.close(), producer.close(), closeForced(consumer)]);
  }
}

test('@platformatic/kafka over SASL_SSL with SCRAM-SHA-512', { timeout: 60_000 }, async () => {
  await roundTrip({ bootstrapBrokers: [at('SASL_SSL')], timeout: 10_000, retries: 1, tls: { ca: readFileSync(pki.caCert) }, tlsServerName: 'localhost', sasl: { mechanism: 'SCRAM-SHA-512', username: 'plt', password: 'plt-pw' } }, 'plt-scram');
});

test('@platformatic/kafka over SASL_PLAINTEXT with PLAIN; a wrong password fails', { timeout: 60_000 }, async () => {
  await roundTrip({ bootstrapBrokers: [at('SASL_PLAINTEXT')], timeout: 10_000, retries: 1, sasl: { mechanism: 'PLAIN', username: 'pat', password: 'pat-pw' } }, 'plt-plain');
  const admin = new Admin({ bootstrapBrokers: [at('SASL_PLAINTEXT')], clientId: 'plt-bad', timeout: 5_000, retries: 0, sasl: { mechanism: 'PLAIN', username: 'pat', password: 'wrong' } });
  // Its nested errors end in SaslAuthenticate's SASL_AUTHENTICATION_FAILED (58).
  await assert.rejects(admin.listTopics(), (err: Error) => flatten(err).some(([code, apiCode]) => code === 'PLT_KFK_PROTOCOL' && apiCode === 58));
  await admin.close();
  assert.ok(broker.logs.some((l) => l.msg === 'SASL authentication failed' && l.mechanism === 'PLAIN'));
});

test('@platformatic/kafka over mTLS (ssl.client.auth=required)', { timeout: 60_000 }, async () => {
  const { key, cert } = pki.client('/O=acme/CN=platformatic');
  await roundTrip({ bootstrapBrokers: [at('SSL')], timeout: 10_000, retries: 1, tls: { ca: readFileSync(pki.caCert), key, cert }, tlsServerName: 'localhost' }, 'plt-mtls');
});
