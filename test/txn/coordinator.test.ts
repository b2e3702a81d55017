// The transaction coordinator (src/txn/coordinator.ts) over an in-memory store: its state machine and
// errors, the timeout abort, and recovery of a transaction a crash caught in PrepareCommit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { ManualScheduler } from '../../src/group/clock.js';
import { GroupCoordinator } from '../../src/group/coordinator.js';
import { silentGroupLogger } from '../../src/group/types.js';
import { ProducerIdManager } from '../../src/txn/producer-ids.js';
import { TransactionCoordinator } from '../../src/txn/coordinator.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL } from '../../src/protocol/txn-records.js';

const config = { maxTimeoutMs: 900_000, abortCheckIntervalMs: 10_000, logPartitions: 2 };

async function rig(fs = new MemoryFs(), clock = new ManualScheduler()) {
  const store = TopicStore.open('/data', { fs });
  if (store.topic('t') === undefined) store.createTopic('t', 2);
  const groups = GroupCoordinator.open({ store, log: silentGroupLogger, scheduler: clock });
  const ids = new ProducerIdManager(fs, '/data/producer-ids', 1000);
  const txn = await TransactionCoordinator.open(store, groups, ids, silentGroupLogger, config, clock);
  return { fs, clock, store, groups, txn };
}

function txnBatch(producerId: number, epoch: number, seq: number): Buffer {
  return buildRecordBatch({ attributes: ATTR_TRANSACTIONAL, producerId, producerEpoch: epoch, baseSequence: seq, baseTimestamp: 1, records: [{ key: null, value: Buffer.from('x') }] });
}

test('state machine: init, add, commit, retries, fencing and Kafka error codes', async () => {
  const { txn, store } = await rig();
  assert.equal((await txn.initProducerId('tx', 2_000_000, -1, -1)).error, 'INVALID_TRANSACTION_TIMEOUT');
  assert.equal((await txn.initProducerId('', 1000, -1, -1)).error, 'INVALID_REQUEST');
  const a = await txn.initProducerId('tx', 60_000, -1, -1);
  assert.deepEqual([a.error, a.producerEpoch], ['NONE', 0]);
  const pid = a.producerId;
  const unknown = await txn.addPartitions('tx', pid, 0, [{ topic: 't', partitions: [0, 7] }], false);
  assert.deepEqual([...unknown.get('t')!], [[0, 'OPERATION_NOT_ATTEMPTED'], [7, 'UNKNOWN_TOPIC_OR_PARTITION']]);
  assert.equal((await txn.addPartitions('tx', pid + 1, 0, [{ topic: 't', partitions: [0] }], false)).get('t')!.get(0), 'INVALID_PRODUCER_ID_MAPPING');
  assert.equal((await txn.addPartitions('tx', pid, 1, [{ topic: 't', partitions: [0] }], false)).get('t')!.get(0), 'PRODUCER_FENCED');
  assert.equal(await txn.endTxn('tx', pid, 0, true), 'INVALID_TXN_STATE', 'nothing to end in Empty');
  assert.equal((await txn.addPartitions('tx', pid, 0, [{ topic: 't', partitions: [0, 1] }], false)).get('t')!.get(1), 'NONE');
  assert.equal((await txn.addPartitions('tx', pid, 0, [{ topic: 't', partitions: [1] }], true)).get('t')!.get(1), 'NONE', 'VerifyOnly: present');
  assert.equal(txn.describe('tx')!.state, 'Ongoing');
  assert.ok(txn.partitionInTxn(pid, 0, 't', 1));
  store.partition('t', 1).append(txnBatch(pid, 0, 0));
  assert.equal(store.partition('t', 1).producers.lastStableOffset(store.partition('t', 1).highWatermark), 0);
  assert.equal(await txn.endTxn('tx', pid, 0, true), 'NONE');
  assert.equal(store.partition('t', 1).producers.lastStableOffset(store.partition('t', 1).highWatermark), 2, 'marker written, LSO released');
  assert.equal(store.partition('t', 0).logEndOffset, 1, 'every partition of the transaction gets a marker');
  assert.equal(await txn.endTxn('tx', pid, 0, true), 'NONE', 'a retried commit');
  assert.equal(await txn.endTxn('tx', pid, 0, false), 'INVALID_TXN_STATE');
  const b = await txn.initProducerId('tx', 60_000, -1, -1);
  assert.deepEqual([b.producerId, b.producerEpoch], [pid, 1]);
  assert.equal(await txn.endTxn('tx', pid, 0, true), 'PRODUCER_FENCED');
  assert.deepEqual(await txn.initProducerId('tx', 60_000, pid, 0), { error: 'NONE', producerId: pid, producerEpoch: 1 }, 'KIP-360: a retry of the last bump');
  assert.equal((await txn.initProducerId('tx', 60_000, pid, 5)).error, 'PRODUCER_FENCED', 'KIP-360: an unknown epoch cannot bump');
  assert.equal((await txn.initProducerId('tx', 60_000, pid, 1)).producerEpoch, 2, 'KIP-360: the current epoch bumps');
  assert.deepEqual(txn.list(['CompleteCommit', 'Empty'], [], -1).map((t) => t.state), ['Empty']);
});

