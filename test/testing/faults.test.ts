// Fault injection (minikafka/testing's Faults) against a real broker, and how real clients react:
// KafkaJS and @platformatic/kafka retry retriable errors and surface the others; delays, drops and
// disconnects stall or cut one request while the broker keeps serving everything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Producer as PltProducer } from '@platformatic/kafka';
import { Admin, Producer } from '../../src/index.js';
import { Faults, startBroker, type RunningBroker } from '../../src/testing/index.js';
import { createLogger } from '../../src/broker/logger.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const kafkaJs = (bootstrap: string) => new kafkajs.Kafka({ clientId: 'faults', brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 200 } });

async function withBroker(fn: (broker: RunningBroker, faults: Faults, admin: Admin) => Promise<void>): Promise<void> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, logger: createLogger('silent'), config: { 'num.partitions': 2 } });
  const faults = new Faults(broker);
  const admin = new Admin({ bootstrap: broker.bootstrap });
  try {
    await fn(broker, faults, admin);
  } finally {
    faults.clear();
    await admin.close();
    await broker.close();
  }
}

const ends = async (admin: Admin, topic: string): Promise<bigint[]> => (await admin.listOffsets(topic)).sort((a, b) => a.partition - b.partition).map((o) => o.offset);

test('a retriable Produce error N times: KafkaJS and @platformatic/kafka retry, and each message is stored once', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, faults, admin) => {
    await admin.createTopics([{ topic: 'retry', partitions: 1 }]);
    const rule = faults.add({ api: 'Produce', topic: 'retry', action: { error: 'NOT_LEADER_OR_FOLLOWER' }, times: 2 });
    const producer = kafkaJs(broker.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic: 'retry', messages: [{ value: 'kafkajs' }] });
    await producer.disconnect();
    assert.equal(rule.hits, 2, 'the first two attempts were refused');

    const again = faults.add({ api: 'Produce', action: { error: 'NOT_LEADER_OR_FOLLOWER' }, times: 2 });
    const plt = new PltProducer({ clientId: 'faults-plt', bootstrapBrokers: [broker.bootstrap], retries: 5, retryDelay: 50, autocreateTopics: false });
    try {
      await plt.send({ messages: [{ topic: 'retry', value: Buffer.from('platformatic') }] });
    } finally {
      await plt.close();
    }
    assert.equal(again.hits, 2);
    // A refused Produce appends nothing: two messages sent, two stored.
    assert.deepEqual(await ends(admin, 'retry'), [2n]);
  });
});

test('a non-retriable Produce error is surfaced with its Kafka name', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, faults, admin) => {
    await admin.createTopics([{ topic: 'denied', partitions: 1 }]);
    faults.add({ api: 'Produce', action: { error: 'TOPIC_AUTHORIZATION_FAILED' } });
    const producer = kafkaJs(broker.bootstrap).producer();
    await producer.connect();
    await assert.rejects(producer.send({ topic: 'denied', messages: [{ value: 'x' }] }), (err: Error & { type?: string }) => {
      assert.equal(err.type, 'TOPIC_AUTHORIZATION_FAILED');
      return true;
    });
    await producer.disconnect();
    const ours = new Producer({ bootstrap: broker.bootstrap });
    await assert.rejects(ours.send({ topic: 'denied', messages: [{ value: 'y' }] }), /TOPIC_AUTHORIZATION_FAILED/);
    await ours.close();
    assert.deepEqual(await ends(admin, 'denied'), [0n]);
  });
});

test('leaderUnavailable fails one partition for a while; the other partition of the same request is served', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, faults, admin) => {
    await admin.createTopics([{ topic: 'lead', partitions: 2 }]);
    const rules = faults.leaderUnavailable('lead', 1, 600);
    const producer = new Producer({ bootstrap: broker.bootstrap, retries: 20, retryBackoffMs: 50, retryBackoffMaxMs: 100 });
    const t0 = Date.now();
    const [r0] = await producer.send({ topic: 'lead', messages: [{ value: 'p0', partition: 0 }] });
    assert.equal(r0!.partition, 0);
    assert.ok(Date.now() - t0 < 500, 'partition 0 is not held up');
    const [r1] = await producer.send({ topic: 'lead', messages: [{ value: 'p1', partition: 1 }] });
    assert.equal(r1!.partition, 1);
    assert.ok(Date.now() - t0 >= 550, `partition 1 waited for its leader (${Date.now() - t0} ms)`);
    assert.ok(rules.some((r) => r.hits > 0), 'requests hit the rules');
    await producer.close();
    assert.deepEqual(await ends(admin, 'lead'), [1n, 1n]);
  });
});

