/**
 * kafka-node 5.0.0, node-rdkafka 3.6.1 and @confluentinc/kafka-javascript 1.10.1 against the broker,
 * each through the modern-client scenario (test/interop/modern-clients/scenario.ts): topic creation
 * and metadata, keyed produce read back byte for byte, murmur2 placement, a group of three with a
 * SIGKILL failover, commit and resume. The clients live in test/interop/node-native (setup.sh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionForKey } from '../../../src/partitioner.js';
import { createTopic, groupFailover, keyOf, partitions, produceAndReadBack, runMode, withBroker } from '../modern-clients/scenario.js';
import { confluent, kafkaNode, kafkaNodeKeyedPartition, nodeRdkafka, skipConfluent, skipKafkaNode, skipNodeRdkafka } from './clients.js';

test('kafka-node (Produce v2: message format v1; its Consumer reads with Fetch v0: format v0): creates a topic; keyed produce reads back byte for byte; a custom partitioner with murmur2 places keys', { timeout: 180_000, skip: skipKafkaNode }, async () => {
  await withBroker((broker) => produceAndReadBack(kafkaNode(), broker));
});

test('kafka-node: its default KeyedPartitioner places keys by its own hash, not murmur2', { timeout: 120_000, skip: skipKafkaNode }, async () => {
  await withBroker(async (broker) => {
    const program = kafkaNode({ KAFKA_NODE_PARTITIONER: 'keyed' });
    const topic = await createTopic(program, broker, 'keyed');
    const count = 40;
    const produced = await runMode<{ i: number; partition: number; offset: number }>(program, ['produce', broker.bootstrap, topic, '0', String(count)]);
    assert.equal(produced.length, count, 'every record acknowledged');
    for (const r of produced) assert.equal(r.partition, kafkaNodeKeyedPartition(keyOf(r.i), partitions), `record ${r.i}: kafka-node's keyed hash`);
    const differ = produced.filter((r) => r.partition !== partitionForKey(Buffer.from(keyOf(r.i)), partitions)).length;
    assert.ok(differ > 0, 'some keys land elsewhere than murmur2 would put them');
  });
});

test('kafka-node: classic group (JoinGroup v0, ListOffsets v0, Fetch v2, OffsetCommit v2): three members split, a SIGKILLed member\'s partitions fail over, a new member resumes at the committed offsets', { timeout: 240_000, skip: skipKafkaNode }, async () => {
  await withBroker((broker) => groupFailover(kafkaNode(), broker, 'classic'));
});

test('node-rdkafka: AdminClient creates a topic; keyed produce with (text) headers reads back byte for byte; murmur2_random placement', { timeout: 180_000, skip: skipNodeRdkafka }, async () => {
  await withBroker((broker) => produceAndReadBack(nodeRdkafka, broker));
});

for (const protocol of ['classic', 'consumer'] as const) {
  test(`node-rdkafka: group.protocol=${protocol}: three members split, a SIGKILLed member's partitions fail over, a new member resumes at the committed offsets`, { timeout: 240_000, skip: skipNodeRdkafka }, async () => {
    await withBroker((broker) => groupFailover(nodeRdkafka, broker, protocol));
  });
}

test('@confluentinc/kafka-javascript: KafkaJS admin creates a topic; keyed produce with binary headers reads back byte for byte; murmur2_random placement', { timeout: 180_000, skip: skipConfluent }, async () => {
  await withBroker((broker) => produceAndReadBack(confluent, broker));
});

test('@confluentinc/kafka-javascript: the KafkaJS producer at its defaults places keys by murmur2 (its documented murmur2_random)', { timeout: 120_000, skip: skipConfluent }, async () => {
  await withBroker(async (broker) => {
    const topic = await createTopic(confluent, broker, 'kjs-default');
    const count = 24;
    const produced = await runMode<{ i: number; partition: number; offset: number }>(confluent, ['produce-kafkajs', broker.bootstrap, topic, '0', String(count)]);
    assert.equal(produced.length, count, 'every record acknowledged');
    for (const r of produced) assert.equal(r.partition, partitionForKey(Buffer.from(keyOf(r.i)), partitions), `record ${r.i}: murmur2 (src/partitioner.ts)`);
  });
});

for (const protocol of ['classic', 'consumer'] as const) {
  test(`@confluentinc/kafka-javascript: KafkaJS consumer, group.protocol=${protocol}: three members split, a SIGKILLed member's partitions fail over, a new member resumes at the committed offsets`, { timeout: 240_000, skip: skipConfluent }, async () => {
    await withBroker((broker) => groupFailover(confluent, broker, protocol));
  });
}
