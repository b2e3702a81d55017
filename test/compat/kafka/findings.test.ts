/**
 * Regression tests for the differences from Apache Kafka 4.4 that were bugs (FINDINGS.md F1-F6):
 * minikafka alone gets the requests, the expected values are Kafka's recorded answers. They run
 * without Kafka; same-requests.test.ts compares against a live Kafka where one can be resolved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../../broker/harness.js';
import { WireClient } from '../../broker/wire-client.js';
import { onlyMinikafka } from '../../support/kafka-target.js';
import { buildRecordBatch } from '../../../src/protocol/record-batch.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

async function withBroker(fn: (c: WireClient) => Promise<void>): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const c = await WireClient.connect(broker.bootstrap);
  try {
    const created = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const produced = await c.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records: buildRecordBatch({ baseTimestamp: 1000, records: [{ value: Buffer.from('a') }] }) }] }] });
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    await fn(c);
  } finally {
    c.close();
    await broker.close();
  }
}

function fetch(c: WireClient, topic: string, partition: number, fetchOffset: bigint): Promise<any> {
  return c.request(ApiKey.Fetch, 12, { maxWaitMs: 0, minBytes: 0, topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [] });
}

const skip = onlyMinikafka('regression tests of minikafka against recorded Kafka answers');

test('F1: a failed CreateTopics result carries configs [] (Kafka), not null', { skip }, () =>
  withBroker(async (c) => {
    const r = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    assert.equal(r.topics[0].errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
    assert.deepEqual(r.topics[0].configs, []);
  }));

test('F3: ListOffsets by a timestamp no record reaches answers offset -1 with leaderEpoch -1', { skip }, () =>
  withBroker(async (c) => {
    const r = await c.request(ApiKey.ListOffsets, 9, { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: 10_000_000n }, { partitionIndex: 1, timestamp: 1n }] }] });
    for (const p of r.topics[0].partitions) {
      assert.equal(p.errorCode, ErrorCode.NONE);
      assert.equal(p.offset, -1n);
      assert.equal(p.leaderEpoch, -1);
    }
    const latest = await c.request(ApiKey.ListOffsets, 9, { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    assert.deepEqual([latest.topics[0].partitions[0].offset, latest.topics[0].partitions[0].leaderEpoch], [1n, 0]);
  }));

test('F4: Fetch past the end answers OFFSET_OUT_OF_RANGE with highWatermark and logStartOffset -1', { skip }, () =>
  withBroker(async (c) => {
    const p = (await fetch(c, 't', 0, 10n)).responses[0].partitions[0];
    assert.deepEqual([p.errorCode, p.highWatermark, p.logStartOffset, p.lastStableOffset], [ErrorCode.OFFSET_OUT_OF_RANGE, -1n, -1n, -1n]);
  }));

test('F5: Fetch of an unknown topic or partition answers abortedTransactions [] (Kafka), not null', { skip }, () =>
  withBroker(async (c) => {
    for (const [topic, partition] of [['t', 9], ['missing', 0]] as const) {
      const p = (await fetch(c, topic, partition, 0n)).responses[0].partitions[0];
      assert.equal(p.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.deepEqual(p.abortedTransactions, []);
    }
    assert.equal((await fetch(c, 't', 0, 0n)).responses[0].partitions[0].abortedTransactions, null);
  }));

test('F6: FindCoordinator answers errorMessage "NONE" (v1-3) and "" (v4+) on success, as Kafka', { skip }, () =>
  withBroker(async (c) => {
    for (const version of [1, 2, 3]) assert.equal((await c.request(ApiKey.FindCoordinator, version, { key: 'g', keyType: 0 })).errorMessage, 'NONE');
    for (const version of [4, 5, 6]) assert.equal((await c.request(ApiKey.FindCoordinator, version, { keyType: 0, coordinatorKeys: ['g'] })).coordinators[0].errorMessage, '');
  }));