test('a transaction past its timeout is aborted with a bumped epoch (the producer is fenced)', async () => {
  const { txn, clock, store } = await rig();
  const { producerId } = await txn.initProducerId('slow', 1000, -1, -1);
  await txn.addPartitions('slow', producerId, 0, [{ topic: 't', partitions: [0] }], false);
  store.partition('t', 0).append(txnBatch(producerId, 0, 0));
  clock.advance(500);
  assert.equal(await txn.abortExpired(), 0);
  clock.advance(600);
  assert.equal(await txn.abortExpired(), 1);
  const d = txn.describe('slow')!;
  assert.deepEqual([d.state, d.producerEpoch], ['CompleteAbort', 1]);
  const log = store.partition('t', 0);
  assert.equal(log.producers.lastStableOffset(log.highWatermark), 2);
  assert.deepEqual(log.producers.abortedTxns(0, 2).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[producerId, 0, 1]]);
  assert.equal(await txn.endTxn('slow', producerId, 0, true), 'PRODUCER_FENCED');
});

test('a crash after PrepareCommit: the restarted coordinator writes the markers and completes the commit', async () => {
  const fs = new MemoryFs();
  const first = await rig(fs);
  const { producerId } = await first.txn.initProducerId('c', 60_000, -1, -1);
  await first.txn.addPartitions('c', producerId, 0, [{ topic: 't', partitions: [0] }], false);
  const log = first.store.partition('t', 0);
  log.append(txnBatch(producerId, 0, 0));
  await log.flush();
  // The marker's write fails: the transaction stays in PrepareCommit (durably), then the process dies.
  const remove = fs.inject((op, path) => (op === 'write' && path.startsWith('/data/t/0/') && path.endsWith('.log') ? 'EIO' : undefined));
  assert.equal(await first.txn.endTxn('c', producerId, 0, true), 'COORDINATOR_NOT_AVAILABLE');
  assert.equal(first.txn.describe('c')!.state, 'PrepareCommit');
  remove();
  first.txn.close();
  first.groups.close();
  fs.crash();
  const second = await rig(fs);
  assert.equal(second.txn.describe('c')!.state, 'CompleteCommit');
  const reopened = second.store.partition('t', 0);
  assert.equal(reopened.producers.lastStableOffset(reopened.highWatermark), reopened.highWatermark);
  assert.deepEqual(reopened.producers.abortedTxns(0, reopened.logEndOffset), [], 'committed, not aborted');
  second.txn.close();
  second.groups.close();
});

// Kafka's TransactionMetadata: a transactional id seen for the first time has no epoch yet, so whatever
// producer id and epoch the request names are accepted (@platformatic/kafka sends 0/0, not -1/-1); once
// the id has an epoch, a stale one is fenced.
test('InitProducerId naming a producer id and epoch for a new transactional id is accepted, as in Kafka', async () => {
  const { txn } = await rig();
  const a = await txn.initProducerId('fresh', 60_000, 0, 0);
  assert.deepEqual([a.error, a.producerEpoch], ['NONE', 0]);
  const b = await txn.initProducerId('fresh', 60_000, a.producerId, 0);
  assert.deepEqual([b.error, b.producerEpoch], ['NONE', 1]);
  assert.equal((await txn.initProducerId('fresh', 60_000, a.producerId, 0)).error, 'NONE', 'a retry of the bump from 0');
  assert.equal((await txn.initProducerId('fresh', 60_000, a.producerId + 1, 0)).error, 'PRODUCER_FENCED', 'an epoch exists now');
});