test('delay, drop and disconnect stall or cut one request; the broker keeps serving the rest', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, faults, admin) => {
    await admin.createTopics([{ topic: 'slow', partitions: 1 }]);
    faults.add({ api: 'ListOffsets', action: { delayMs: 400 }, times: 1 });
    const t0 = Date.now();
    await admin.listOffsets('slow');
    assert.ok(Date.now() - t0 >= 380, 'the ListOffsets answer was delayed');

    const drop = faults.add({ api: 'ListOffsets', action: { drop: true }, times: 1 });
    const other = new Admin({ bootstrap: broker.bootstrap });
    let answered = false;
    const pending = admin.listOffsets('slow').then((o) => (answered = true, o));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'a dropped request stays unanswered');
    assert.deepEqual(await other.listTopics(), ['slow'], 'another connection is served meanwhile');
    drop.remove();
    assert.deepEqual((await pending).map((o) => o.offset), [0n]);
    await other.close();

    // A cut Metadata: KafkaJS either retries on a new connection or surfaces KafkaJSConnectionClosedError
    // (it depends on where in its connect the cut lands); a second try always works.
    const cut = faults.add({ api: 'Metadata', action: { disconnect: true }, times: 1 });
    const k = kafkaJs(broker.bootstrap).admin();
    await k.connect().catch((err: Error) => assert.equal(err.name, 'KafkaJSConnectionClosedError'));
    let topics: string[] | undefined;
    for (let i = 0; i < 3 && topics === undefined; i++) topics = await k.listTopics().catch(() => undefined);
    assert.deepEqual(topics, ['slow']);
    assert.equal(cut.hits, 1);
    await k.disconnect();
  });
});

test('pause holds every request but ApiVersions until resume; maxVersions pretends to be an older Kafka', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, faults, admin) => {
    await admin.createTopics([{ topic: 'paused', partitions: 1 }]);
    faults.pause();
    let listed: string[] | undefined;
    const pending = admin.listTopics().then((t) => (listed = t));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(listed, undefined, 'held while paused');
    faults.resume();
    await pending;
    assert.deepEqual(listed, ['paused']);

    faults.maxVersions({ Produce: 7, Fetch: 11 });
    const produce = broker.state.registry.list().find((k) => k.apiKey === ApiKey.Produce)!;
    assert.equal(produce.maxVersion, 7);
    const k = kafkaJs(broker.bootstrap);
    const producer = k.producer();
    await producer.connect();
    await producer.send({ topic: 'paused', messages: [{ value: 'old kafka' }] });
    await producer.disconnect();
    faults.clear();
    assert.ok(broker.state.registry.list().find((x) => x.apiKey === ApiKey.Produce)!.maxVersion > 7, 'clear lifts the caps');
    assert.deepEqual(await ends(admin, 'paused'), [1n]);
  });
});

test('forceRebalance: a KafkaJS group rejoins (a new generation) and keeps consuming', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, faults, admin) => {
    await admin.createTopics([{ topic: 'rebal', partitions: 2 }]);
    const kafka = kafkaJs(broker.bootstrap);
    const consumer = kafka.consumer({ groupId: 'rebal-group', heartbeatInterval: 200, maxWaitTimeInMs: 200 });
    const generations: number[] = [];
    consumer.on(consumer.events.GROUP_JOIN, (e) => void generations.push(e.payload.groupId === 'rebal-group' ? generations.length + 1 : -1));
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: 'rebal', fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      for (let i = 0; i < 100 && generations.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(generations.length, 1);
      assert.equal(faults.forceRebalance('rebal-group'), true);
      for (let i = 0; i < 300 && generations.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(generations.length, 2, 'the member rejoined');
      assert.equal(faults.forceRebalance('no-such-group'), false);
    } finally {
      await consumer.disconnect();
    }
  });
});
