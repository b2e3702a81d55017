/**
 * Graceful shutdown of `minikafka start` (src/cli/start.ts, src/broker/{broker,server}.ts): SIGTERM stops
 * the listener, answers what is in flight (a parked Fetch, acks=-1 Produces), writes the clean-shutdown
 * markers and exits 0; the next start skips recovery. A second signal forces exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { sleep, withTimeout } from '../support/net.js';
import { WireClient, createTopic, fetchAll, makeBatch, prng, produce, send } from '../durability/wire.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';

const TOPIC = 'shut';

/** 'refused' if the broker does not take a new connection, else 'answered' (it is still accepting). */
function tryConnect(bootstrap: string): Promise<'refused' | 'answered'> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.on('error', () => resolve('refused'));
    socket.on('close', () => resolve('refused'));
    socket.on('connect', () => {
      // Accepted by the kernel is not accepted by the broker: it must answer to count.
      const apiVersions = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 5, 0xff, 0xff]);
      socket.write(apiVersions);
    });
    socket.on('data', () => {
      socket.destroy();
      resolve('answered');
    });
    setTimeout(() => {
      socket.destroy();
      resolve('refused');
    }, 2000).unref();
  });
}

function logMessages(broker: BrokerProcess): string[] {
  return broker.logs.map((l) => {
    try {
      return String((JSON.parse(l) as { msg?: unknown }).msg);
    } catch {
      return '';
    }
  });
}

test('SIGTERM: stops accepting, answers a parked Fetch and in-flight Produces, writes the markers, exits 0; the next start skips recovery', { timeout: 45_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-shutdown-'));
  let broker: BrokerProcess | undefined;
  const clients: WireClient[] = [];
  try {
    broker = await spawnBroker({ dataDir });
    const admin = await WireClient.connect(broker.bootstrap);
    clients.push(admin);
    assert.equal(await createTopic(admin, TOPIC, 2), ErrorCode.NONE);
    // A consumer parked on the empty partition 1, for far longer than the shutdown may take.
    const consumer = await WireClient.connect(broker.bootstrap);
    clients.push(consumer);
    const parkedAt = Date.now();
    const parked = send(consumer, 1, 12, {
      maxWaitMs: 30_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    parked.catch(() => {});
    // Producers keep one acks=-1 Produce in flight each until the connection closes.
    const rand = prng(7);
    const acked: number[] = [];
    const errors: string[] = [];
    let stop = false;
    const producers = await Promise.all(Array.from({ length: 4 }, () => WireClient.connect(broker!.bootstrap)));
    clients.push(...producers);
    const loops = producers.map(async (p, i) => {
      for (let n = 0; !stop; n++) {
        let r;
        try {
          r = await produce(p, TOPIC, 0, makeBatch(rand, `p${i}-${n}`), -1);
        } catch {
          return; // the broker closed the connection: nothing it read is left unanswered (checked below)
        }
        if (r.errorCode === ErrorCode.NONE) acked.push(r.baseOffset);
        else errors.push(`producer ${i}: error ${r.errorCode}`);
      }
    });
    await sleep(700);
    assert.ok(acked.length > 0, 'producers are making progress');
    const t0 = Date.now();
    broker.kill('SIGTERM');
    await sleep(100);
    const during = await tryConnect(broker.bootstrap);
    const fetched = await withTimeout('parked fetch answered at shutdown', parked, 10_000);
    const answeredAfterMs = Date.now() - parkedAt;
    const exit = await withTimeout('broker exit', broker.stopped, 15_000);
    const exitMs = Date.now() - t0;
    stop = true;
    await withTimeout('producers done', Promise.all(loops), 5000);
    assert.equal(during, 'refused', 'no new connection is served once shutdown began');
    assert.equal(fetched.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.ok(answeredAfterMs < 20_000, `parked fetch answered by the shutdown, not its MaxWaitMs (${answeredAfterMs} ms)`);
    assert.deepEqual(errors, []);
    assert.deepEqual(exit, { code: 0, signal: null });
    // Under the 2 s grace for connections: clients that close on the broker's FIN must not make it wait.
    assert.ok(exitMs < 1500, `exited ${exitMs} ms after SIGTERM`);
    const msgs = logMessages(broker);
    assert.ok(msgs.includes('shutting down') && msgs.includes('stopped'), 'shutdown logged');
    for (const p of [0, 1]) assert.ok(existsSync(join(dataDir, TOPIC, String(p), 'clean-shutdown')), `clean-shutdown marker of partition ${p}`);
    console.log(`shutdown: ${acked.length} produces acknowledged, exit 0 after ${exitMs} ms`);

    // Restart: every acknowledged batch is there, and opening the partitions does not recover.
    for (const c of clients.splice(0)) c.close();
    broker = await spawnBroker({ dataDir });
    const reader = await WireClient.connect(broker.bootstrap);
    clients.push(reader);
    const all = await fetchAll(reader, TOPIC, 0);
    assert.equal(all.errorCode, ErrorCode.NONE);
    const stored = new Set(all.batches.map((b) => b.baseOffset));
    for (const o of acked) assert.ok(stored.has(o), `acknowledged batch at ${o} survived`);
    assert.equal((await fetchAll(reader, TOPIC, 1)).errorCode, ErrorCode.NONE);
    await sleep(200);
    const restartMsgs = logMessages(broker);
    assert.ok(!restartMsgs.includes('recovered log after unclean shutdown'), 'no recovery after a clean stop');
    assert.ok(!restartMsgs.some((m) => m.includes('recovering')), 'no recovery after a clean stop');
  } finally {
    for (const c of clients) c.close();
    if (broker) await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a second signal while shutdown is slow (a client not reading its responses) forces exit', { timeout: 30_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-shutdown-'));
  let broker: BrokerProcess | undefined;
  const clients: WireClient[] = [];
  try {
    broker = await spawnBroker({ dataDir });
    const admin = await WireClient.connect(broker.bootstrap);
    clients.push(admin);
    assert.equal(await createTopic(admin, TOPIC, 1), ErrorCode.NONE);
    const big = buildRecordBatch({ baseTimestamp: Date.now(), records: [{ value: Buffer.alloc(900_000, 1) }] });
    assert.equal((await produce(admin, TOPIC, 0, big, 1)).errorCode, ErrorCode.NONE);
    // A slow reader: responses pile up in the socket, so the graceful close waits for them.
    const slow = await WireClient.connect(broker.bootstrap);
    clients.push(slow);
    slow.socket.pause();
    for (let i = 0; i < 40; i++) {
      send(slow, 1, 12, {
        maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      }).catch(() => {});
    }
    await sleep(500);
    broker.kill('SIGTERM');
    await sleep(400);
    assert.equal(await Promise.race([broker.stopped.then(() => 'exited'), sleep(0).then(() => 'running')]), 'running', 'the first SIGTERM is still waiting on the slow reader');
    assert.equal(await tryConnect(broker.bootstrap), 'refused', 'the listener is closed while the broker is still finishing');
    const t1 = Date.now();
    broker.kill('SIGINT');
    const exit = await withTimeout('forced exit', broker.stopped, 5000);
    const forcedMs = Date.now() - t1;
    assert.deepEqual(exit, { code: 1, signal: null }, 'forced exit is not a clean one');
    assert.ok(forcedMs < 1000, `exited ${forcedMs} ms after the second signal`);
    assert.ok(logMessages(broker).includes('second signal: exiting now'));
  } finally {
    for (const c of clients) c.close();
    if (broker) await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
