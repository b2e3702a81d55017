/**
 * Limits of src/broker/{limits,server,connection}.ts: frame size, connections (total and per IP),
 * requests in flight, fetch bytes, idle timeout, and slow writers/readers that must not pin memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { waitFor, sleep, withTimeout } from '../support/net.js';
import { createTopic, fetchFrom, produce } from '../durability/wire.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

function rawConnect(bootstrap: string): Promise<Socket> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: host!, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function logged(broker: TestBroker, msg: string, from = 0): Record<string, unknown> | undefined {
  return broker.logs.slice(from).find((l) => l.msg === msg);
}

async function apiVersionsOk(client: WireClient): Promise<void> {
  const res = await withTimeout('ApiVersions', client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }), 5000);
  assert.equal(res.errorCode, ErrorCode.NONE);
}

function batchOf(valueBytes: number, tag: string): Buffer {
  return buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: Buffer.from(tag), value: Buffer.alloc(valueBytes, tag) }] });
}

test('a frame over socket.request.max.bytes closes only its connection, with a log line', async () => {
  const broker = await startTestBroker({ 'socket.request.max.bytes': 4096 });
  const good = await WireClient.connect(broker.bootstrap);
  try {
    const from = broker.logs.length;
    const bad = await rawConnect(broker.bootstrap);
    const head = Buffer.alloc(8);
    head.writeInt32BE(4097, 0); // one byte over: refused from the size prefix alone
    bad.write(head);
    assert.ok(await closedWithin(bad, 5000), 'broker closed the oversized connection');
    const line = logged(broker, 'closing connection', from);
    assert.ok(line, 'a closing-connection line was logged');
    assert.equal(line.reason, 'bad frame');
    assert.match(String(line.err), /4097/);
    await apiVersionsOk(good);
    // A frame of exactly the limit is accepted: ApiVersions v3 padded with a long client id.
    const exact = await rawConnect(broker.bootstrap);
    try {
      const clientIdBytes = 4096 - 16;
      const f = Buffer.alloc(4 + 4096);
      let o = f.writeInt32BE(4096, 0);
      o = f.writeInt16BE(18, o);
      o = f.writeInt16BE(3, o);
      o = f.writeInt32BE(77, o);
      o = f.writeInt16BE(clientIdBytes, o);
      o += f.write('c'.repeat(clientIdBytes), o, 'latin1');
      Buffer.from([0, 2, 0x74, 2, 0x31, 0]).copy(f, o); // no header tags; name 't', version '1', no body tags
      assert.equal(o + 6, f.length);
      exact.write(f);
      const reply = await withTimeout('reply to a frame at the limit', new Promise<Buffer>((resolve) => exact.once('data', resolve)), 5000);
      assert.equal(reply.readInt32BE(4), 77, 'answered with its correlation id');
    } finally {
      exact.destroy();
    }
  } finally {
    good.close();
    await broker.close();
  }
});

test('max.connections and max.connections.per.ip: the extra connection is closed and logged, a freed slot is reused', async () => {
  for (const [name, config, msg] of [
    ['max.connections', { 'max.connections': 3 }, 'connection refused: max.connections reached'],
    ['max.connections.per.ip', { 'max.connections.per.ip': 3, 'max.connections': 100 }, 'connection refused: max.connections.per.ip reached'],
  ] as const) {
    const broker = await startTestBroker(config);
    const clients: WireClient[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const c = await WireClient.connect(broker.bootstrap);
        clients.push(c);
        await apiVersionsOk(c);
      }
      const from = broker.logs.length;
      const extra = await rawConnect(broker.bootstrap);
      assert.ok(await closedWithin(extra, 5000), `${name}: the 4th connection is closed`);
      const line = logged(broker, msg, from);
      assert.ok(line, `${name}: refusal logged`);
      assert.equal(line.level, 'warn');
      assert.equal(broker.connectionStats().length, 3);
      for (const c of clients) await apiVersionsOk(c);
      clients.shift()!.close();
      await waitFor(`${name}: slot freed`, () => (broker.connectionStats().length === 2 ? true : undefined), { timeoutMs: 5000 });
      const again = await WireClient.connect(broker.bootstrap);
      clients.push(again);
      await apiVersionsOk(again);
    } finally {
      for (const c of clients) c.close();
      await broker.close();
    }
  }
});

test('queued.max.requests: a client pipelining past the limit gets every response, in order', async () => {
  const limit = 4;
  const broker = await startTestBroker({ 'queued.max.requests': limit });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    assert.equal(await createTopic(client, 'pipe', 1), ErrorCode.NONE);
    const count = 60;
    const order: number[] = [];
    let maxInFlight = 0;
    let sawPaused = false;
    const sampler = setInterval(() => {
      for (const s of broker.connectionStats()) {
        maxInFlight = Math.max(maxInFlight, s.inFlight);
        sawPaused ||= s.paused;
      }
    }, 1);
    // Corked: all requests reach the broker in one or two chunks, so the limit must hold within a chunk.
    client.socket.cork();
    const pending = Array.from({ length: count }, (_, i) =>
      produce(client, 'pipe', 0, batchOf(64, `p${i}`), -1).then((r) => {
        order.push(i);
        return r;
      }),
    );
    process.nextTick(() => client.socket.uncork());
    await new Promise((r) => setImmediate(r));
    for (const s of broker.connectionStats()) maxInFlight = Math.max(maxInFlight, s.inFlight);
    const results = await withTimeout('pipelined produces', Promise.all(pending), 20_000);
    clearInterval(sampler);
    assert.deepEqual(order, Array.from({ length: count }, (_, i) => i), 'responses in request order');
    assert.deepEqual(results.map((r) => r.errorCode), Array(count).fill(ErrorCode.NONE));
    assert.deepEqual(results.map((r) => r.baseOffset), Array.from({ length: count }, (_, i) => i), 'dense offsets, none dropped');
    assert.ok(maxInFlight <= limit, `in flight stayed within ${limit} (saw ${maxInFlight})`);
    assert.ok(sawPaused || maxInFlight === limit, 'reading paused at the limit');
  } finally {
    client.close();
    await broker.close();
  }
});

test('fetch.max.bytes, request MaxBytes and partition MaxBytes bound a Fetch (KIP-74: the first batch may exceed them)', async () => {
  const broker = await startTestBroker({ 'fetch.max.bytes': 5000 });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    assert.equal(await createTopic(client, 'sized', 2), ErrorCode.NONE);
    const batchBytes = batchOf(1000, 'x').length;
    for (let i = 0; i < 10; i++) {
      for (const p of [0, 1]) assert.equal((await produce(client, 'sized', p, batchOf(1000, 'x'), 1)).errorCode, ErrorCode.NONE);
    }
    const fetch = (maxBytes: number, partitionMaxBytes: number) =>
      client.request(ApiKey.Fetch, 12, {
        maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'sized', partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes })) }],
        forgottenTopicsData: [], rackId: '',
      }).then((res) => res.responses[0].partitions.map((p: { records: Buffer }) => p.records.length) as number[]);
    // Partition limit: whole batches that fit.
    // Partition limit: whole batches that fit, on each partition (both within fetch.max.bytes).
    assert.deepEqual(await fetch(1 << 20, 2.5 * batchBytes), [2 * batchBytes, 2 * batchBytes]);
    // Request limit across partitions.
    const byRequest = await fetch(3 * batchBytes, 1 << 20);
    assert.deepEqual(byRequest, [3 * batchBytes, 0]);
    // Broker limit wins over a larger request limit.
    const byBroker = await fetch(1 << 20, 1 << 20);
    assert.ok(byBroker[0]! + byBroker[1]! <= 5000, `fetch.max.bytes holds: ${byBroker}`);
    assert.equal(byBroker[0], Math.floor(5000 / batchBytes) * batchBytes);
    // KIP-74: a first batch larger than every limit still comes back, alone.
    assert.deepEqual(await fetch(10, 10), [batchBytes, 0]);
    // The helper's single-partition view agrees.
    assert.equal((await fetchFrom(client, 'sized', 1, 0, batchBytes)).batches.length, 1);
  } finally {
    client.close();
    await broker.close();
  }
});

test('connections.max.idle.ms closes an idle connection with a log line; an active one stays', async () => {
  const idleMs = 600;
  const broker = await startTestBroker({ 'connections.max.idle.ms': idleMs });
  const active = await WireClient.connect(broker.bootstrap);
  try {
    const from = broker.logs.length;
    const idle = await rawConnect(broker.bootstrap);
    const t0 = Date.now();
    const closing = closedWithin(idle, 10_000);
    const keepAlive = (async () => {
      while (Date.now() - t0 < 3 * idleMs) {
        await apiVersionsOk(active);
        await sleep(idleMs / 4);
      }
    })();
    assert.ok(await closing, 'idle connection closed');
    const elapsedMs = Date.now() - t0;
    assert.ok(elapsedMs >= idleMs - 50 && elapsedMs < idleMs + 3000, `closed after ${elapsedMs} ms`);
    const line = logged(broker, 'closing connection', from);
    assert.equal(line?.reason, 'idle timeout');
    assert.equal(line?.idleMs, idleMs);
    await keepAlive;
    await apiVersionsOk(active);
  } finally {
    active.close();
    await broker.close();
  }
});

test('slow writer: a declared 64 MB frame dribbled a byte at a time holds only the bytes received, then hits the idle timeout', async () => {
  const idleMs = 1500;
  const broker = await startTestBroker({ 'connections.max.idle.ms': idleMs });
  const slow = await rawConnect(broker.bootstrap);
  try {
    const declared = Buffer.alloc(4);
    declared.writeInt32BE(64 * 1024 * 1024, 0);
    const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
    const from = broker.logs.length;
    const closing = closedWithin(slow, 15_000);
    const t0 = Date.now();
    let sent = 0;
    for (const byte of declared) {
      slow.write(Buffer.from([byte]));
      sent++;
      await sleep(5);
    }
    // Dribble far more often than the idle timeout: partial-frame bytes are not activity.
    while (!slow.destroyed && sent < 400 && Date.now() - t0 < idleMs - 300) {
      slow.write(Buffer.from([0x2a]));
      sent++;
      await sleep(5);
    }
    const stats = await waitFor('the bytes to arrive', () => {
      const s = broker.connectionStats()[0];
      return s !== undefined && s.partialFrameBytes === sent ? s : undefined;
    }, { timeoutMs: 2000 });
    assert.ok(stats.partialFrameChunks <= 2, `${sent} one-byte chunks held in ${stats.partialFrameChunks} buffers`);
    const grownBytes = process.memoryUsage().arrayBuffers - arrayBuffersBefore;
    assert.ok(grownBytes < 8 * 1024 * 1024, `no up-front allocation of the declared size (array buffers grew ${grownBytes} bytes)`);
    const keepDribbling = (async () => {
      while (!slow.destroyed) {
        slow.write(Buffer.from([0x2a]));
        await sleep(50);
      }
    })();
    assert.ok(await closing, 'the dribbling connection is closed');
    await keepDribbling;
    const elapsedMs = Date.now() - t0;
    assert.ok(elapsedMs < idleMs + 3000, `closed after ${elapsedMs} ms`);
    const line = logged(broker, 'closing connection', from);
    assert.equal(line?.reason, 'idle timeout');
    assert.ok(Number(line?.partialFrameBytes) >= sent, 'the log line says how much of a frame was pending');
  } finally {
    slow.destroy();
    await broker.close();
  }
});

test('slow reader: thousands of pipelined Fetches never read keep the broker-side buffer bounded; all answered once read', async () => {
  const broker = await startTestBroker({ 'minikafka.log.level': 'warn' });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    assert.equal(await createTopic(client, 'wide', 1), ErrorCode.NONE);
    const batch = batchOf(32 * 1024, 'w');
    assert.equal((await produce(client, 'wide', 0, batch, 1)).errorCode, ErrorCode.NONE);
    client.socket.pause(); // never read, until the end
    const count = 2000;
    client.socket.cork();
    const answers = Promise.all(Array.from({ length: count }, () => fetchFrom(client, 'wide', 0, 0, 64 * 1024)));
    answers.catch(() => {}); // if an assertion below fails first, report it rather than the closed connection
    process.nextTick(() => client.socket.uncork());
    let peakHeldBytes = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      for (const s of broker.connectionStats()) peakHeldBytes = Math.max(peakHeldBytes, s.bufferedBytes + s.heldResponseBytes);
      await sleep(5);
    }
    // Unbounded, this would be count x 32 KB = 64 MB, less what the kernel's socket buffers absorb.
    const boundBytes = 1024 * 1024;
    assert.ok(peakHeldBytes < boundBytes, `broker held at most ${peakHeldBytes} response bytes for the connection (bound ${boundBytes})`);
    client.socket.resume();
    const fetched = await withTimeout('every fetch answered', answers, 30_000);
    assert.equal(fetched.length, count);
    for (const f of fetched) {
      assert.equal(f.errorCode, ErrorCode.NONE);
      assert.equal(f.batches.length, 1);
    }
  } finally {
    client.close();
    await broker.close();
  }
});

// 500 pipelined long-poll Fetches on one connection were all parked at once, each able to hold fetch.max.bytes when woken.
test('pipelined long-poll Fetches on one connection are served one at a time: one parked, all answered in order after an append', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    assert.equal(await createTopic(client, 'lp', 1), ErrorCode.NONE);
    const longPoll = () => client.request(ApiKey.Fetch, 12, {
      maxWaitMs: 10_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'lp', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const order: number[] = [];
    const pending = Array.from({ length: 20 }, (_, i) => longPoll().then((r: { responses: Array<{ partitions: Array<{ records: Buffer | null }> }> }) => {
      order.push(i);
      return r.responses[0]!.partitions[0]!.records?.length ?? 0;
    }));
    await sleep(300);
    assert.equal(broker.state.purgatory.size, 1, 'only the first Fetch is parked');
    const producer = await WireClient.connect(broker.bootstrap);
    assert.equal((await produce(producer, 'lp', 0, batchOf(100, 'x'), 1)).errorCode, ErrorCode.NONE);
    producer.close();
    const sizes = await withTimeout('pipelined fetches', Promise.all(pending), 5_000);
    assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i), 'answered in request order');
    assert.ok(sizes.every((n) => n > 0), 'each one returned the appended batch');
  } finally {
    client.close();
    await broker.close();
  }
});

// A mutated CreateTopics from the frame storm asked for a huge partition count; the next Metadata answer ran the broker out of heap.
test('max.partitions bounds CreateTopics, CreatePartitions and auto-creation (INVALID_PARTITIONS with a message)', async () => {
  const broker = await startTestBroker({ 'max.partitions': 10, 'num.partitions': 4 });
  const client = await WireClient.connect(broker.bootstrap);
  const create = (name: string, numPartitions: number) => client.request(ApiKey.CreateTopics, 5, {
    topics: [{ name, numPartitions, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false,
  }).then((r: { topics: Array<{ errorCode: number; errorMessage: string | null }> }) => r.topics[0]!);
  try {
    assert.equal((await create('a', 6)).errorCode, ErrorCode.NONE);
    const over = await create('b', 2_000_000_000);
    assert.equal(over.errorCode, ErrorCode.INVALID_PARTITIONS);
    assert.match(over.errorMessage ?? '', /max\.partitions/);
    assert.equal((await create('c', 4)).errorCode, ErrorCode.NONE, 'exactly at the limit is allowed');
    const grow = await client.request(ApiKey.CreatePartitions, 3, { topics: [{ name: 'a', count: 7, assignments: null }], timeoutMs: 1000, validateOnly: false });
    assert.equal(grow.results[0].errorCode, ErrorCode.INVALID_PARTITIONS);
    const md = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'auto' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.equal(md.topics[0].errorCode, ErrorCode.INVALID_PARTITIONS, 'auto-creation past the limit is refused');
    assert.equal(broker.state.store.topic('b'), undefined);
  } finally {
    client.close();
    await broker.close();
  }
});

test('minikafka.fetch.max.wait.ms bounds how long a Fetch parks, whatever its MaxWaitMs (test brokers: 250 ms)', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({ 'minikafka.fetch.max.wait.ms': 200 });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    assert.equal(await createTopic(client, 'idle', 1), ErrorCode.NONE);
    const res = await withTimeout('a long-poll Fetch on an empty partition', client.request(ApiKey.Fetch, 12, {
      maxWaitMs: 60_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'idle', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    }), 10_000) as { errorCode: number; responses: Array<{ partitions: Array<{ errorCode: number; records: Buffer | null }> }> };
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.responses[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
    assert.equal(res.responses[0]!.partitions[0]!.records?.length ?? 0, 0, 'answered empty, before MinBytes was met');
    assert.equal(broker.state.purgatory.size, 0);
  } finally {
    client.close();
    await broker.close();
  }
});
