import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Consumer, type Kafka } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { spawnBroker } from '../../support/broker-process.js';
import { track, stopChild } from '../../support/children.js';
import { distDir } from '../../support/paths.js';
import { sleep, waitFor, withTimeout } from '../../support/net.js';
import { uniqueTopic } from '../../support/target.js';

const SESSION_MS = 6000;
const quietLogger = { 'minikafka.log.level': 'warn' };

function newKafka(bootstrap: string): Kafka {
  return new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'kjs-groups', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
}

async function withBroker(fn: (b: TestBroker, kafka: Kafka) => Promise<void>, config: Record<string, string | number> = {}): Promise<void> {
  const broker = await startTestBroker({ ...quietLogger, ...config });
  try {
    await fn(broker, newKafka(broker.bootstrap));
  } finally {
    await broker.close();
  }
}

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka: Kafka, topic: string, messages: Array<{ key?: string; value: string; partition?: number }>): Promise<void> {
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 100) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 100) });
  } finally {
    await producer.disconnect();
  }
}

interface Seen { member: number; p: number; o: bigint; v: string; t: number }

async function startConsumer(kafka: Kafka, topic: string, groupId: string, member: number, seen: Seen[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: SESSION_MS, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 200,
    eachMessage: async ({ partition, message }) => {
      seen.push({ member, p: partition, o: BigInt(message.offset), v: message.value!.toString(), t: Date.now() });
    },
  });
  return consumer;
}

async function groupStable(kafka: Kafka, groupId: string, members: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(`group ${groupId} stable with ${members} members`, async () => {
      const d = (await admin.describeGroups([groupId])).groups[0]!;
      return d.state === 'Stable' && d.members.length === members ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100 });
  } finally {
    await admin.disconnect();
  }
}

test('kafkajs groups: two group ids each receive every message', { timeout: 60_000 }, () =>
  withBroker(async (_b, kafka) => {
    const topic = uniqueTopic('kg-two');
    await createTopic(kafka, topic, 3);
    const values = Array.from({ length: 300 }, (_, i) => ({ value: `m${i}` }));
    await produce(kafka, topic, values);
    const seenA: Seen[] = [];
    const seenB: Seen[] = [];
    const consumers = [
      await startConsumer(kafka, topic, `${topic}-a`, 0, seenA),
      await startConsumer(kafka, topic, `${topic}-a`, 1, seenA),
      await startConsumer(kafka, topic, `${topic}-b`, 2, seenB),
    ];
    try {
      await waitFor('both groups got everything', () => (new Set(seenA.map((s) => s.v)).size === 300 && new Set(seenB.map((s) => s.v)).size === 300 ? true : undefined), { timeoutMs: 30_000 });
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect()));
    }
  }));

test('kafkajs groups: a group that commits, stops and restarts resumes after its committed offsets', { timeout: 60_000 }, () =>
  withBroker(async (_b, kafka) => {
    const topic = uniqueTopic('kg-resume');
    const groupId = `${topic}-g`;
    await createTopic(kafka, topic, 2);
    await produce(kafka, topic, Array.from({ length: 100 }, (_, i) => ({ value: `a${i}` })));
    const first: Seen[] = [];
    const c1 = await startConsumer(kafka, topic, groupId, 0, first);
    await waitFor('first 100', () => (first.length >= 100 ? true : undefined), { timeoutMs: 20_000 });
    await c1.disconnect(); // commits on the way out
    await produce(kafka, topic, Array.from({ length: 50 }, (_, i) => ({ value: `b${i}` })));
    const second: Seen[] = [];
    const c2 = await startConsumer(kafka, topic, groupId, 1, second);
    try {
      await waitFor('next 50', () => (second.length >= 50 ? true : undefined), { timeoutMs: 20_000 });
      await sleep(500);
      assert.deepEqual(second.map((s) => s.v).sort(), Array.from({ length: 50 }, (_, i) => `b${i}`).sort(), 'only the messages after the commit');
    } finally {
      await c2.disconnect();
    }
  }));

test('kafkajs groups: per-key order with 50 keys, 4 partitions, 3 members', { timeout: 60_000 }, () =>
  withBroker(async (_b, kafka) => {
    const topic = uniqueTopic('kg-order');
    const groupId = `${topic}-g`;
    await createTopic(kafka, topic, 4);
    const seen: Seen[] = [];
    const consumers: Consumer[] = [];
    for (let m = 0; m < 3; m++) consumers.push(await startConsumer(kafka, topic, groupId, m, seen));
    try {
      await groupStable(kafka, groupId, 3);
      const messages = [];
      for (let seq = 0; seq < 20; seq++) for (let k = 0; k < 50; k++) messages.push({ key: `key${k}`, value: `key${k}:${seq}` });
      await produce(kafka, topic, messages);
      await waitFor('all 1000', () => (seen.length >= 1000 ? true : undefined), { timeoutMs: 30_000 });
      const byKey = new Map<string, Seen[]>();
      for (const s of seen) {
        const key = s.v.split(':')[0]!;
        (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(s);
      }
      assert.equal(byKey.size, 50);
      for (const [key, list] of byKey) {
        assert.equal(new Set(list.map((s) => s.member)).size, 1, `${key} processed by one member`);
        assert.deepEqual(list.map((s) => Number(s.v.split(':')[1])), Array.from({ length: 20 }, (_, i) => i), `${key} in produce order`);
      }
      assert.equal(new Set(seen.map((s) => s.member)).size, 3, 'all three members did work');
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect()));
    }
  }));

