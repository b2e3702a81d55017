/**
 * A Kafka Streams application (kafka-streams 4.4 from Maven Central, StreamsEos.java) with
 * processing.guarantee=exactly_once_v2 against a broker in a child process: it uppercases every input
 * record into one topic and counts records per key in a store with a changelog (an internal topic
 * Streams creates) into another. For a read_committed reader every input appears exactly once in the
 * output and each key's last count is its number of inputs; once with the broker SIGKILLed and
 * restarted on the same port and data directory while the application is mid-stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnBroker, type BrokerProcess } from '../../support/broker-process.js';
import { exited, track } from '../../support/children.js';
import { Admin, Producer, stringSerde } from '../../../src/client/index.js';
import { exactlyOnce, readTopic } from '../../eos/read-committed.js';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('../../../../test/interop/java/', import.meta.url));
const work = fileURLToPath(new URL('./work/', import.meta.url));
const skip = ['java', 'mvn'].every((c) => spawnSync(c, ['-version'], { stdio: 'ignore' }).status === 0) ? false : 'java or mvn not installed (apt-get install openjdk-17-jdk-headless maven)';

const RECORDS = 400;
const KEYS = 10;

async function classpath(): Promise<string> {
  mkdirSync(work, { recursive: true });
  const file = `${work}classpath-streams.txt`;
  const mvn = (offline: boolean) => run('mvn', ['-q', '-B', ...(offline ? ['-o'] : []), '-f', `${dir}pom.xml`, 'dependency:build-classpath', `-Dmdep.outputFile=${file}`, '-Dmdep.includeScope=runtime'], { timeout: 300_000 });
  await mvn(true).catch(() => mvn(false));
  return readFileSync(file, 'utf8').trim();
}

async function produceRange(bootstrap: string, from: number, to: number): Promise<void> {
  const producer = new Producer({ bootstrap, keySerializer: stringSerde, valueSerializer: stringSerde });
  try {
    for (let i = from; i < to; i += 20) {
      const messages = [];
      for (let j = i; j < Math.min(to, i + 20); j++) messages.push({ key: `k${j % KEYS}`, value: `v-${j}` });
      await producer.send({ topic: 'st-in', messages });
    }
  } finally {
    await producer.close();
  }
}

async function streamsRun(killBroker: boolean): Promise<void> {
  const cp = await classpath();
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-streams-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'minikafka-streams-state-'));
  let broker: BrokerProcess = await spawnBroker({ dataDir });
  const app = spawn('java', ['-XX:+UseSerialGC', '-cp', cp, `${dir}StreamsEos.java`, broker.bootstrap, 'st-app', 'st-in', 'st-out', 'st-counts', stateDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  track(app);
  const appOut: string[] = [];
  let appErr = '';
  app.stderr.setEncoding('utf8').on('data', (d: string) => { if (appErr.length < 20_000) appErr += d; });
  let running!: () => void;
  const runningOnce = new Promise<void>((r) => { running = r; });
  createInterface({ input: app.stdout }).on('line', (line) => {
    appOut.push(line);
    if (line === 'state RUNNING') running();
  });
  try {
    const admin = new Admin({ bootstrap: broker.bootstrap });
    try {
      await admin.createTopics(['st-in', 'st-out', 'st-counts'].map((topic) => ({ topic, partitions: 2 })));
    } finally {
      await admin.close();
    }
    const started = await Promise.race([runningOnce.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 120_000).unref()), exited(app).then(() => false)]);
    assert.ok(started, `the Streams application reached RUNNING\n${appOut.join('\n')}\n${appErr.slice(-4000)}`);

    await produceRange(broker.bootstrap, 0, RECORDS / 2);
    if (killBroker) {
      // Mid-stream: the application has transactions open and offsets uncommitted.
      await readTopic(broker.bootstrap, 'st-out', { isolationLevel: 'read_uncommitted', done: (r) => r.length >= 20, timeoutMs: 30_000, quietMs: 0 });
      broker.kill('SIGKILL');
      assert.equal((await broker.stopped).signal, 'SIGKILL');
      broker = await spawnBroker({ dataDir, port: broker.port });
    }
    await produceRange(broker.bootstrap, RECORDS / 2, RECORDS);

    const expected = Array.from({ length: RECORDS }, (_, i) => `V-${i}`);
    const out = await readTopic(broker.bootstrap, 'st-out', { done: (r) => r.length >= RECORDS, timeoutMs: Number(process.env.EOS_READ_MS ?? 120_000), quietMs: 3000 });
    const check = exactlyOnce(out.map((r) => r.value), expected);
    if (check.missing.length > 0 || check.duplicated.length > 0) {
      const all = await readTopic(broker.bootstrap, 'st-out', { isolationLevel: 'read_uncommitted', done: (r) => r.length >= RECORDS, timeoutMs: 20_000, quietMs: 1000 });
      const where = (v: string) => all.filter((r) => r.value === v).map((r) => `${r.partition}@${r.offset}`).join(' ');
      const input = await readTopic(broker.bootstrap, 'st-in', { isolationLevel: 'read_uncommitted', done: (r) => r.length >= RECORDS, timeoutMs: 20_000, quietMs: 500 });
      const whereIn = (v: string) => input.filter((r) => r.value === v.replace('V', 'v')).map((r) => `${r.partition}@${r.offset}`).join(' ');
      console.log('uncommitted', all.length, [...check.missing, ...check.duplicated].map((v) => `${v}: out ${where(v)} in ${whereIn(v)}`));
    }
    assert.deepEqual(check, { missing: [], duplicated: [], unexpected: [] }, `every input exactly once in the output (read ${out.length})\n${appOut.slice(-20).join('\n')}`);

    const counts = await readTopic(broker.bootstrap, 'st-counts', { done: (r) => KEYS_DONE(r), timeoutMs: 60_000, quietMs: 1000 });
    const last = new Map<string, number>();
    for (const r of counts) last.set(r.key, Math.max(last.get(r.key) ?? 0, Number(r.value)));
    assert.deepEqual([...last].sort(), Array.from({ length: KEYS }, (_, k) => [`k${k}`, RECORDS / KEYS]).sort(), 'each key counted once per input');
    // Within a key (one partition, in order), committed counts only grow: an aborted count is never read.
    const byKey = new Map<string, number[]>();
    for (const r of counts) byKey.set(r.key, [...(byKey.get(r.key) ?? []), Number(r.value)]);
    for (const [key, seq] of byKey) assert.ok(seq.every((v, i) => i === 0 || v > seq[i - 1]!), `counts of ${key} increase: ${seq.join(',')}`);
  } finally {
    app.stdin.end();
    const exit = await Promise.race([exited(app), new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000).unref())]);
    if (exit === undefined) app.kill('SIGKILL');
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function KEYS_DONE(records: ReadonlyArray<{ key: string; value: string }>): boolean {
  const last = new Map<string, number>();
  for (const r of records) last.set(r.key, Number(r.value));
  return last.size === KEYS && [...last.values()].every((v) => v >= RECORDS / KEYS);
}

test('Kafka Streams (4.4) exactly_once_v2: uppercase and a count with a changelog; every input exactly once for read_committed', { timeout: 400_000, skip }, () => streamsRun(false));

test('Kafka Streams (4.4) exactly_once_v2 with the broker SIGKILLed and restarted mid-stream: still exactly once', { timeout: 500_000, skip }, () => streamsRun(true));
