/**
 * @platformatic/kafka's admin requests against the broker: IncrementalAlterConfigs v1, AlterConfigs v2,
 * DescribeConfigs v4, DeleteRecords v2, ListOffsets v9. 1.x's Admin has no methods for these, so they go
 * through the library's own protocol APIs on its Connection (test/support/platformatic.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Admin, IncrementalAlterConfigTypes, Producer, ResourceTypes,
  alterConfigsV2, deleteRecordsV2, describeConfigsV4, incrementalAlterConfigsV1, listOffsetsV9, type Connection,
} from '@platformatic/kafka';
import { startTarget, uniqueTopic, unsupportedOnMock } from '../../support/target.js';
import { waitFor } from '../../support/net.js';
import { protocolErrorCodes, withConnection } from '../../support/platformatic.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const skip = unsupportedOnMock('no CreateTopics, AlterConfigs or DeleteRecords');

const clientId = 'minikafka-interop-admin';

async function withAdmin(fn: (admin: Admin, connection: Connection, bootstrap: string) => Promise<void>): Promise<void> {
  const target = await startTarget({ config: { 'auto.create.topics.enable': 'false' } });
  const admin = new Admin({ bootstrapBrokers: [target.bootstrap], clientId, timeout: 10_000, retries: 1, retryDelay: 100 });
  try {
    await withConnection(target.bootstrap, clientId, (connection) => fn(admin, connection, target.bootstrap));
  } finally {
    await admin.close();
    await target.close();
  }
}

async function topicConfigs(connection: Connection, topic: string, names: string[]): Promise<Record<string, [string | null, number]>> {
  const { results: [d] } = await describeConfigsV4.api.async(connection, [{ resourceType: ResourceTypes.TOPIC, resourceName: topic, configurationKeys: names }], false, false);
  return Object.fromEntries(d!.configs.map((c) => [c.name, [c.value ?? null, Number(c.configSource)]]));
}

type ConfigOp = { name: string; op: keyof typeof IncrementalAlterConfigTypes; value?: string };

function incrementalAlter(connection: Connection, topic: string, configs: ConfigOp[]): Promise<unknown> {
  return incrementalAlterConfigsV1.api.async(connection, [{
    resourceType: ResourceTypes.TOPIC, resourceName: topic,
    configs: configs.map(({ name, op, value }) => ({ name, configOperation: IncrementalAlterConfigTypes[op], value: value ?? null })),
  }], false);
}

/** Rejects unless `promise` fails with the Kafka error `code`. */
async function rejectsWith(promise: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.deepEqual(protocolErrorCodes(err), [code], message);
    return true;
  });
}

/**
 * Reads the configs until they equal `expected` (bounded), then asserts: Kafka applies an
 * (Incremental)AlterConfigs through its metadata log after answering it, so a describe right after
 * may still show the old values (FINDINGS.md K2); minikafka answers with them applied.
 */
async function configsBecome(connection: Connection, topic: string, expected: Record<string, [string | null, number]>, message?: string): Promise<void> {
  const names = Object.keys(expected);
  let last: Record<string, [string | null, number]> = {};
  const equal = (): boolean => JSON.stringify(names.map((n) => last[n])) === JSON.stringify(names.map((n) => expected[n]));
  await waitFor(`configs of ${topic}`, async () => {
    last = await topicConfigs(connection, topic, names);
    return equal() ? true : undefined;
  }, { timeoutMs: 10_000, intervalMs: 100 }).catch(() => undefined);
  assert.deepEqual(last, expected, message);
}

test('platformatic: incrementalAlterConfigs and alterConfigs change what describeConfigs reports', { timeout: 60_000, skip }, () =>
  withAdmin(async (admin, connection) => {
    const topic = uniqueTopic('plt-cfg');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await incrementalAlter(connection, topic, [
      { name: 'retention.ms', op: 'SET', value: '90000' },
      { name: 'cleanup.policy', op: 'APPEND', value: 'compact' },
    ]);
    await configsBecome(connection, topic, { 'retention.ms': ['90000', 1], 'cleanup.policy': ['delete,compact', 1] });
    await incrementalAlter(connection, topic, [{ name: 'retention.ms', op: 'DELETE' }]);
    await configsBecome(connection, topic, { 'retention.ms': ['604800000', 5] });
    await rejectsWith(incrementalAlter(connection, topic, [{ name: 'retention.ms', op: 'SET', value: 'x' }]), ErrorCode.INVALID_CONFIG, 'retention.ms=x');

    await alterConfigsV2.api.async(connection, [{ resourceType: ResourceTypes.TOPIC, resourceName: topic, configs: [{ name: 'segment.ms', value: '120000' }] }], false);
    await configsBecome(connection, topic, { 'segment.ms': ['120000', 1], 'cleanup.policy': ['delete', 5] }, 'replaced the whole set');
  }));

test('platformatic: deleteRecords answers the low watermark and listOffsets earliest follows', { timeout: 60_000, skip }, () =>
  withAdmin(async (admin, connection, bootstrap) => {
    const topic = uniqueTopic('plt-del');
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const producer = new Producer({ bootstrapBrokers: [bootstrap], clientId: 'minikafka-interop-producer', autocreateTopics: false });
    try {
      await producer.send({ messages: Array.from({ length: 8 }, (_, i) => ({ topic, partition: 0, value: Buffer.from(`m${i}`) })), acks: -1 });
    } finally {
      await producer.close();
    }
    const deleted = await deleteRecordsV2.api.async(connection, [{ name: topic, partitions: [{ partitionIndex: 0, offset: 5n }] }], 10_000);
    assert.deepEqual(deleted.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.lowWatermark])]), [[topic, [[0, 5n]]]]);
    const listed = await listOffsetsV9.api.async(connection, -1, 0, [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }]);
    assert.equal(listed.topics[0]!.partitions[0]!.offset, 5n);
    await rejectsWith(deleteRecordsV2.api.async(connection, [{ name: topic, partitions: [{ partitionIndex: 0, offset: 100n }] }], 10_000), ErrorCode.OFFSET_OUT_OF_RANGE, 'beyond the high watermark');
  }));