function spawnMember(bootstrap: string, topic: string, groupId: string): { child: ChildProcess; lines: Array<Record<string, unknown>> } {
  const child = spawn(process.execPath, [join(distDir, 'test/interop/groups/kafkajs-member.js'), bootstrap, topic, groupId, String(SESSION_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  track(child);
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not ours
    }
  });
  return { child, lines };
}

test('kafkajs groups: SIGKILL one of three member processes mid-stream; survivors take its partitions within session timeout + 2 s, nothing lost', { timeout: 90_000 }, () =>
  withBroker(async (_b, kafka) => {
    const topic = uniqueTopic('kg-kill');
    const groupId = `${topic}-g`;
    await createTopic(kafka, topic, 6);
    const members = [0, 1, 2].map(() => spawnMember(_b.bootstrap, topic, groupId));
    try {
      await groupStable(kafka, groupId, 3);
      const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
      await producer.connect();
      let sent = 0;
      let producing = true;
      const pump = (async () => {
        for (let i = 0; producing && i < 2000; i++) {
          await producer.send({ topic, acks: -1, messages: Array.from({ length: 6 }, (_, j) => ({ value: `m${sent + j}`, partition: j })) });
          sent += 6;
          await sleep(25);
        }
      })();
      const victim = members[0]!;
      await waitFor('victim consuming', () => (victim.lines.some((l) => 'p' in l) ? true : undefined), { timeoutMs: 20_000 });
      await sleep(500);
      const victimPartitions = new Set(victim.lines.filter((l) => 'p' in l).map((l) => l.p as number));
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      const survivors = members.slice(1);
      const firstMoved = await waitFor('a survivor consumes a moved partition', () => {
        const hit = survivors.flatMap((m) => m.lines).filter((l) => 'p' in l && victimPartitions.has(l.p as number) && (l.t as number) > killedAt);
        return hit.length > 0 ? Math.min(...hit.map((l) => l.t as number)) : undefined;
      }, { timeoutMs: SESSION_MS + 10_000, intervalMs: 20 });
      const failoverMs = firstMoved - killedAt;
      producing = false;
      await pump;
      await producer.disconnect();
      const expected = new Set(Array.from({ length: sent }, (_, i) => `m${i}`));
      const all = () => members.flatMap((m) => m.lines).filter((l) => 'v' in l).map((l) => l.v as string);
      await waitFor('every message consumed', () => (all().filter((v) => expected.has(v)).length >= sent && new Set(all()).size >= sent ? true : undefined), { timeoutMs: 20_000 });
      const values = all();
      const duplicates = values.length - new Set(values).size;
      const lost = [...expected].filter((v) => !values.includes(v));
      console.log(`# classic failover (KafkaJS, session ${SESSION_MS} ms): ${failoverMs} ms from SIGKILL to first message of a moved partition; ${sent} sent, ${lost.length} lost, ${duplicates} duplicates`);
      assert.equal(lost.length, 0, `lost: ${lost.slice(0, 5).join(',')}`);
      assert.ok(failoverMs <= SESSION_MS + 2000, `failover took ${failoverMs} ms`);
    } finally {
      await Promise.all(members.map((m) => stopChild(m.child, 'SIGTERM', 3000)));
    }
  }));

test('kafkajs groups: committed offsets survive a broker restart (SIGKILL: commits are fsynced)', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-groups-'));
  try {
    let broker = await spawnBroker({ dataDir });
    const port = broker.port;
    const topic = uniqueTopic('kg-restart');
    const groupId = `${topic}-g`;
    try {
      let kafka = newKafka(broker.bootstrap);
      await createTopic(kafka, topic, 2);
      await produce(kafka, topic, Array.from({ length: 40 }, (_, i) => ({ value: `x${i}`, partition: i % 2 })));
      const admin = kafka.admin();
      await admin.connect();
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '11' }] });
      await admin.disconnect();
      broker.kill('SIGKILL');
      await broker.stopped;
      broker = await spawnBroker({ dataDir, port });
      kafka = newKafka(broker.bootstrap);
      const admin2 = kafka.admin();
      await admin2.connect();
      const offsets = await withTimeout('fetchOffsets', admin2.fetchOffsets({ groupId, topics: [topic] }), 10_000);
      await admin2.disconnect();
      assert.deepEqual(offsets[0]!.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '7'], [1, '11']]);
      const seen: Seen[] = [];
      const c = await startConsumer(kafka, topic, groupId, 0, seen);
      await waitFor('resumed', () => (seen.length >= 40 - 7 - 11 ? true : undefined), { timeoutMs: 20_000 });
      await c.disconnect();
      assert.equal(seen.length, 22);
      assert.ok(seen.every((s) => (s.p === 0 ? s.o >= 7n : s.o >= 11n)));
    } finally {
      await broker.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
