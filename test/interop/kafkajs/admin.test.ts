/** KafkaJS admin APIs against the broker: CreateTopics (validate-only, configs, errors), CreatePartitions, DescribeConfigs, AlterConfigs (v0, v1), DeleteRecords, DescribeCluster, DeleteTopics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startTestBroker } from '../../broker/harness.js';
import { onlyMinikafka } from '../../support/kafka-target.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const { ConfigResourceTypes } = kafkajs;

async function withAdmin(fn: (admin: kafkajs.Admin, bootstrap: string) => Promise<void>): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false, 'num.partitions': 3 });
  const kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], clientId: 'admin-test', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await fn(admin, broker.bootstrap);
  } finally {
    await admin.disconnect();
    await broker.close();
  }
}

/** KafkaJS wraps per-topic errors in an aggregate; the Kafka error name is `type` on the first inner one. */
async function rejectsWithType(promise: Promise<unknown>, type: string): Promise<void> {
  await assert.rejects(promise, (err: { type?: string; errors?: { type?: string }[] }) => {
    assert.equal(err.errors?.[0]?.type ?? err.type, type);
    return true;
  });
}

/** Topic names without the internal ones (`__consumer_offsets`). */
async function userTopics(admin: kafkajs.Admin): Promise<string[]> {
  return (await admin.listTopics()).filter((t) => !t.startsWith('__'));
}

test('kafkajs admin: create (validate-only, configs, errors), grow, describe, delete', { timeout: 60_000 }, () =>
  withAdmin(async (admin, bootstrap) => {
    assert.equal(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'dry', numPartitions: 2 }] }), true);
    assert.deepEqual(await userTopics(admin), [], 'validate-only created nothing');

    await admin.createTopics({
      topics: [{ topic: 'orders', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'delete' }] }],
    });
    await rejectsWithType(admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1 }] }), 'INVALID_TOPIC_EXCEPTION');
    await rejectsWithType(admin.createTopics({ topics: [{ topic: 'rf3', numPartitions: 1, replicationFactor: 3 }] }), 'INVALID_REPLICATION_FACTOR');
    await rejectsWithType(admin.createTopics({ topics: [{ topic: 'badcfg', numPartitions: 1, configEntries: [{ name: 'no.such.config', value: '1' }] }] }), 'INVALID_CONFIG');
    assert.equal(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] }), false, 'already exists');

    await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] });
    await rejectsWithType(admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 4 }] }), 'INVALID_PARTITIONS');
    const md = await admin.fetchTopicMetadata({ topics: ['orders'] });
    assert.equal(md.topics[0]!.partitions.length, 5);

    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['retention.ms', 'segment.bytes'] },
        { type: ConfigResourceTypes.BROKER, name: '1' },
      ],
    });
    const topicRes = described.resources.find((r) => r.resourceType === ConfigResourceTypes.TOPIC)!;
    const entries = Object.fromEntries(topicRes.configEntries.map((e) => [e.configName, e]));
    assert.equal(entries['retention.ms']!.configValue, '3600000');
    assert.equal(entries['retention.ms']!.isDefault, false);
    assert.equal(entries['segment.bytes']!.configValue, '1073741824');
    assert.equal(Object.keys(entries).length, 2, 'only the names asked for');
    const brokerRes = described.resources.find((r) => r.resourceType === ConfigResourceTypes.BROKER)!;
    const brokerEntries = Object.fromEntries(brokerRes.configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(brokerEntries['num.partitions'], '3');
    assert.equal(brokerEntries['auto.create.topics.enable'], 'false');

    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(`${cluster.brokers[0]!.host}:${cluster.brokers[0]!.port}`, bootstrap);
    assert.equal(cluster.controller, 1);
    assert.ok(cluster.clusterId.length > 0);

    await admin.deleteTopics({ topics: ['orders'] });
    assert.deepEqual(await userTopics(admin), []);
    // KafkaJS retries UNKNOWN_TOPIC_OR_PARTITION and then reports only Kafka's message for it.
    await assert.rejects(admin.deleteTopics({ topics: ['orders'] }), /does not host this topic-partition/);
  }),
);

