// Transactions over TCP with the generated codecs: FindCoordinator key type 1, TxnOffsetCommit and
// OffsetFetch RequireStable, Fetch read_committed (LSO, aborted transactions) before and after a restart,
// and transactional Produce refused outside the transaction's partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL } from '../../src/protocol/txn-records.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

function txnBatch(pid: bigint, epoch: number, seq: number, values: string[]): Buffer {
  return buildRecordBatch({ attributes: ATTR_TRANSACTIONAL, producerId: Number(pid), producerEpoch: epoch, baseSequence: seq, baseTimestamp: Date.now(), records: values.map((v) => ({ key: null, value: Buffer.from(v) })) });
}

async function produce(c: WireClient, topic: string, partition: number, records: Buffer): Promise<number> {
  const res = await c.request(ApiKey.Produce, 9, { transactionalId: 'tx', acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return res.responses[0].partitionResponses[0].errorCode;
}

async function fetchCommitted(c: WireClient, topic: string) {
  const res = await c.request(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.responses[0].partitions[0];
  return { lso: p.lastStableOffset as bigint, hw: p.highWatermark as bigint, aborted: (p.abortedTransactions ?? []) as Array<{ producerId: bigint; firstOffset: bigint }>, bytes: (p.records as Buffer).length };
}

test('transactions over the wire: coordinator lookup, offsets in a transaction, read_committed and its aborted list across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-txnwire-'));
  try {
    let broker = await startTestBroker({}, dir);
    let c = await WireClient.connect(broker.bootstrap);
    await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'tt', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    const found = await c.request(ApiKey.FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx'] });
    assert.equal(found.coordinators[0].errorCode, ErrorCode.NONE);
    assert.equal(found.coordinators[0].port, Number(broker.bootstrap.split(':')[1]));

    const init = await c.request(ApiKey.InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const { producerId: pid, producerEpoch: epoch } = init;
    assert.equal(await produce(c, 'tt', 0, txnBatch(pid, epoch, 0, ['early'])), ErrorCode.INVALID_TXN_STATE, 'not added to the transaction yet');
    const added = await c.request(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: 'tt', partitions: [0] }] });
    assert.equal(added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.NONE);
    assert.equal(await produce(c, 'tt', 1, txnBatch(pid, epoch, 0, ['elsewhere'])), ErrorCode.INVALID_TXN_STATE, 'partition 1 is not in the transaction');
    assert.equal(await produce(c, 'tt', 0, txnBatch(pid, epoch, 0, ['doomed-1', 'doomed-2'])), ErrorCode.NONE);
    assert.equal((await c.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId: 'tx', producerId: pid, producerEpoch: epoch, groupId: 'g' })).errorCode, ErrorCode.NONE);
    const committed = await c.request(ApiKey.TxnOffsetCommit, 3, { transactionalId: 'tx', groupId: 'g', producerId: pid, producerEpoch: epoch, generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'tt', partitions: [{ partitionIndex: 0, committedOffset: 2n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    assert.equal(committed.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    const stable = await c.request(ApiKey.OffsetFetch, 7, { groupId: 'g', topics: [{ name: 'tt', partitionIndexes: [0] }], requireStable: true });
    assert.equal(stable.topics[0].partitions[0].errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
    const unstable = await c.request(ApiKey.OffsetFetch, 7, { groupId: 'g', topics: [{ name: 'tt', partitionIndexes: [0] }], requireStable: false });
    assert.equal(unstable.topics[0].partitions[0].committedOffset, -1n, 'not visible before the commit');
    assert.deepEqual(await fetchCommitted(c, 'tt'), { lso: 0n, hw: 2n, aborted: [], bytes: 0 });
    assert.equal((await c.request(ApiKey.EndTxn, 3, { transactionalId: 'tx', producerId: pid, producerEpoch: epoch, committed: false })).errorCode, ErrorCode.NONE);
    const after = await fetchCommitted(c, 'tt');
    assert.deepEqual([after.lso, after.hw, after.aborted], [3n, 3n, [{ producerId: pid, firstOffset: 0n }]]);
    const offsets = await c.request(ApiKey.OffsetFetch, 7, { groupId: 'g', topics: [{ name: 'tt', partitionIndexes: [0] }], requireStable: true });
    assert.deepEqual([offsets.topics[0].partitions[0].errorCode, offsets.topics[0].partitions[0].committedOffset], [ErrorCode.NONE, -1n], 'aborted offsets are dropped');
    const listed = await c.request(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: 'tt', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
    assert.equal(listed.topics[0].partitions[0].offset, 3n);
    c.close();
    await broker.close();
    // The segment was never rolled: its aborted transaction is in a .txnindex written at the clean shutdown.
    assert.ok(readdirSync(join(dir, 'tt', '0')).some((n) => n.endsWith('.txnindex')));

    broker = await startTestBroker({}, dir);
    c = await WireClient.connect(broker.bootstrap);
    const reread = await fetchCommitted(c, 'tt');
    assert.deepEqual(reread.aborted, [{ producerId: pid, firstOffset: 0n }], 'the aborted list survives the restart');
    const desc = await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tx'] });
    assert.equal(desc.transactionStates[0].transactionState, 'CompleteAbort');
    c.close();
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Kafka verifies a transactional Produce with the coordinator (KIP-890 part 1); a producer fenced by a
// newer epoch gets PRODUCER_FENCED there, answered to the Produce as INVALID_PRODUCER_EPOCH, which the
// Java client raises from the send as InvalidProducerEpochException (test/interop/java/transactions.test.ts).
test('a transactional Produce from a fenced epoch gets INVALID_PRODUCER_EPOCH, not INVALID_TXN_STATE', async () => {
  const broker = await startTestBroker();
  const c = await WireClient.connect(broker.bootstrap);
  try {
    await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'fence', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    const init = () => c.request(ApiKey.InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    const old = await init();
    await c.request(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: old.producerId, v3AndBelowProducerEpoch: old.producerEpoch, v3AndBelowTopics: [{ name: 'fence', partitions: [0] }] });
    assert.equal(await produce(c, 'fence', 0, txnBatch(old.producerId, old.producerEpoch, 0, ['before'])), ErrorCode.NONE);
    let fresh = await init();
    for (let i = 0; i < 50 && fresh.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS; i++) {
      await new Promise((r) => setTimeout(r, 20));
      fresh = await init();
    }
    assert.equal(fresh.errorCode, ErrorCode.NONE);
    assert.ok(fresh.producerEpoch > old.producerEpoch);
    assert.equal(await produce(c, 'fence', 0, txnBatch(old.producerId, old.producerEpoch, 1, ['after'])), ErrorCode.INVALID_PRODUCER_EPOCH);
  } finally {
    c.close();
    await broker.close();
  }
});
