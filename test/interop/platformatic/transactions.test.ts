// @platformatic/kafka's transactional producer (beginTransaction, send, commit, abort) against the broker:
// what a transaction commits is visible to a read_committed fetch, what it aborts is not, and a
// read_uncommitted fetch sees both; the consumer's fetch() with each isolation level reads the partition.
import '../../support/node22-shims.js'; // first: @platformatic/kafka needs Promise.withResolvers
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, FetchIsolationLevels, Producer, stringSerializers } from '@platformatic/kafka';
import { startTestBroker } from '../../broker/harness.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const CONTROL_BATCH = 0x20;

/** Values of partition 0 up to its last stable offset (read_committed) or high watermark, control batches left out. */
async function readValues(consumer: Consumer, topic: string, isolationLevel: number): Promise<string[]> {
  const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
  const t = metadata.topics.get(topic)!;
  const values: string[] = [];
  let next = 0n;
  const deadline = Date.now() + 15_000;
  for (let round = 0; round < 100 && Date.now() < deadline; round++) {
    const response = await consumer.fetch({
      node: t.partitions[0]!.leader, maxWaitTime: 100, isolationLevel,
      topics: [{ topicId: t.id, partitions: [{ partition: 0, fetchOffset: next, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
    });
    const p = response.responses.flatMap((r) => r.partitions).find((x) => x.partitionIndex === 0)!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    for (const batch of p.records ?? []) {
      for (const r of batch.records) {
        const offset = batch.firstOffset + BigInt(r.offsetDelta);
        if (offset < next) continue;
        if ((batch.attributes & CONTROL_BATCH) === 0) values.push(r.value?.toString() ?? '');
        next = offset + 1n;
      }
    }
    const end = isolationLevel === FetchIsolationLevels.READ_COMMITTED ? p.lastStableOffset : p.highWatermark;
    if (next >= end) return values;
  }
  throw new Error(`reading ${topic}: the end of the partition was not reached (at ${next})`);
}

test('platformatic: a transactional producer commits and aborts; read_committed sees the committed records only', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const base = { bootstrapBrokers: [broker.bootstrap], timeout: 10_000, retries: 3, retryDelay: 100 };
  const admin = new Admin({ ...base, clientId: 'plt-txn-admin' });
  const producer = new Producer({ ...base, clientId: 'plt-txn-producer', idempotent: true, transactionalId: 'plt-txn', serializers: stringSerializers });
  const consumer = new Consumer({ ...base, clientId: 'plt-txn-consumer', groupId: 'plt-txn-unused' });
  try {
    await admin.createTopics({ topics: ['plt-txn'], partitions: 1, replicas: 1 });
    const send = (tx: Awaited<ReturnType<typeof producer.beginTransaction>>, values: string[]) =>
      tx.send({ messages: values.map((value) => ({ topic: 'plt-txn', partition: 0, key: value, value })), acks: -1 });

    const t1 = await producer.beginTransaction();
    await send(t1, ['c1', 'c2']);
    await t1.commit();
    const t2 = await producer.beginTransaction();
    await send(t2, ['a1', 'a2']);
    assert.deepEqual(await readValues(consumer, 'plt-txn', FetchIsolationLevels.READ_COMMITTED), ['c1', 'c2'], 'an open transaction is not visible');
    await t2.abort();
    const t3 = await producer.beginTransaction();
    await send(t3, ['c3']);
    await t3.commit();

    assert.deepEqual(await readValues(consumer, 'plt-txn', FetchIsolationLevels.READ_COMMITTED), ['c1', 'c2', 'c3']);
    assert.deepEqual(await readValues(consumer, 'plt-txn', FetchIsolationLevels.READ_UNCOMMITTED), ['c1', 'c2', 'a1', 'a2', 'c3']);
  } finally {
    await Promise.allSettled([admin.close(), producer.close(), consumer.close(true)]);
    await broker.close();
  }
});
