// confluent-kafka-python (librdkafka) transactions against minikafka: commit and abort under both
// isolation levels, an exactly-once consume-transform-produce loop, and a broker SIGKILLed while a
// transaction is open: after the restart the transaction is aborted when its id is reused, and
// read_committed readers never see its records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { spawnBroker, type BrokerProcess } from '../../support/broker-process.js';
import { track, stopChild } from '../../support/children.js';
import { uniqueTopic } from '../../support/target.js';
import { WireClient } from '../../broker/wire-client.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const script = fileURLToPath(new URL('../../../../test/interop/confluent-python/txn_client.py', import.meta.url));
const hasPython = spawnSync('/usr/bin/python3', ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;
const skip = hasPython ? false : 'python3-confluent-kafka not installed (apt-get install python3-confluent-kafka)';
const config = { 'group.initial.rebalance.delay.ms': 0 };

function py<T>(args: string[], timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`python ${args[0]} exited ${code}: ${out.slice(-500)} ${err.slice(-1000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
    });
  });
}

async function createTopic(bootstrap: string, name: string): Promise<void> {
  const c = await WireClient.connect(bootstrap);
  try {
    const res = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
  } finally {
    c.close();
  }
}

async function withBroker(dataDir: string, fn: (b: BrokerProcess) => Promise<void>): Promise<void> {
  const broker = await spawnBroker({ dataDir, config });
  try {
    await fn(broker);
  } finally {
    await broker.stop();
  }
}

test('confluent-kafka-python: commit and abort, read_committed and read_uncommitted', { timeout: 120_000, skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-pytxn-'));
  try {
    await withBroker(dir, async (broker) => {
      const topic = uniqueTopic('py-txn');
      await createTopic(broker.bootstrap, topic);
      await py([ 'produce', broker.bootstrap, topic, `${topic}-tx`, 'c', '10', 'commit']);
      await py(['produce', broker.bootstrap, topic, `${topic}-tx`, 'a', '5', 'abort']);
      const committed = await py<string[]>(['consume', broker.bootstrap, topic, 'read_committed', '10']);
      assert.deepEqual(committed.sort(), Array.from({ length: 10 }, (_, i) => `c-${i}`).sort());
      const all = await py<string[]>(['consume', broker.bootstrap, topic, 'read_uncommitted', '15']);
      assert.equal(all.length, 15);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('confluent-kafka-python: consume-transform-produce with send_offsets_to_transaction processes every record once', { timeout: 120_000, skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-pyctp-'));
  try {
    await withBroker(dir, async (broker) => {
      const input = uniqueTopic('py-in');
      const output = uniqueTopic('py-out');
      await createTopic(broker.bootstrap, input);
      await createTopic(broker.bootstrap, output);
      await py(['produce', broker.bootstrap, input, `${input}-feed`, 'm', '30', 'commit']);
      const first = await py<{ processed: number }>(['ctp', broker.bootstrap, input, output, `${input}-ctp`, `${input}-g`, '30']);
      assert.equal(first.processed, 30);
      const out = await py<string[]>(['consume', broker.bootstrap, output, 'read_committed', '30']);
      assert.deepEqual(out.sort(), Array.from({ length: 30 }, (_, i) => `M-${i}`).sort());
      // A second run of the loop resumes after the offsets committed with the transactions: nothing twice.
      await py(['produce', broker.bootstrap, input, `${input}-feed`, 'n', '5', 'commit']);
      const second = await py<{ processed: number }>(['ctp', broker.bootstrap, input, output, `${input}-ctp`, `${input}-g`, '5']);
      assert.equal(second.processed, 5);
      const out2 = await py<string[]>(['consume', broker.bootstrap, output, 'read_committed', '35']);
      assert.equal(out2.length, 35);
      assert.equal(new Set(out2).size, 35);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 of the broker during an open transaction: after a restart it is aborted, never visible to read_committed', { timeout: 120_000, skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-pycrash-'));
  try {
    const topic = uniqueTopic('py-crash');
    const transactionalId = `${topic}-tx`;
    let broker = await spawnBroker({ dataDir: dir, config });
    try {
      await createTopic(broker.bootstrap, topic);
      await py(['produce', broker.bootstrap, topic, transactionalId, 'before', '3', 'commit']);
      const open = spawn('/usr/bin/python3', [script, 'open', broker.bootstrap, topic, transactionalId, 'doomed', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
      track(open);
      open.stderr!.resume();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the open transaction never got going')), 30_000);
        createInterface({ input: open.stdout! }).on('line', (l) => { if (l === 'OPEN') { clearTimeout(timer); resolve(); } });
      });
      broker.kill('SIGKILL');
      await broker.stopped;
      await stopChild(open, 'SIGKILL', 1000);
    } finally {
      broker.kill('SIGKILL');
      await broker.stopped;
    }
    broker = await spawnBroker({ dataDir: dir, config });
    try {
      const described = await (async () => {
        const c = await WireClient.connect(broker.bootstrap);
        try {
          return (await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [transactionalId] })).transactionStates[0];
        } finally {
          c.close();
        }
      })();
      assert.equal(described.transactionState, 'Ongoing', 'the coordinator state survived the kill');
      // The next instance of the producer fences the dead one and aborts its transaction.
      await py(['produce', broker.bootstrap, topic, transactionalId, 'after', '2', 'commit']);
      const committed = await py<string[]>(['consume', broker.bootstrap, topic, 'read_committed', '5']);
      assert.deepEqual(committed.sort(), ['after-0', 'after-1', 'before-0', 'before-1', 'before-2']);
      const all = await py<string[]>(['consume', broker.bootstrap, topic, 'read_uncommitted', '9']);
      assert.equal(all.filter((v) => v.startsWith('doomed')).length, 4, 'the aborted records are in the log');
    } finally {
      await broker.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
