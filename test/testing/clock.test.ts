// A TestClock drives the broker's time: a silent member is removed exactly when its session timeout has
// passed on the clock (not on the wall), and retention deletes a sealed segment once retention.ms has
// passed, with no real waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock, startBroker } from '../../src/testing/index.js';
import { Admin, Consumer, Producer } from '../../src/index.js';
import { createLogger } from '../../src/broker/logger.js';

test('session timeouts follow the test clock', { timeout: 60_000 }, async () => {
  const clock = new TestClock();
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ':memory:', clock, logger: createLogger('silent') });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  // A member that heartbeats once a minute of real time: only the clock can expire it.
  const consumer = new Consumer({ bootstrap: broker.bootstrap, groupId: 'clocked', groupProtocol: 'classic', sessionTimeoutMs: 6000, heartbeatIntervalMs: 60_000 });
  try {
    await admin.createTopics([{ topic: 'clocked', partitions: 1 }]);
    await consumer.subscribe('clocked');
    const members = async (): Promise<number> => (await admin.describeGroups(['clocked']))[0]!.members.length;
    for (let i = 0; i < 100 && (await members()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await members(), 1);
    clock.advance(5999);
    assert.equal(await members(), 1, 'not expired before the session timeout');
    clock.advance(2);
    assert.equal(await members(), 0, 'expired once the session timeout passed on the clock');
  } finally {
    await Promise.allSettled([consumer.close(), admin.close()]);
    await broker.close();
  }
});

test('retention follows the test clock', { timeout: 60_000 }, async () => {
  const clock = new TestClock();
  const broker = await startBroker({
    host: '127.0.0.1', port: 0, dataDir: ':memory:', clock, logger: createLogger('silent'),
    config: { 'log.retention.check.interval.ms': 1000 },
  });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  const producer = new Producer({ bootstrap: broker.bootstrap });
  try {
    await admin.createTopics([{ topic: 'aging', partitions: 1, configs: { 'retention.ms': '60000', 'segment.ms': '10000' } }]);
    // Record timestamps come from the producer (real time); the clock starts at real time too.
    await producer.send({ topic: 'aging', messages: [{ value: 'old' }] });
    clock.advance(11_000); // the segment is older than segment.ms: the next append rolls
    await producer.send({ topic: 'aging', messages: [{ value: 'new' }] });
    const earliest = async (): Promise<bigint> => (await admin.listOffsets('aging', 'earliest'))[0]!.offset;
    assert.equal(await earliest(), 0n);
    clock.advance(30_000);
    assert.equal(await earliest(), 0n, 'kept before retention.ms');
    clock.advance(40_000);
    assert.equal(await earliest(), 1n, 'the old segment is gone once retention.ms passed on the clock');
  } finally {
    await Promise.allSettled([producer.close(), admin.close()]);
    await broker.close();
  }
});

// The produce handler stamped LogAppendTime batches with the wall clock while the log used the broker's clock.
test('LogAppendTime follows the test clock: the broker stamps batches with its own time', { timeout: 60_000 }, async () => {
  const clock = new TestClock();
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ':memory:', clock, logger: createLogger('silent') });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  const producer = new Producer({ bootstrap: broker.bootstrap });
  try {
    await admin.createTopics([{ topic: 'stamped', partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } }]);
    clock.advance(3_600_000);
    const [sent] = await producer.send({ topic: 'stamped', messages: [{ value: 'x', timestamp: 1000 }] });
    assert.equal(sent!.timestamp, clock.now(), 'the batch is stamped with the clock\'s time');
  } finally {
    await Promise.allSettled([producer.close(), admin.close()]);
    await broker.close();
  }
});

test('transaction timeouts follow the test clock: an open transaction is aborted once transaction.timeout.ms has passed', { timeout: 60_000 }, async () => {
  const clock = new TestClock();
  const broker = await startBroker({
    host: '127.0.0.1', port: 0, dataDir: ':memory:', clock, logger: createLogger('silent'),
    config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000 },
  });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  const producer = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'clocked-txn', transactionTimeoutMs: 60_000 });
  try {
    await admin.createTopics([{ topic: 'txn-clocked', partitions: 1 }]);
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-clocked', messages: [{ value: 'never committed' }] });
    const state = async (): Promise<string> => (await admin.describeTransactions(['clocked-txn']))[0]!.state;
    assert.equal(await state(), 'Ongoing');
    clock.advance(59_000);
    assert.equal(await state(), 'Ongoing', 'not aborted before its timeout');
    clock.advance(2_500);
    let now = await state();
    for (let i = 0; i < 100 && now !== 'CompleteAbort'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      now = await state();
    }
    assert.equal(now, 'CompleteAbort', 'aborted once its timeout passed on the clock');
  } finally {
    await Promise.allSettled([producer.close(), admin.close()]);
    await broker.close();
  }
});
