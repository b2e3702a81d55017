/**
 * Exactly-once under crashes of the application and of the broker: a consume-transform-produce loop of
 * our client (test/eos/ctp-app.ts: read_committed input, producer.transaction() with sendOffsets) in a
 * child process is SIGKILLed at random moments several times, and the broker (a child process too) is
 * SIGKILLed and restarted on the same port and data directory once while the application runs. Each
 * new instance fences the previous one (same transactionalId) and resumes at the committed offsets.
 * Afterwards, for a read_committed reader every input record appears exactly once in the output (an
 * aborted transaction's records would show as duplicates); a read_uncommitted reader may see more.
 *
 *   EOS_KILL_SEED=1234 node --test dist/test/durability/eos-app-kill.test.js
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { exited, track } from '../support/children.js';
import { Admin, Producer, stringSerde } from '../../src/client/index.js';
import { exactlyOnce, readTopic } from '../eos/read-committed.js';
import { prng } from './wire.js';

const seed = Number(process.env.EOS_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const APP = fileURLToPath(new URL('../eos/ctp-app.js', import.meta.url));
const RECORDS = 600;
const PARTITIONS = 2;
const APP_KILLS = 5;
const BROKER_KILL_AT = 2;

interface App { child: ChildProcess; commits: number; ready: Promise<boolean>; output: string[] }

function startApp(bootstrap: string): App {
  const child = spawn(process.execPath, [APP, bootstrap, 'ak-in', 'ak-out', 'ak-group', 'ak-txn', String(PARTITIONS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const app: App = { child, commits: 0, ready: Promise.resolve(false), output: [] };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { if (app.output.length < 200) app.output.push(d); });
  app.ready = new Promise<boolean>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (app.output.length < 200) app.output.push(line);
      if (line.includes('"ready"')) resolve(true);
      else if (line.includes('"next"')) app.commits += 1;
    });
    void exited(child).then(() => resolve(false));
  });
  return app;
}

async function produceInputs(bootstrap: string, from: number, to: number): Promise<void> {
  const producer = new Producer({ bootstrap, keySerializer: stringSerde, valueSerializer: stringSerde });
  try {
    for (let i = from; i < to; i += 25) {
      await producer.send({ topic: 'ak-in', messages: Array.from({ length: Math.min(25, to - i) }, (_, j) => ({ key: `k${(i + j) % 7}`, value: `r-${i + j}` })) });
    }
  } finally {
    await producer.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`application and broker SIGKILLs in a consume-transform-produce loop: exactly once for read_committed (seed ${seed})`, { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${seed} (reproduce: EOS_KILL_SEED=${seed})`);
  const rand = prng(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-eos-kill-'));
  let broker: BrokerProcess = await spawnBroker({ dataDir });
  let app: App | undefined;
  const stats = { appKills: 0, brokerKills: 0, commitsBeforeKills: [] as number[] };
  try {
    const admin = new Admin({ bootstrap: broker.bootstrap });
    try {
      await admin.createTopics([{ topic: 'ak-in', partitions: PARTITIONS }, { topic: 'ak-out', partitions: PARTITIONS }]);
    } finally {
      await admin.close();
    }
    await produceInputs(broker.bootstrap, 0, RECORDS / 2);
    const deadline = Date.now() + 90_000;
    for (let kill = 0; kill < APP_KILLS && Date.now() < deadline; kill++) {
      app = startApp(broker.bootstrap);
      assert.ok(await Promise.race([app.ready, sleep(30_000).then(() => false)]), `the application started\n${app.output.join('\n')}`);
      if (kill === 1) void produceInputs(broker.bootstrap, RECORDS / 2, RECORDS).catch(() => undefined); // more input while it runs
      await sleep(100 + Math.floor(rand() * 700));
      if (kill === BROKER_KILL_AT) {
        broker.kill('SIGKILL');
        await broker.stopped;
        stats.brokerKills += 1;
        broker = await spawnBroker({ dataDir, port: broker.port });
        await sleep(200 + Math.floor(rand() * 800)); // the application reconnects and carries on (or fails and is replaced)
      }
      stats.commitsBeforeKills.push(app.commits);
      app.child.kill('SIGKILL');
      await exited(app.child);
      stats.appKills += 1;
    }
    // Whatever the kills left unproduced (the kill == 1 producer may have died with the broker) is sent now: duplicates of the input are possible.
    await produceInputs(broker.bootstrap, RECORDS / 2, RECORDS);

    app = startApp(broker.bootstrap);
    assert.ok(await Promise.race([app.ready, sleep(30_000).then(() => false)]), `the last application started\n${app.output.join('\n')}`);
    const input = await readTopic(broker.bootstrap, 'ak-in', { isolationLevel: 'read_uncommitted', done: (r) => new Set(r.map((x) => x.value)).size >= RECORDS, timeoutMs: 30_000, quietMs: 500 });
    const out = await readTopic(broker.bootstrap, 'ak-out', { done: (r) => r.length >= input.length, timeoutMs: 60_000, quietMs: 2000 });
    const everything = await readTopic(broker.bootstrap, 'ak-out', { isolationLevel: 'read_uncommitted', done: (r) => r.length >= out.length, timeoutMs: 20_000, quietMs: 500 });
    t.diagnostic(`app kills ${stats.appKills}, broker kills ${stats.brokerKills}, transactions committed before each kill ${stats.commitsBeforeKills.join(',')}; input ${input.length} records, output ${out.length} committed, ${everything.length} with aborted ones`);
    assert.equal(stats.appKills, APP_KILLS);
    assert.equal(stats.brokerKills, 1);
    // Each input record (by offset: a retried input produce may have stored a value twice) appears once in the output.
    const expected = input.map((r) => r.value.toUpperCase());
    const counts = (xs: string[]) => xs.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());
    const want = counts(expected);
    const got = counts(out.map((r) => r.value));
    const wrong = [...new Set([...want.keys(), ...got.keys()])].filter((v) => want.get(v) !== got.get(v)).slice(0, 20);
    assert.deepEqual(wrong.map((v) => [v, want.get(v) ?? 0, got.get(v) ?? 0]), [], 'value, times in the input, times in the committed output');
    assert.deepEqual(exactlyOnce([...new Set(out.map((r) => r.value))], [...new Set(expected)]).missing, []);
    assert.ok(everything.length >= out.length);
  } finally {
    if (app !== undefined && app.child.exitCode === null && app.child.signalCode === null) {
      app.child.kill('SIGTERM');
      const exit = await Promise.race([exited(app.child), sleep(10_000).then(() => undefined)]);
      if (exit === undefined) app.child.kill('SIGKILL');
    }
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
