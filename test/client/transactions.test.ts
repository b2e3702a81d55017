// Our client's exactly-once: idempotence by default, producer.transaction() (send, sendOffsets,
// commit, abort), ProducerFencedError, and the consumer's isolationLevel, against a real broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { Admin, Consumer, Producer, ProducerFencedError, stringSerde, type ConsumedMessage, type IsolationLevel } from '../../src/client/index.js';
import { readBatchHeader } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function readAll(bootstrap: string, topic: string, isolationLevel: IsolationLevel, n: number): Promise<string[]> {
  const consumer = new Consumer({ bootstrap, valueDeserializer: stringSerde, autoOffsetReset: 'earliest', isolationLevel, maxWaitMs: 100 });
  const out: ConsumedMessage<Buffer, string>[] = [];
  try {
    consumer.assign([{ topic, partition: 0 }]);
    const it = consumer[Symbol.asyncIterator]();
    const deadline = Date.now() + 10_000;
    // n values, then a short while longer: nothing more (aborted data) may come.
    let quietUntil = Infinity;
    // One next() in flight at a time: a pending one outlives an idle tick (dropping it would drop its record).
    let pending: ReturnType<typeof it.next> | undefined;
    while (Date.now() < Math.min(deadline, quietUntil)) {
      pending ??= it.next();
      const r = await Promise.race([pending, new Promise<'idle'>((res) => setTimeout(() => res('idle'), 200).unref())]);
      if (r === 'idle') continue;
      pending = undefined;
      if (r.done === true) break;
      out.push(r.value);
      if (out.length >= n && quietUntil === Infinity) quietUntil = Date.now() + 400;
    }
  } finally {
    await consumer.close();
  }
  return out.map((m) => m.value!);
}

test('producers are idempotent by default: batches carry a producer id and sequence', async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const producer = new Producer({ bootstrap: broker.bootstrap });
  const c = await WireClient.connect(broker.bootstrap);
  try {
    await producer.send({ topic: 'idem-default', messages: [{ value: 'x' }] });
    const res = await c.request(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'idem-default', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const h = readBatchHeader(res.responses[0].partitions[0].records, 0);
    assert.ok(h.producerId >= 0, 'a producer id');
    assert.equal(h.baseSequence, 0);
    assert.throws(() => new Producer({ bootstrap: broker.bootstrap, acks: 1, idempotent: true }), TypeError);
    await new Producer({ bootstrap: broker.bootstrap, acks: 1 }).close(); // not idempotent, no error: as Java
  } finally {
    c.close();
    await producer.close();
    await broker.close();
  }
});

test('producer.transaction(): commit, abort and sendOffsets; consumers see what their isolation level allows', async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const producer = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'ours', valueSerializer: stringSerde });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  try {
    const t1 = await producer.transaction();
    await t1.send({ topic: 'eos', messages: [{ value: 'c1' }, { value: 'c2' }] });
    await t1.sendOffsets({ groupId: 'eos-g', offsets: [{ topic: 'eos', partition: 0, offset: 2n }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'eos', messages: [{ value: 'a1' }] });
    await t2.sendOffsets({ groupId: 'eos-g', offsets: [{ topic: 'eos', partition: 0, offset: 99n }] });
    await t2.abort();
    await assert.rejects(t2.send({ topic: 'eos', messages: [{ value: 'late' }] }));
    const t3 = await producer.transaction();
    await t3.send({ topic: 'eos', messages: [{ value: 'c3' }] });
    // c1 c2 at 0-1, the commit marker at 2, a1 at 3, the abort marker at 4: the open transaction starts at 5.
    const [open] = await admin.describeProducers('eos');
    assert.deepEqual([open?.partition, open?.lastSequence, open?.currentTransactionStartOffset], [0, 3, 5n], 'Admin.describeProducers (DescribeProducers)');
    await t3.commit();
    assert.equal((await admin.describeProducers('eos', [0]))[0]?.currentTransactionStartOffset, -1n, 'none open after the commit');
    assert.deepEqual(await readAll(broker.bootstrap, 'eos', 'read_committed', 3), ['c1', 'c2', 'c3']);
    assert.deepEqual(await readAll(broker.bootstrap, 'eos', 'read_uncommitted', 4), ['c1', 'c2', 'a1', 'c3']);
    const committed = await admin.fetchCommittedOffsets('eos-g');
    assert.deepEqual(committed.map((o) => o.offset), [2n], 'the aborted transaction\'s offsets were dropped');
    await assert.rejects(producer.send({ topic: 'eos', messages: [{ value: 'outside' }] }), /transaction/);
  } finally {
    await admin.close();
    await producer.close();
    await broker.close();
  }
});

// Apache Kafka answers EndTxn once the transaction is prepared and writes its markers afterwards: until
// they are written, AddPartitionsToTxn answers CONCURRENT_TRANSACTIONS (v4+: inside resultsByTransaction),
// which the producer must retry before the partition's batch goes out (FINDINGS K5).
test('back-to-back transactions: commit, abort, commit without sendOffsets; the abort takes effect', async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const producer = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'b2b', valueSerializer: stringSerde });
  try {
    const t1 = await producer.transaction();
    await t1.send({ topic: 'b2b', messages: [{ value: 'c1' }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'b2b', messages: [{ value: 'a1' }] });
    await t2.abort();
    const t3 = await producer.transaction();
    await t3.send({ topic: 'b2b', messages: [{ value: 'c2' }] });
    await t3.commit();
    const t4 = await producer.transaction();
    await t4.send({ topic: 'b2b', messages: [{ value: 'a2' }] });
    await t4.abort();
    assert.deepEqual(await readAll(broker.bootstrap, 'b2b', 'read_committed', 2), ['c1', 'c2']);
    assert.deepEqual(await readAll(broker.bootstrap, 'b2b', 'read_uncommitted', 4), ['c1', 'a1', 'c2', 'a2']);
  } finally {
    await producer.close();
    await broker.close();
  }
});

test('a fenced producer adding a partition to its open transaction gets ProducerFencedError from AddPartitionsToTxn', async () => {
  const broker = await startTestBroker({ 'num.partitions': 2 });
  const zombie = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'fence-add', valueSerializer: stringSerde });
  const next = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'fence-add', valueSerializer: stringSerde });
  try {
    const old = await zombie.transaction();
    await old.send({ topic: 'fa', messages: [{ value: 'zombie-0', partition: 0 }] });
    await next.transaction(); // InitProducerId: bumps the epoch, aborts the zombie's transaction
    await assert.rejects(old.send({ topic: 'fa', messages: [{ value: 'zombie-1', partition: 1 }] }), ProducerFencedError);
  } finally {
    await Promise.allSettled([zombie.close(), next.close()]);
    await broker.close();
  }
});

test('a second producer with the same transactionalId fences the first: ProducerFencedError', async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const zombie = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'fence-me', valueSerializer: stringSerde });
  const next = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'fence-me', valueSerializer: stringSerde });
  try {
    const old = await zombie.transaction();
    await old.send({ topic: 'f', messages: [{ value: 'zombie' }] });
    const t = await next.transaction();
    await t.send({ topic: 'f', messages: [{ value: 'next' }] });
    await t.commit();
    await assert.rejects(old.commit(), ProducerFencedError);
    await assert.rejects(zombie.transaction(), ProducerFencedError);
    assert.deepEqual(await readAll(broker.bootstrap, 'f', 'read_committed', 1), ['next']);
  } finally {
    await Promise.allSettled([zombie.close(), next.close()]);
    await broker.close();
  }
});