/** Makes ApiVersions advertise at most `max` for `apiKey` while `fn` runs, so KafkaJS picks that version. */
async function capVersion<T>(broker: { state: { registry: { get(k: number): { maxVersion: number } | undefined } } }, apiKey: number, max: number, fn: () => Promise<T>): Promise<T> {
  const handler = broker.state.registry.get(apiKey)!;
  const saved = handler.maxVersion;
  handler.maxVersion = max;
  try {
    return await fn();
  } finally {
    handler.maxVersion = saved;
  }
}

test('kafkajs admin.alterConfigs over AlterConfigs v0 and v1: replaces overrides, describeConfigs reflects them, errors typed', { timeout: 60_000, skip: onlyMinikafka('caps the advertised AlterConfigs version inside the in-process broker') }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  try {
    for (const version of [0, 1]) {
      await capVersion(broker, 33, version, async () => {
        const kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], clientId: `alter-v${version}`, logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 1 } });
        const admin = kafka.admin();
        await admin.connect();
        try {
          const topic = `cfg-v${version}`;
          await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.ms', value: '100000' }] }] });
          const res = await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '7200000' }] }] });
          assert.equal(res.resources[0]!.errorCode, ErrorCode.NONE);
          const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'segment.ms'] }] });
          const entries = Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e]));
          assert.equal(entries['retention.ms']!.configValue, '7200000');
          assert.equal(entries['retention.ms']!.isDefault, false);
          assert.equal(entries['segment.ms']!.isDefault, true, 'AlterConfigs replaced the whole set');
          await rejectsWithType(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'often' }] }] }), 'INVALID_CONFIG');
          await rejectsWithType(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'no-such-topic', configEntries: [] }] }), 'UNKNOWN_TOPIC_OR_PARTITION');
          await rejectsWithType(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'num.partitions', value: '5' }] }] }), 'INVALID_REQUEST');
        } finally {
          await admin.disconnect();
        }
      });
    }
  } finally {
    await broker.close();
  }
});

test('kafkajs admin.deleteTopicRecords: offsets move, fetchTopicOffsets low follows, -1 empties, beyond the end is an error', { timeout: 60_000 }, () =>
  withAdmin(async (admin, bootstrap) => {
    await admin.createTopics({ topics: [{ topic: 'del', numPartitions: 2 }] });
    const kafka = new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'del-producer', logLevel: kafkajs.logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    for (const partition of [0, 1]) {
      await producer.send({ topic: 'del', messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `m${i}` })) });
    }
    await producer.disconnect();
    // KafkaJS looks the leaders up in its cached metadata before anything else: load the topic first.
    assert.deepEqual((await admin.fetchTopicOffsets('del')).map((o) => o.low), ['0', '0']);
    await admin.deleteTopicRecords({ topic: 'del', partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '-1' }] });
    const offsets = Object.fromEntries((await admin.fetchTopicOffsets('del')).map((o) => [o.partition, [o.low, o.high]]));
    assert.deepEqual(offsets, { 0: ['4', '10'], 1: ['10', '10'] });
    // KafkaJS's retrier wraps the per-partition error it gave up on.
    await assert.rejects(admin.deleteTopicRecords({ topic: 'del', partitions: [{ partition: 0, offset: '11' }] }), (err: { cause?: { name?: string; partitions?: { error: { type?: string } }[] } }) => {
      assert.equal(err.cause?.name, 'KafkaJSDeleteTopicRecordsError');
      assert.equal(err.cause?.partitions?.[0]?.error.type, 'OFFSET_OUT_OF_RANGE');
      return true;
    });
    assert.equal((await admin.fetchTopicOffsets('del')).find((o) => o.partition === 0)!.low, '4', 'the failed call changed nothing');
  }),
);
