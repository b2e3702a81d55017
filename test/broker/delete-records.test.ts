/** DeleteRecords (21) over the wire: lowWatermark, reads below it, ListOffsets earliest, -1, errors, segment deletion, restart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function createTopic(client: WireClient, name: string, configs: { name: string; value: string }[] = []): Promise<void> {
  const res = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000 });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

async function produceOne(client: WireClient, topic: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const records = buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: Buffer.from(`k${i}`), value: Buffer.from(`value-${i}`) }] });
    const res = await client.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  }
}

async function deleteRecords(client: WireClient, topic: string, partitions: Array<[number, bigint]>, version = 2) {
  const res = await client.request(ApiKey.DeleteRecords, version, { timeoutMs: 1000, topics: [{ name: topic, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }] });
  return res.topics[0].partitions as { partitionIndex: number; lowWatermark: bigint; errorCode: number }[];
}

async function earliest(client: WireClient, topic: string): Promise<bigint> {
  const res = await client.request(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }] });
  return res.topics[0].partitions[0].offset;
}

async function fetchAt(client: WireClient, topic: string, offset: bigint) {
  const res = await client.request(ApiKey.Fetch, 12, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0].partitions[0] as { errorCode: number; logStartOffset: bigint; highWatermark: bigint };
}

test('DeleteRecords moves the log start: lowWatermark, fetch below it OFFSET_OUT_OF_RANGE, ListOffsets earliest, segments deleted, survives restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-delrec-'));
  try {
    let broker = await startTestBroker({ 'minikafka.internal.segment.bytes': 200 }, dir);
    let client = await WireClient.connect(broker.bootstrap);
    await createTopic(client, 't');
    await produceOne(client, 't', 10);
    const partitionDir = join(dir, 't', '0');
    const segmentsBefore = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).length;
    assert.ok(segmentsBefore > 3, `${segmentsBefore} segments`);

    for (const version of [0, 1, 2]) {
      const [p] = await deleteRecords(client, 't', [[0, BigInt(4 + version)]], version);
      assert.deepEqual([p!.errorCode, p!.lowWatermark], [ErrorCode.NONE, BigInt(4 + version)], `v${version}`);
    }
    assert.equal(await earliest(client, 't'), 6n);
    assert.equal((await fetchAt(client, 't', 5n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const ok = await fetchAt(client, 't', 6n);
    assert.deepEqual([ok.errorCode, ok.logStartOffset], [ErrorCode.NONE, 6n]);
    const segmentsAfter = readdirSync(partitionDir).filter((f) => f.endsWith('.log')).length;
    assert.ok(segmentsAfter < segmentsBefore, `segments ${segmentsBefore} -> ${segmentsAfter}`);

    const [lower] = await deleteRecords(client, 't', [[0, 2n]]);
    assert.deepEqual([lower!.errorCode, lower!.lowWatermark], [ErrorCode.NONE, 6n], 'an offset below the start changes nothing');
    client.close();
    await broker.close();

    broker = await startTestBroker({ 'minikafka.internal.segment.bytes': 200 }, dir);
    client = await WireClient.connect(broker.bootstrap);
    assert.equal(await earliest(client, 't'), 6n, 'after restart');
    assert.equal((await fetchAt(client, 't', 5n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const [hw] = await deleteRecords(client, 't', [[0, -1n]]);
    assert.deepEqual([hw!.errorCode, hw!.lowWatermark], [ErrorCode.NONE, 10n], '-1 is the high watermark');
    assert.equal(await earliest(client, 't'), 10n);
    client.close();
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DeleteRecords errors: beyond the high watermark, below -1, unknown topic or partition, compacted and internal topics', async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopic(client, 't');
    await produceOne(client, 't', 3);
    const ps = await deleteRecords(client, 't', [[0, 4n], [1, 0n], [2, 0n]]);
    assert.deepEqual(ps.map((p) => [p.errorCode, p.lowWatermark]), [
      [ErrorCode.OFFSET_OUT_OF_RANGE, -1n], [ErrorCode.NONE, 0n], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ]);
    assert.equal((await deleteRecords(client, 't', [[0, -2n]]))[0]!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal((await deleteRecords(client, 't', [[0, 3n]]))[0]!.lowWatermark, 3n, 'the high watermark itself is allowed');
    assert.equal((await deleteRecords(client, 'nope', [[0, 0n]]))[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await createTopic(client, 'compacted', [{ name: 'cleanup.policy', value: 'compact' }]);
    assert.equal((await deleteRecords(client, 'compacted', [[0, 0n]]))[0]!.errorCode, ErrorCode.POLICY_VIOLATION);
    await createTopic(client, 'both', [{ name: 'cleanup.policy', value: 'compact,delete' }]);
    assert.equal((await deleteRecords(client, 'both', [[0, 0n]]))[0]!.errorCode, ErrorCode.NONE);
    // The coordinator creates __consumer_offsets on its first write: a simple (memberless) commit.
    await broker.state.groups.commitOffsets({ groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, version: 8,
      topics: [{ name: 't', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] }] });
    assert.ok(broker.state.store.topic('__consumer_offsets') !== undefined, 'the coordinator created it');
    assert.equal((await deleteRecords(client, '__consumer_offsets', [[0, 0n]]))[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  } finally {
    client.close();
    await broker.close();
  }
});
