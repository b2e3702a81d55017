// KafkaJS transactions against minikafka: commit and abort seen by read_committed and read_uncommitted
// consumers, sendOffsets (consume-transform-produce), fencing of an older producer instance, and
// the abort of a transaction left open past transaction.timeout.ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { WireClient } from '../../broker/wire-client.js';
import { waitFor, withTimeout } from '../../support/net.js';
import { uniqueTopic } from '../../support/target.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { newKafka } from './low-level.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';

const { Partitioners } = kafkajs;
const testTimeoutMs = 90_000;

async function withBroker(fn: (broker: TestBroker, kafka: Kafka) => Promise<void>, config: Record<string, string | number> = {}): Promise<void> {
  const broker = await startTestBroker({ 'minikafka.log.level': 'warn', ...config });
  try {
    await fn(broker, newKafka(broker.bootstrap));
  } finally {
    await broker.close();
  }
}

async function createTopic(kafka: Kafka, topic: string, numPartitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

function txnProducer(kafka: Kafka, transactionalId: string, transactionTimeout = 30_000): Producer {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout, createPartitioner: Partitioners.DefaultPartitioner });
}

/** Every value a consumer of `isolation` reads from the topic's start until `expected` values came (bounded). */
async function consumeValues(kafka: Kafka, topic: string, readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${topic}-${readUncommitted ? 'ru' : 'rc'}-${Date.now()}`, readUncommitted, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { values.push(message.value?.toString() ?? ''); } });
    await waitFor(`${expected} values (${readUncommitted ? 'read_uncommitted' : 'read_committed'})`, () => (values.length >= expected ? true : undefined), { timeoutMs: 30_000, intervalMs: 100 });
    // A little longer: nothing else (aborted data) may arrive.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return values;
}

async function lastStableOffset(broker: TestBroker, topic: string): Promise<{ lso: bigint; hw: bigint }> {
  const c = await WireClient.connect(broker.bootstrap);
  try {
    const ask = async (isolationLevel: number) => {
      const res = await c.request(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] });
      return res.topics[0].partitions[0].offset as bigint;
    };
    return { lso: await ask(1), hw: await ask(0) };
  } finally {
    c.close();
  }
}

test('KafkaJS: committed transactions are read by read_committed consumers, aborted ones only by read_uncommitted', { timeout: testTimeoutMs }, async () => {
  await withBroker(async (broker, kafka) => {
    const topic = uniqueTopic('txn-basic');
    await createTopic(kafka, topic, 2);
    const producer = txnProducer(kafka, `${topic}-tx`);
    await producer.connect();
    try {
      const t1 = await producer.transaction();
      await t1.send({ topic, messages: [{ key: 'a', value: 'committed-1' }, { key: 'b', value: 'committed-2' }] });
      await t1.commit();
      const t2 = await producer.transaction();
      await t2.send({ topic, messages: [{ key: 'a', value: 'aborted-1' }, { key: 'b', value: 'aborted-2' }] });
      await t2.abort();
      const t3 = await producer.transaction();
      await t3.send({ topic, messages: [{ key: 'c', value: 'committed-3' }] });
      await t3.commit();
    } finally {
      await producer.disconnect();
    }
    const committed = await consumeValues(kafka, topic, false, 3);
    assert.deepEqual(committed.sort(), ['committed-1', 'committed-2', 'committed-3']);
    const all = await consumeValues(kafka, topic, true, 5);
    assert.deepEqual(all.sort(), ['aborted-1', 'aborted-2', 'committed-1', 'committed-2', 'committed-3']);
    const described = await (async () => {
      const c = await WireClient.connect(broker.bootstrap);
      try {
        return await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [`${topic}-tx`, 'nope'] });
      } finally {
        c.close();
      }
    })();
    assert.equal(described.transactionStates[0].transactionState, 'CompleteCommit');
    assert.equal(described.transactionStates[1].errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
  });
});

test('KafkaJS: sendOffsets commits the consumer offsets with the transaction, and only then', { timeout: testTimeoutMs }, async () => {
  await withBroker(async (_broker, kafka) => {
    const input = uniqueTopic('txn-in');
    const output = uniqueTopic('txn-out');
    await createTopic(kafka, input);
    await createTopic(kafka, output);
    const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await plain.connect();
    await plain.send({ topic: input, messages: Array.from({ length: 10 }, (_, i) => ({ value: `in-${i}` })) });
    await plain.disconnect();
    const groupId = `${input}-g`;
    const producer = txnProducer(kafka, `${input}-tx`);
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsetOf = async () => (await admin.fetchOffsets({ groupId, topics: [input] }))[0]!.partitions[0]!.offset;
      // Abort: output invisible, offsets unchanged.
      const aborted = await producer.transaction();
      await aborted.send({ topic: output, messages: [{ value: 'out-aborted' }] });
      await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '5' }] }] });
      await aborted.abort();
      assert.equal(await offsetOf(), '-1');
      // Commit: output visible, offsets committed.
      const t = await producer.transaction();
      await t.send({ topic: output, messages: Array.from({ length: 10 }, (_, i) => ({ value: `out-${i}` })) });
      await t.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '10' }] }] });
      assert.equal(await offsetOf(), '-1', 'not visible before the commit');
      await t.commit();
      assert.equal(await offsetOf(), '10');
    } finally {
      await admin.disconnect();
      await producer.disconnect();
    }
    const out = await consumeValues(kafka, output, false, 10);
    assert.deepEqual(out.sort(), Array.from({ length: 10 }, (_, i) => `out-${i}`).sort());
  });
});

test('KafkaJS: a second producer with the same transactional id fences the first and aborts its open transaction', { timeout: testTimeoutMs }, async () => {
  await withBroker(async (broker, kafka) => {
    const topic = uniqueTopic('txn-fence');
    await createTopic(kafka, topic);
    const transactionalId = `${topic}-tx`;
    const first = txnProducer(kafka, transactionalId);
    await first.connect();
    const open = await first.transaction();
    await open.send({ topic, messages: [{ value: 'from-the-zombie' }] });
    assert.deepEqual(await lastStableOffset(broker, topic), { lso: 0n, hw: 1n }, 'the open transaction holds the LSO');
    const second = txnProducer(kafka, transactionalId);
    await second.connect();
    try {
      const t = await second.transaction(); // KafkaJS sends InitProducerId here
      assert.deepEqual(await lastStableOffset(broker, topic), { lso: 2n, hw: 2n }, 'aborted: marker written, LSO released');
      await t.send({ topic, messages: [{ value: 'from-the-new-one' }] });
      await t.commit();
      await assert.rejects(withTimeout('zombie commit', open.commit(), 20_000), (err: Error & { type?: string }) => {
        assert.match(String(err.type ?? err.name), /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|INVALID_TXN_STATE/);
        return true;
      });
    } finally {
      await Promise.allSettled([first.disconnect(), second.disconnect()]);
    }
    assert.deepEqual(await consumeValues(kafka, topic, false, 1), ['from-the-new-one']);
  });
});

test('KafkaJS: a transaction open past transaction.timeout.ms is aborted by the broker', { timeout: testTimeoutMs }, async () => {
  await withBroker(async (broker, kafka) => {
    const topic = uniqueTopic('txn-timeout');
    await createTopic(kafka, topic);
    const producer = txnProducer(kafka, `${topic}-tx`, 1000);
    await producer.connect();
    try {
      const t = await producer.transaction();
      await t.send({ topic, messages: [{ value: 'never-committed' }] });
      await waitFor('the broker aborts it', async () => {
        const { lso, hw } = await lastStableOffset(broker, topic);
        return lso === hw && hw === 2n ? true : undefined;
      }, { timeoutMs: 10_000, intervalMs: 100 });
      await assert.rejects(withTimeout('late commit', t.commit(), 20_000));
    } finally {
      await producer.disconnect();
    }
    const c = await WireClient.connect(broker.bootstrap);
    const listed = await c.request(ApiKey.ListTransactions, 1, { stateFilters: ['CompleteAbort'], producerIdFilters: [], durationFilter: -1n });
    c.close();
    assert.equal(listed.transactionStates.length, 1);
  }, { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 100 });
});
