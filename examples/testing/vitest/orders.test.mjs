// Two test files' worth of Kafka tests in one: each test names its topics and groups through its own
// TestNamespace, so files and workers sharing the broker never see each other's data.
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Producer } from 'minikafka';
import { TestNamespace, testBootstrap, waitForRecords, waitForCommittedOffset } from 'minikafka/testing';

describe('orders', () => {
  it('our client publishes, waitForRecords sees the record', async () => {
    const ns = new TestNamespace('vitest-orders');
    const bootstrap = testBootstrap();
    const producer = new Producer({ bootstrap });
    await producer.send({ topic: ns.topic('orders'), messages: [{ key: 'alice', value: 'paid' }] });
    await producer.close();
    const [record] = await waitForRecords(bootstrap, ns.topic('orders'), { match: (r) => r.value?.toString() === 'paid' });
    expect(record.key?.toString()).toBe('alice');
  });

  it('a KafkaJS consumer group commits what it read', async () => {
    const ns = new TestNamespace('vitest-group');
    const bootstrap = testBootstrap();
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: ns.topic('events'), numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: ns.topic('events'), messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: ns.group('readers') });
    await consumer.connect();
    await consumer.subscribe({ topic: ns.topic('events'), fromBeginning: true });
    const seen = [];
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value.toString()); } });
    await waitForCommittedOffset(bootstrap, ns.group('readers'), ns.topic('events'), 0, 3n);
    await consumer.disconnect();
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});
