// minikafka/testing's KafkaContainer against a real client: a test written for @testcontainers/kafka
// (KafkaJS, `getHost()`:`getMappedPort(9093)`) runs unchanged on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { KafkaContainer, configNameFromEnv } from '../../src/testing/index.js';

const quietKafkaJs = { logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } };

test('a testcontainers-style test runs unchanged: builder chain, KAFKA_* environment, getHost/getMappedPort(9093)', { timeout: 60_000 }, async () => {
  const container = new KafkaContainer('confluentinc/cp-kafka:7.9.0')
    .withKraft()
    .withExposedPorts(9093)
    .withStartupTimeout(180_000)
    .withNetworkAliases('kafka')
    .withEnvironment({ KAFKA_NUM_PARTITIONS: '3', KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1', KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9093' });
  assert.deepEqual(container.brokerConfig(), { 'num.partitions': '3' });
  assert.deepEqual(container.ignoredSettings(), [
    'withStartupTimeout(180000)', 'withNetworkAliases(kafka)',
    'environment KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'environment KAFKA_LISTENERS',
  ]);
  const started = await container.start();
  const kafka = new kafkajs.Kafka({ clientId: 'tc', brokers: [`${started.getHost()}:${started.getMappedPort(9093)}`], ...quietKafkaJs });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: 'tc-group' });
  try {
    assert.throws(() => started.getMappedPort(1234), /No port mapping found for "1234"/);
    assert.equal(started.getFirstMappedPort(), started.getMappedPort(9093));
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }] });
    const admin = kafka.admin();
    await admin.connect();
    const [meta] = (await admin.fetchTopicMetadata({ topics: ['orders'] })).topics;
    await admin.disconnect();
    assert.equal(meta!.partitions.length, 3, 'KAFKA_NUM_PARTITIONS applied to an auto-created topic');

    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} of 2 messages consumed`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.key}=${message.value}`);
          if (seen.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    assert.deepEqual(seen.sort(), ['k1=v1', 'k2=v2']);
  } finally {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
    await started.stop();
  }
});

test('restart keeps the data and the port; stop removes a temporary data dir', { timeout: 60_000 }, async () => {
  const started = await new KafkaContainer().start();
  const port = started.getMappedPort(9093);
  const dataDir = started.broker.dataDir;
  const kafka = new kafkajs.Kafka({ clientId: 'tc', brokers: [started.bootstrap], ...quietKafkaJs });
  try {
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'kept', acks: -1, messages: [{ value: 'survives' }] });
    await producer.disconnect();
    await started.restart();
    assert.equal(started.getMappedPort(9093), port);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('kept');
    await admin.disconnect();
    assert.deepEqual(offsets.map((o) => o.high), ['1']);
  } finally {
    await started.stop();
  }
  assert.equal(existsSync(dataDir), false, 'the temporary data dir is removed by stop');
  await started.stop(); // idempotent
});

test('KAFKA_* variables map to config names as Confluent images do', () => {
  assert.equal(configNameFromEnv('KAFKA_AUTO_CREATE_TOPICS_ENABLE'), 'auto.create.topics.enable');
  assert.equal(configNameFromEnv('KAFKA_LOG_RETENTION_MS'), 'log.retention.ms');
  assert.equal(configNameFromEnv('KAFKA_A__B___C'), 'a_b-c');
  assert.equal(configNameFromEnv('CLUSTER_ID'), undefined);
});
