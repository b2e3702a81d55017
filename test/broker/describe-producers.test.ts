// DescribeProducers (key 61) over TCP: the active producers of a partition from its producer state,
// an idempotent one (last sequence, timestamp, no transaction) and a transactional one (the first
// offset of its open transaction, -1 after the commit), kept across a restart (the producer-state
// snapshot); unknown topics and partitions; a topic named twice answered once. lastTimestamp is the
// last batch's maxTimestamp as Kafka answers it (regression: it was the broker's append time), which
// on a LogAppendTime topic is the broker's append time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL } from '../../src/protocol/txn-records.js';

interface Active { producerId: bigint; producerEpoch: number; lastSequence: number; lastTimestamp: bigint; coordinatorEpoch: number; currentTxnStartOffset: bigint }

function batch(pid: bigint, epoch: number, seq: number, count: number, transactional: boolean, ts: number): Buffer {
  return buildRecordBatch({
    attributes: transactional ? ATTR_TRANSACTIONAL : 0, producerId: Number(pid), producerEpoch: epoch, baseSequence: seq, baseTimestamp: ts,
    records: Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`v${seq + i}`) })),
  });
}

async function produce(c: WireClient, transactionalId: string | null, partition: number, records: Buffer, topic = 'dp'): Promise<{ errorCode: number; baseOffset: bigint; logAppendTimeMs: bigint }> {
  const res = await c.request(ApiKey.Produce, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return res.responses[0].partitionResponses[0];
}

async function describe(c: WireClient, topics: Array<{ name: string; partitionIndexes: number[] }>) {
  const res = await c.request(ApiKey.DescribeProducers, 0, { topics });
  return res.topics as Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number; errorMessage: string | null; activeProducers: Active[] }> }>;
}

test('DescribeProducers answers from the partition producer state, before and after a restart', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-descprod-'));
  let broker: Awaited<ReturnType<typeof startTestBroker>> | undefined;
  let c: WireClient | undefined;
  try {
    broker = await startTestBroker({}, dir);
    c = await WireClient.connect(broker.bootstrap);
    await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'dp', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    const versions = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    const key = versions.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiKey.DescribeProducers);
    assert.deepEqual([key?.minVersion, key?.maxVersion], [0, 0], 'ApiVersions advertises DescribeProducers v0');

    const idem = await c.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const ts = Date.now() - 3_600_000; // an hour in the past: the client's CreateTime, not the broker's clock
    assert.equal((await produce(c, null, 0, batch(idem.producerId, idem.producerEpoch, 0, 3, false, ts))).errorCode, ErrorCode.NONE);
    assert.equal((await produce(c, null, 0, batch(idem.producerId, idem.producerEpoch, 3, 2, false, ts + 1))).errorCode, ErrorCode.NONE);

    const txn = await c.request(ApiKey.InitProducerId, 4, { transactionalId: 'dp-tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    await c.request(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'dp-tx', v3AndBelowProducerId: txn.producerId, v3AndBelowProducerEpoch: txn.producerEpoch, v3AndBelowTopics: [{ name: 'dp', partitions: [0] }] });
    const txnAppend = await produce(c, 'dp-tx', 0, batch(txn.producerId, txn.producerEpoch, 0, 4, true, ts + 2));
    assert.equal(txnAppend.errorCode, ErrorCode.NONE);
    assert.equal(txnAppend.baseOffset, 5n);

    const [topic, ...rest] = await describe(c, [{ name: 'dp', partitionIndexes: [0, 1, 0, 7] }, { name: 'dp', partitionIndexes: [1] }, { name: 'nope', partitionIndexes: [0] }]);
    assert.equal(rest.length, 1, 'the topic named twice is answered once');
    assert.deepEqual(rest[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode]), [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    assert.deepEqual(topic!.partitions.map((p) => [p.partitionIndex, p.errorCode]), [[0, 0], [1, 0], [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    assert.deepEqual(topic!.partitions[1]!.activeProducers, [], 'nothing produced to partition 1');
    const byId = (ps: Active[]) => new Map(ps.map((p) => [p.producerId, p]));
    let active = byId(topic!.partitions[0]!.activeProducers);
    assert.equal(active.size, 2);
    const { lastTimestamp, ...idemState } = active.get(idem.producerId)!;
    assert.deepEqual(idemState, { producerId: idem.producerId, producerEpoch: idem.producerEpoch, lastSequence: 4, coordinatorEpoch: -1, currentTxnStartOffset: -1n });
    assert.equal(lastTimestamp, BigInt(ts + 1), 'the maxTimestamp of the last batch, as Kafka answers');
    const open = active.get(txn.producerId)!;
    assert.deepEqual([open.producerEpoch, open.lastSequence, open.currentTxnStartOffset], [txn.producerEpoch, 3, 5n]);

    assert.equal((await c.request(ApiKey.EndTxn, 3, { transactionalId: 'dp-tx', producerId: txn.producerId, producerEpoch: txn.producerEpoch, committed: true })).errorCode, ErrorCode.NONE);
    active = byId((await describe(c, [{ name: 'dp', partitionIndexes: [0] }]))[0]!.partitions[0]!.activeProducers);
    assert.equal(active.get(txn.producerId)?.currentTxnStartOffset, -1n, 'the commit closed the transaction');
    assert.equal(active.get(txn.producerId)?.lastSequence, 3, 'the marker does not move the sequence');
    c.close();
    await broker.close();
    broker = undefined;

    broker = await startTestBroker({}, dir);
    c = await WireClient.connect(broker.bootstrap);
    active = byId((await describe(c, [{ name: 'dp', partitionIndexes: [0] }]))[0]!.partitions[0]!.activeProducers);
    assert.deepEqual([...active.keys()].sort(), [idem.producerId, txn.producerId].sort(), 'both producers after the restart');
    assert.equal(active.get(idem.producerId)?.lastSequence, 4);
    assert.equal(active.get(idem.producerId)?.lastTimestamp, BigInt(ts + 1), 'the batch timestamp survives the snapshot');
    assert.equal(active.get(txn.producerId)?.lastTimestamp, BigInt(ts + 2));
  } finally {
    c?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DescribeProducers on a LogAppendTime topic answers the broker\'s append time the batch was stamped with', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker({});
  const c = await WireClient.connect(broker.bootstrap);
  try {
    const configs = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];
    const created = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'dp-lat', numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000 });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const idem = await c.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const ts = Date.now() - 3_600_000;
    const res = await produce(c, null, 0, batch(idem.producerId, idem.producerEpoch, 0, 2, false, ts), 'dp-lat');
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.ok(res.logAppendTimeMs > BigInt(ts), 'the broker stamped the batch');
    const [topic] = await describe(c, [{ name: 'dp-lat', partitionIndexes: [0] }]);
    const [p] = topic!.partitions[0]!.activeProducers;
    assert.equal(p?.lastSequence, 1);
    assert.equal(p?.lastTimestamp, res.logAppendTimeMs, 'the append time the batch carries');
  } finally {
    c.close();
    await broker.close();
  }
});
