// minikafka/testing from Jest's CommonJS: a shared broker, a namespace per test, KafkaJS against it.
const { Kafka, logLevel } = require('kafkajs');
const { TestNamespace, testBootstrap, waitForRecords, resetCluster } = require('minikafka/testing');

test('KafkaJS produces; waitForRecords reads it back by key', async () => {
  const ns = new TestNamespace('jest-orders');
  const bootstrap = testBootstrap();
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: ns.topic('orders'), messages: [{ key: 'bob', value: 'shipped' }] });
  await producer.disconnect();
  const [record] = await waitForRecords(bootstrap, ns.topic('orders'), { match: (r) => r.key?.toString() === 'bob' });
  expect(record.value.toString()).toBe('shipped');
});

test('resetCluster removes a namespace and leaves the others', async () => {
  const mine = new TestNamespace('jest-mine');
  const other = new TestNamespace('jest-other');
  const bootstrap = testBootstrap();
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: mine.topic('a') }, { topic: other.topic('b') }] });
  await resetCluster(bootstrap, { prefix: mine.prefix });
  const topics = await admin.listTopics();
  await admin.disconnect();
  expect(topics).toContain(other.topic('b'));
  expect(topics).not.toContain(mine.topic('a'));
});
