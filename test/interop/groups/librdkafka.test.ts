/** librdkafka's balanced consumer through kcat -G, and python3-confluent-kafka (apt, /usr/bin/python3). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { kcatOk, runKcat } from '../../support/kcat.js';
import { track, stopChild } from '../../support/children.js';
import { waitFor } from '../../support/net.js';
import { uniqueTopic } from '../../support/target.js';
import { WireClient } from '../../broker/wire-client.js';

const config = { 'minikafka.log.level': 'warn' };
const hasPython = spawnSync('/usr/bin/python3', ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;

async function setup(partitions: number, count: number, tag: string): Promise<{ broker: TestBroker; topic: string }> {
  const broker = await startTestBroker(config);
  const topic = uniqueTopic(tag);
  const c = await WireClient.connect(broker.bootstrap);
  await c.request(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  c.close();
  if (count > 0) await produce(broker, topic, 0, count);
  return { broker, topic };
}

async function produce(broker: TestBroker, topic: string, from: number, count: number): Promise<void> {
  // Keyed, so messages spread over every partition (librdkafka sticks unkeyed batches to one partition).
  const input = Array.from({ length: count }, (_, i) => `k${from + i}:m${from + i}`).join('\n') + '\n';
  kcatOk(await runKcat(['-b', broker.bootstrap, '-t', topic, '-P', '-K', ':', '-X', 'acks=all'], { input, timeoutMs: 15_000 }), 'produce');
}

async function committed(broker: TestBroker, groupId: string): Promise<number> {
  const c = await WireClient.connect(broker.bootstrap);
  const res = await c.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId, topics: null }], requireStable: false });
  c.close();
  return res.groups[0].topics.flatMap((t: { partitions: Array<{ committedOffset: bigint }> }) => t.partitions).reduce((n: number, p: { committedOffset: bigint }) => n + Number(p.committedOffset), 0);
}

for (const strategy of ['range,roundrobin', 'cooperative-sticky']) test(`kcat -G (${strategy}): two balanced consumers split the partitions; a restart resumes after the committed offsets`, { timeout: 90_000 }, async () => {
  const { broker, topic } = await setup(4, 0, 'kcat-g');
  const groupId = `${topic}-g`;
  try {
    const kcatArgs = ['-b', broker.bootstrap, '-G', groupId, '-X', `partition.assignment.strategy=${strategy}`, '-X', 'session.timeout.ms=6000', '-X', 'auto.offset.reset=earliest', '-X', 'auto.commit.interval.ms=100', '-f', '%p %s\\n', '-u', topic];
    const lines: string[][] = [[], []];
    const children = [0, 1].map((i) => {
      const child = spawn('kcat', kcatArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      track(child);
      createInterface({ input: child.stdout! }).on('line', (l) => lines[i]!.push(l));
      child.stderr!.resume();
      return child;
    });
    try {
      await waitFor('two members, stable', async () => {
        const c = await WireClient.connect(broker.bootstrap);
        const d = await c.request(ApiKey.DescribeGroups, 5, { groups: [groupId], includeAuthorizedOperations: false });
        c.close();
        return d.groups[0].groupState === 'Stable' && d.groups[0].members.length === 2 ? true : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      await produce(broker, topic, 0, 200);
      await waitFor('all 200 consumed', () => (new Set([...lines[0]!, ...lines[1]!].map((l) => l.split(' ')[1])).size === 200 ? true : undefined), { timeoutMs: 40_000, intervalMs: 100 });
      await waitFor('offsets committed', async () => ((await committed(broker, groupId)) === 200 ? true : undefined), { timeoutMs: 10_000, intervalMs: 200 });
    } finally {
      await Promise.all(children.map((c) => stopChild(c, 'SIGTERM', 5000)));
    }
    const partitionsOf = (i: number) => new Set(lines[i]!.map((l) => l.split(' ')[0]));
    const overlap = [...partitionsOf(0)].filter((p) => partitionsOf(1).has(p));
    assert.ok(partitionsOf(0).size > 0 && partitionsOf(1).size > 0, `both members consumed (${[...partitionsOf(0)]} / ${[...partitionsOf(1)]})`);
    assert.deepEqual(overlap, [], 'a stable group: each partition read by one member');
    await produce(broker, topic, 200, 20);
    const again = await runKcat(['-b', broker.bootstrap, '-G', groupId, '-X', `partition.assignment.strategy=${strategy}`, '-X', 'session.timeout.ms=6000', '-f', '%s\\n', '-e', topic], { timeoutMs: 30_000 });
    const got = kcatOk(again, 'resume').trim().split('\n').filter((l) => l !== '');
    assert.deepEqual(got.sort(), Array.from({ length: 20 }, (_, i) => `m${200 + i}`).sort());
  } finally {
    await broker.close();
  }
});

const pythonConsumer = `
import sys, json
from confluent_kafka import Consumer
bootstrap, topic, group, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
              'session.timeout.ms': 6000, 'enable.auto.commit': False})
c.subscribe([topic])
got = []
for _ in range(600):
    if len(got) >= want:
        break
    m = c.poll(0.1)
    if m is None or m.error():
        continue
    got.append(m.value().decode())
if got:
    c.commit(asynchronous=False)
c.close()
print(json.dumps(got))
`;
import { ApiKey } from '../../../src/protocol/generated/index.js';

function runPython(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-c', pythonConsumer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`python exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as string[]);
    });
  });
}

test('python3-confluent-kafka: a consumer group reads everything, commits, and a restart resumes after the commit', { timeout: 120_000, skip: hasPython ? false : 'python3-confluent-kafka not installed (apt-get install python3-confluent-kafka)' }, async () => {
  const { broker, topic } = await setup(3, 90, 'py-g');
  const groupId = `${topic}-g`;
  try {
    const first = await runPython([broker.bootstrap, topic, groupId, '90']);
    assert.equal(new Set(first).size, 90);
    assert.equal(await committed(broker, groupId), 90);
    await produce(broker, topic, 90, 15);
    const second = await runPython([broker.bootstrap, topic, groupId, '15']);
    assert.deepEqual(second.sort(), Array.from({ length: 15 }, (_, i) => `m${90 + i}`).sort());
  } finally {
    await broker.close();
  }
});
