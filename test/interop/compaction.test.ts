/** A compacted user topic seen through real clients: KafkaJS produces, the cleaner runs, kcat reads the compacted log (with its offset gaps). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startTestBroker } from '../broker/harness.js';
import { onlyMinikafka } from '../support/kafka-target.js';
import { runKcat } from '../support/kcat.js';

test('cleanup.policy=compact: latest value per key survives compaction, keyless records are refused', { timeout: 60_000, skip: onlyMinikafka('runs the cleaner inside the in-process broker on 1 KiB segments') }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false, 'minikafka.internal.segment.bytes': 1024 });
  const kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], clientId: 'compaction-test', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({
      topics: [{ topic: 'profiles', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const latest = new Map<string, string>();
    for (let round = 0; round < 20; round++) {
      const messages = Array.from({ length: 5 }, (_, k) => ({ key: `user-${k}`, value: `round-${round}-user-${k}` }));
      for (const m of messages) latest.set(m.key, m.value);
      await producer.send({ topic: 'profiles', acks: -1, messages });
    }
    await assert.rejects(producer.send({ topic: 'profiles', acks: -1, messages: [{ key: null, value: 'no key' }] }), /record|invalid|corrupt/i);

    const log = broker.state.store.partition('profiles', 0);
    assert.ok(log.segmentCount > 2, 'tiny segments rolled');
    log.roll();
    const result = await log.compact(Date.now(), { force: true });
    assert.ok(result.recordsRemoved > 0, 'the cleaner removed superseded records');

    const out = await runKcat(['-b', broker.bootstrap, '-C', '-t', 'profiles', '-p', '0', '-o', 'beginning', '-e', '-f', '%k=%s\n'], { timeoutMs: 20_000 });
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    const seen = new Map(lines.map((l) => l.split('=') as [string, string]));
    assert.deepEqual(seen, latest, 'every key reads back at its latest value');
    assert.ok(lines.length < 100, `compacted: ${lines.length} records left of 100`);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
});

test('cleanup.policy=compact with transactions: after cleaning, no reader sees aborted values and read_committed sees the latest committed ones', { timeout: 90_000, skip: onlyMinikafka('runs the cleaner inside the in-process broker on 1 KiB segments') }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false, 'minikafka.internal.segment.bytes': 1024, 'minikafka.log.level': 'warn' });
  const kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], clientId: 'compaction-txn-test', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ transactionalId: 'ledger-tx', idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({ topics: [{ topic: 'ledger', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const committed = new Map<string, string>();
    for (let round = 0; round < 10; round++) {
      const messages = Array.from({ length: 5 }, (_, k) => ({ key: `user-${k}`, value: `round-${round}-user-${k}` }));
      const tx = await producer.transaction();
      await tx.send({ topic: 'ledger', messages });
      if (round % 2 === 0) {
        await tx.commit();
        for (const m of messages) committed.set(m.key, m.value);
      } else {
        await tx.abort();
      }
    }
    const log = broker.state.store.partition('ledger', 0);
    log.roll();
    await log.flush();
    for (let pass = 0; pass < 2; pass++) await log.compact(Date.now(), { force: true });

    const read = async (isolation: string): Promise<string[]> => {
      const out = await runKcat(['-b', broker.bootstrap, '-C', '-t', 'ledger', '-p', '0', '-o', 'beginning', '-e', '-X', `isolation.level=${isolation}`, '-f', '%k=%s\n'], { timeoutMs: 20_000 });
      assert.equal(out.code, 0, out.stderr);
      return out.stdout.trim().split('\n').filter((l) => l !== '');
    };
    const uncommitted = await read('read_uncommitted');
    assert.deepEqual(uncommitted.filter((l) => /round-[13579]-/.test(l)), [], 'aborted values are gone, even for read_uncommitted');
    const readCommitted = await read('read_committed');
    assert.deepEqual(new Map(readCommitted.map((l) => l.split('=') as [string, string])), committed, 'each key reads back at its latest committed value');
    assert.equal(readCommitted.length, committed.size, 'superseded committed values were compacted away');
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
});
