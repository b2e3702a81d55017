/** KafkaJS admin APIs against the broker: CreateTopics (validate-only, configs, errors), CreatePartitions, DescribeConfigs, DescribeCluster, DeleteTopics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startTestBroker } from '../../broker/harness.js';

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
