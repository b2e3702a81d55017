// @platformatic/kafka's transactional requests against the broker: what a transaction commits is visible
// to a read_committed fetch, what it aborts is not, and a read_uncommitted fetch sees both; the
// consumer's fetch() with each isolation level reads the partition. 1.x's Producer has no transactions
// (2.x's beginTransaction needs Node 22), so the test sends the library's own InitProducerId v5,
// AddPartitionsToTxn v5, Produce v11 (transactional batches) and EndTxn v4 on its Connection, in the
// order 2.x's producer sends them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Admin, Consumer, NumericMap, addPartitionsToTxnV5, endTxnV4, initProducerIdV5, produceV11,
  type Connection, type FetchIsolationLevel,
} from '@platformatic/kafka';
import { startTestBroker } from '../../broker/harness.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { withConnection, closeForced } from '../../support/platformatic.js';

const CONTROL_BATCH = 0x20;

const TRANSACTIONAL_BATCH = 0x10;
const CONTROL_TYPE_ABORT = 0;

/**
 * Values of partition 0 up to its last stable offset (read_committed) or high watermark, control
 * batches left out. For read_committed the test drops aborted batches itself, as a Java consumer does
 * (and 2.x's Consumer.fetch did; 1.x returns them): a transactional batch is skipped while its producer
 * has an aborted transaction listed in the response's abortedTransactions starting at or before it,
 * until that producer's abort marker. So the broker's abortedTransactions are what is checked.
 */
async function readValues(consumer: Consumer, topic: string, isolationLevel: FetchIsolationLevel): Promise<string[]> {
  const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
  const t = metadata.topics.get(topic)!;
  const values: string[] = [];
  const pendingAborts: Array<{ producerId: bigint; firstOffset: bigint }> = [];
  const abortingProducers = new Set<bigint>();
  let next = 0n;
  const deadline = Date.now() + 15_000;
  for (let round = 0; round < 100 && Date.now() < deadline; round++) {
    const response = await consumer.fetch({
      node: t.partitions[0]!.leader, maxWaitTime: 100, isolationLevel,
      topics: [{ topicId: t.id, partitions: [{ partition: 0, fetchOffset: next, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    const p = response.responses.flatMap((r) => r.partitions).find((x) => x.partitionIndex === 0)!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    if (isolationLevel === 'READ_COMMITTED') {
      pendingAborts.push(...(p.abortedTransactions ?? []));
      pendingAborts.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
    }
    for (const batch of p.records ?? []) {
      const control = (batch.attributes & CONTROL_BATCH) !== 0;
      let aborted = false;
      if (isolationLevel === 'READ_COMMITTED' && (batch.attributes & TRANSACTIONAL_BATCH) !== 0) {
        const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
        while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= lastOffset) abortingProducers.add(pendingAborts.shift()!.producerId);
        if (control && batch.records[0]?.key.readInt16BE(2) === CONTROL_TYPE_ABORT) abortingProducers.delete(batch.producerId);
        else aborted = !control && abortingProducers.has(batch.producerId);
      }
      for (const r of batch.records) {
        const offset = batch.firstOffset + BigInt(r.offsetDelta);
        if (offset < next) continue;
        if (!control && !aborted) values.push(r.value?.toString() ?? '');
        next = offset + 1n;
      }
    }
    const end = isolationLevel === 'READ_COMMITTED' ? p.lastStableOffset : p.highWatermark;
    if (next >= end) return values;
  }
  throw new Error(`reading ${topic}: the end of the partition was not reached (at ${next})`);
}

/** One transactional id's producer, as 2.x's Producer runs it: InitProducerId, then per transaction AddPartitionsToTxn, Produce, EndTxn. */
class TransactionalProducer {
  readonly #sequences = new NumericMap();
  private constructor(private readonly connection: Connection, private readonly transactionalId: string, private readonly producerId: bigint, private readonly producerEpoch: number) {}

  static async init(connection: Connection, transactionalId: string): Promise<TransactionalProducer> {
    // As 2.x's Producer: its request timeout as the transaction timeout, and producer id/epoch 0/0 (not -1/-1).
    const r = await initProducerIdV5.api.async(connection, transactionalId, 10_000, 0n, 0);
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.ok(r.producerId >= 0n, `producer id ${r.producerId}`);
    return new TransactionalProducer(connection, transactionalId, r.producerId, r.producerEpoch);
  }

  async begin(topic: string, partition: number): Promise<void> {
    const r = await addPartitionsToTxnV5.api.async(this.connection, [{
      transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, verifyOnly: false,
      topics: [{ name: topic, partitions: [partition] }],
    }]);
    const codes = r.resultsByTransaction.flatMap((t) => t.topicResults.flatMap((x) => x.resultsByPartition.map((p) => p.partitionErrorCode)));
    assert.deepEqual([r.errorCode, codes], [ErrorCode.NONE, [ErrorCode.NONE]], 'AddPartitionsToTxn');
  }

  async send(topic: string, partition: number, values: string[]): Promise<void> {
    const r = await produceV11.api.async(this.connection, -1, 10_000,
      values.map((value) => ({ topic, partition, key: Buffer.from(value), value: Buffer.from(value) })),
      { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, sequences: this.#sequences, compression: 'none' });
    assert.ok(typeof r === 'object', 'acks=-1 has a response');
    assert.deepEqual(r.responses.flatMap((t) => t.partitionResponses.map((p) => p.errorCode)), [ErrorCode.NONE], 'Produce');
    this.#sequences.postIncrement(`${topic}:${partition}`, values.length, 0);
  }

  async end(commit: boolean): Promise<void> {
    const r = await endTxnV4.api.async(this.connection, this.transactionalId, this.producerId, this.producerEpoch, commit);
    assert.equal(r.errorCode, ErrorCode.NONE);
  }
}

test('platformatic: a transactional producer commits and aborts; read_committed sees the committed records only', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const base = { bootstrapBrokers: [broker.bootstrap], timeout: 10_000, retries: 3, retryDelay: 100 };
  const admin = new Admin({ ...base, clientId: 'plt-txn-admin' });
  const consumer = new Consumer({ ...base, clientId: 'plt-txn-consumer', groupId: 'plt-txn-unused' });
  try {
    await admin.createTopics({ topics: ['plt-txn'], partitions: 1, replicas: 1 });
    await withConnection(broker.bootstrap, 'plt-txn-producer', async (connection) => {
      const producer = await TransactionalProducer.init(connection, 'plt-txn');
      const transaction = async (values: string[]) => {
        await producer.begin('plt-txn', 0);
        await producer.send('plt-txn', 0, values);
      };

      await transaction(['c1', 'c2']);
      await producer.end(true);
      await transaction(['a1', 'a2']);
      assert.deepEqual(await readValues(consumer, 'plt-txn', 'READ_COMMITTED'), ['c1', 'c2'], 'an open transaction is not visible');
      await producer.end(false);
      await transaction(['c3']);
      await producer.end(true);
    });

    assert.deepEqual(await readValues(consumer, 'plt-txn', 'READ_COMMITTED'), ['c1', 'c2', 'c3']);
    assert.deepEqual(await readValues(consumer, 'plt-txn', 'READ_UNCOMMITTED'), ['c1', 'c2', 'a1', 'a2', 'c3']);
  } finally {
    await Promise.allSettled([admin.close(), closeForced(consumer)]);
    await broker.close();
  }
});
