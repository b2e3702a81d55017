/**
 * A storm of hostile frames over many connections (seeded: MINIKAFKA_STORM_SEED reproduces, and
 * MINIKAFKA_STORM_FRAMES sets how many) while a well-behaved client produces and consumes, every
 * message checked. Frames: garbage behind a valid size, truncated requests, sizes above
 * socket.request.max.bytes or negative, captured client requests with bytes mutated, unknown keys and
 * versions, and pipelined valid requests cut at random points with a bad frame behind them (their
 * responses must come back in request order before the close), and valid requests crafted to amplify
 * (answered with a response about their own size). No handler may fail unexpectedly (no error log line),
 * a probe's ApiVersions round trips stay under a bound throughout, and the broker answers normally afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { FrameDecoder } from '../../src/protocol/frame.js';
import { Writer } from '../../src/protocol/writer.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { requestHeaderVersion } from '../../src/protocol/header.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { decodeRecordBatches } from '../../src/protocol/compression.js';
import { fixturesDir } from '../support/paths.js';
import { Rng, envNumber, havoc } from '../fuzz/engine.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const frameBytesMax = 64 * 1024;
const framesWanted = envNumber('MINIKAFKA_STORM_FRAMES', 5000);
const seed = envNumber('MINIKAFKA_STORM_SEED', Math.floor(Math.random() * 2 ** 31));
const parallel = 24;
const stormMsMax = envNumber('MINIKAFKA_STORM_MS', 30_000);
/**
 * The goal is 100 ms for a well-behaved ApiVersions while any one crafted request is handled.
 * The test's own storm clients share the broker's event loop here, and CI is a loaded 2-core machine,
 * so the assertion is a looser safety bound; the figure is printed on every run.
 */
const stallMsMax = envNumber('MINIKAFKA_STORM_STALL_MS', 500);

const captured = readdirSync(join(fixturesDir, 'requests')).filter((f) => f.endsWith('.bin')).sort()
  .map((f) => readFileSync(join(fixturesDir, 'requests', f)));

function frame(body: Buffer, size = body.length): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(size, 0);
  body.copy(out, 4);
  return out;
}

function request(apiKey: number, version: number, correlationId: number, body: object, clientId = 'storm'): Buffer {
  const w = new Writer();
  w.int16(apiKey);
  w.int16(version);
  w.int32(correlationId);
  w.nullableString(clientId);
  if (requestHeaderVersion(apiKey, version) >= 2) w.uvarint(0);
  apiMessages[apiKey]!.encodeRequest(w, version, body);
  return Buffer.from(w.toBuffer());
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.below(256);
  return b;
}

/** Writes `bytes` cut into random chunks; resolves with what came back and whether the broker closed. */
function exchange(bootstrap: string, rng: Rng, bytes: Buffer, opts: { waitMs: number; until?: (got: Buffer) => boolean }): Promise<{ closedByBroker: boolean; received: Buffer }> {
  const [host, port] = bootstrap.split(':');
  const cuts: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = rng.chance(3) ? 1 + rng.below(8) : 1 + rng.below(bytes.length);
    cuts.push(bytes.subarray(at, at + n));
    at += n;
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closedByBroker: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ closedByBroker, received: Buffer.concat(chunks) });
    };
    const socket = connect({ host: host!, port: Number(port) }, () => {
      for (const c of cuts) socket.write(c);
    });
    const timer = setTimeout(() => finish(false), opts.waitMs);
    socket.on('data', (d) => {
      chunks.push(d);
      if (opts.until?.(Buffer.concat(chunks))) finish(false);
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(true));
  });
}

function correlationIds(received: Buffer): number[] {
  return new FrameDecoder({ frameBytesMax: 1 << 30 }).push(received).map((f) => f.readInt32BE(0));
}

type Scenario = (rng: Rng, bootstrap: string) => Promise<number>;

const mustClose = (name: string, r: { closedByBroker: boolean; received: Buffer }) => {
  assert.ok(r.closedByBroker, `${name}: the broker closes the connection`);
  assert.equal(r.received.length, 0, `${name}: no response bytes`);
};

const scenarios: Scenario[] = [
  async (rng, b) => { // garbage behind a valid size prefix
    mustClose('garbage', await exchange(b, rng, frame(randomBytes(rng, rng.below(64))), { waitMs: 3000 }));
    return 1;
  },
  async (rng, b) => { // oversized: the size alone is refused, the body never needs to arrive
    const size = frameBytesMax + 1 + rng.below(2 ** 31 - frameBytesMax - 2);
    mustClose('oversized', await exchange(b, rng, frame(randomBytes(rng, rng.below(256)), size), { waitMs: 3000 }));
    return 1;
  },
  async (rng, b) => { // negative size
    mustClose('negative size', await exchange(b, rng, frame(randomBytes(rng, 8), -1 - rng.below(2 ** 31 - 1)), { waitMs: 3000 }));
    return 1;
  },
  async (rng, b) => { // truncated: a captured request cut short, then the client goes away
    const body = rng.pick(captured);
    const r = await exchange(b, rng, frame(body).subarray(0, 4 + rng.below(body.length)), { waitMs: 30 });
    assert.equal(r.received.length, 0, 'truncated: nothing answered');
    return 1;
  },
  async (rng, b) => { // unknown api key or unsupported version (ApiVersions gets an answer, KIP-511)
    const key = rng.chance(2) ? 1000 + rng.below(30000) : rng.pick([0, 1, 3]);
    const body = Buffer.alloc(8);
    body.writeInt16BE(key, 0);
    body.writeInt16BE(100 + rng.below(1000), 2);
    body.writeInt32BE(1, 4);
    mustClose('unknown key or version', await exchange(b, rng, frame(Buffer.concat([body, Buffer.from([0xff, 0xff])])), { waitMs: 3000 }));
    return 1;
  },
  async (rng, b) => { // a captured request with bytes mutated: answered or closed, never a failure
    let body: Buffer = rng.pick(captured);
    for (let i = 1 + rng.below(4); i > 0; i--) body = rng.pick(havoc)(body, rng, captured);
    await exchange(b, rng, frame(body), { waitMs: 150, until: (got) => correlationIds(got).length >= 1 });
    return 1;
  },
  async (rng, b) => { // pipelined valid requests cut anywhere, optionally a bad frame behind them
    const n = 2 + rng.below(6);
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const id = 100 + i;
      const kind = rng.below(3);
      const body = kind === 0 ? request(ApiKey.ApiVersions, rng.below(4), id, { clientSoftwareName: 'storm', clientSoftwareVersion: '1' })
        : kind === 1 ? request(ApiKey.Metadata, 1 + rng.below(12), id, { topics: [{ name: 'storm' }], allowAutoTopicCreation: false })
          : request(ApiKey.Metadata, 9, id, { topics: null, allowAutoTopicCreation: false });
      frames.push(frame(body));
    }
    const bad = rng.chance(2);
    if (bad) frames.push(frame(randomBytes(rng, 3)));
    const expected = Array.from({ length: n }, (_, i) => 100 + i);
    const r = await exchange(b, rng, Buffer.concat(frames), {
      waitMs: 5000, until: bad ? undefined : (got) => correlationIds(got).length >= n,
    });
    assert.deepEqual(correlationIds(r.received), expected, 'pipelined responses come back complete and in request order');
    if (bad) assert.ok(r.closedByBroker, 'the bad frame behind them closes the connection');
    return n + (bad ? 1 : 0);
  },
  async (rng, b) => { // a crafted amplifier: answered, with a response bounded by the request's size
    const bytes = frame(rng.pick(crafted)(rng));
    const r = await exchange(b, rng, bytes, { waitMs: 10_000, until: (got) => correlationIds(got).length >= 1 });
    assert.deepEqual(correlationIds(r.received), [1], 'a crafted request is answered');
    assert.ok(r.received.length <= 2 * bytes.length + 1024, `response of ${r.received.length} bytes to a request of ${bytes.length}`);
    return 1;
  },
];

/** Sends ApiVersions on its own connection, one at a time, until `stop` resolves; the worst round trip is the stall. */
async function probeApiVersions(broker: TestBroker, stop: Promise<void>): Promise<{ count: number; worstMs: number; p99Ms: number }> {
  const client = await WireClient.connect(broker.bootstrap);
  let stopped = false;
  void stop.then(() => { stopped = true; });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < 100_000 && !stopped; i++) {
      const started = performance.now();
      const res = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
      latencies.push(performance.now() - started);
      assert.equal(res.errorCode, ErrorCode.NONE);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    client.close();
  }
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, worstMs: latencies.at(-1) ?? 0, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

/** A bad batch for the crafted Produce: a record byte flipped, so its CRC no longer matches. */
const corruptBatch = (() => {
  const b = buildRecordBatch({ baseTimestamp: 0, records: [{ key: null, value: Buffer.from('x'.repeat(16)) }] });
  b[b.length - 1]! ^= 0xff;
  return b;
})();

/**
 * Valid requests crafted to amplify (hostile-input finding 8 and 10): a topic or partition named
 * thousands of times, hundreds of unknown topics to auto-create, a Produce of hundreds of bad batches
 * under a huge client id. Each must be answered with a response about the size of the request.
 */
const crafted: Array<(rng: Rng) => Buffer> = [
  () => request(ApiKey.Metadata, 12, 1, { topics: Array.from({ length: 2000 }, () => ({ name: 'storm' })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
  (rng) => request(ApiKey.Metadata, 12, 1, { topics: Array.from({ length: 300 }, () => ({ name: `storm-auto-${rng.below(200)}` })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }),
  () => request(ApiKey.ListOffsets, 7, 1, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'storm', partitions: Array.from({ length: 2000 }, (_, i) => ({ partitionIndex: i % 2, currentLeaderEpoch: -1, timestamp: -3n })) }] }),
  () => request(ApiKey.DescribeConfigs, 4, 1, { resources: Array.from({ length: 2000 }, () => ({ resourceType: 4, resourceName: '', configurationKeys: null })), includeSynonyms: true, includeDocumentation: true }),
  (rng) => request(ApiKey.Produce, 9, 1, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'storm', partitionData: Array.from({ length: 500 }, () => ({ index: rng.below(2), records: corruptBatch })) }] }, 'c'.repeat(8192)),
];

/** Produces numbered messages and fetches them back, checking every value, until `stop` resolves. */
async function wellBehaved(broker: TestBroker, stop: Promise<void>): Promise<{ produced: number; consumed: number }> {
  const producer = await WireClient.connect(broker.bootstrap);
  const consumer = await WireClient.connect(broker.bootstrap);
  let stopped = false;
  void stop.then(() => { stopped = true; });
  let produced = 0;
  let consumed = 0;
  const fetchOffset = [0n, 0n];
  try {
    while (!stopped || consumed < produced) {
      if (!stopped) {
        const partition = produced % 2;
        const records = buildRecordBatch({
          baseTimestamp: Date.now(),
          records: [0, 1, 2].map((i) => ({ key: Buffer.from(`k${produced + i}`), value: Buffer.from(`m-${partition}-${produced + i}`) })),
        });
        const res = await producer.request(ApiKey.Produce, 9, { acks: produced % 6 === 0 ? -1 : 1, timeoutMs: 5000, topicData: [{ name: 'storm', partitionData: [{ index: partition, records }] }] });
        assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE, 'produce succeeds during the storm');
        produced += 3;
      }
      const fetched = await consumer.request(ApiKey.Fetch, 12, {
        maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'storm', partitions: [0, 1].map((p) => ({ partition: p, fetchOffset: fetchOffset[p]!, partitionMaxBytes: 1 << 20 })) }],
        forgottenTopicsData: [], rackId: '',
      });
      for (const part of fetched.responses[0].partitions) {
        assert.equal(part.errorCode, ErrorCode.NONE, 'fetch succeeds during the storm');
        if (part.records === null || part.records.length === 0) continue;
        for (const batch of await decodeRecordBatches(part.records)) {
          for (const rec of batch.records) {
            const p = part.partitionIndex as number;
            if (rec.offset < fetchOffset[p]!) continue;
            assert.equal(rec.offset, fetchOffset[p], 'offsets are dense');
            // Batches of 3 alternate between the partitions: offset o of partition p holds message
            // (2 * floor(o / 3) + p) * 3 + o % 3.
            const o = Number(rec.offset);
            const n = (2 * Math.floor(o / 3) + p) * 3 + (o % 3);
            assert.equal(rec.value?.toString(), `m-${p}-${n}`, 'every message comes back, in order, in its partition');
            assert.equal(rec.key?.toString(), `k${n}`);
            fetchOffset[p]! += 1n;
            consumed += 1;
          }
        }
      }
    }
    return { produced, consumed };
  } finally {
    producer.close();
    consumer.close();
  }
}

// The broker closed the socket at once on a malformed frame, dropping the responses to the valid
// requests pipelined before it on the same connection (Kafka answers those, then closes).
// The bad frames: a header cut short, a body whose compact length runs past the frame, an unknown API key
// (999). (Produce v2 used to be the unsupported request here; it is served since message formats v0/v1.)
test('requests pipelined before a malformed frame are answered before the close', async () => {
  const broker = await startTestBroker();
  try {
    const frames = [100, 101, 102].map((id) => frame(request(ApiKey.Metadata, 9, id, { topics: null, allowAutoTopicCreation: false })));
    for (const bad of [frame(Buffer.from([0, 3, 0])), frame(Buffer.concat([request(ApiKey.Metadata, 9, 103, {}).subarray(0, 10), Buffer.from([0, 0xff, 0xff, 0xff, 0x0f])])), frame(Buffer.from([0x03, 0xe7, 0, 0, 0, 0, 0, 103, 0, 0]))]) {
      const r = await exchange(broker.bootstrap, new Rng(1), Buffer.concat([...frames, bad]), { waitMs: 3000 });
      assert.ok(r.closedByBroker);
      assert.deepEqual(correlationIds(r.received), [100, 101, 102]);
    }
  } finally {
    await broker.close();
  }
});

test('thousands of hostile frames over many connections; a good client keeps producing and consuming', { timeout: 60_000 }, async () => {
  console.log(`frame storm: seed ${seed} (MINIKAFKA_STORM_SEED=${seed} reproduces), ${framesWanted} frames`);
  const broker = await startTestBroker({ 'socket.request.max.bytes': frameBytesMax, 'max.connections': 1000 });
  try {
    const admin = await WireClient.connect(broker.bootstrap);
    const created = await admin.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'storm', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    admin.close();

    let stormDone!: () => void;
    const stormOver = new Promise<void>((resolve) => { stormDone = resolve; });
    const good = wellBehaved(broker, stormOver);
    good.catch(() => {}); // awaited below; a storm failure must not leave it unhandled
    const probe = probeApiVersions(broker, stormOver);
    probe.catch(() => {});
    const rng = new Rng(seed);
    const deadline = Date.now() + stormMsMax;
    let sent = 0;
    let connections = 0;
    const worker = async (id: number) => {
      const local = new Rng(rng.u32() ^ id);
      while (sent < framesWanted && Date.now() < deadline) {
        connections++;
        const frames = await local.pick(scenarios)(local, broker.bootstrap);
        sent += frames;
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: parallel }, (_, i) => worker(i))).finally(() => stormDone());
    const stormMs = Date.now() - started;
    const { produced, consumed } = await good;
    const stall = await probe;
    console.log(`frame storm: ${sent} frames over ${connections} connections in ${stormMs} ms; good client produced and consumed ${consumed} messages`);
    console.log(`frame storm: ApiVersions probe ${stall.count} round trips, worst ${stall.worstMs.toFixed(1)} ms, p99 ${stall.p99Ms.toFixed(1)} ms (goal 100 ms; asserted ${stallMsMax} ms)`);
    assert.ok(sent >= Math.min(framesWanted, 1000), 'the storm sent thousands of frames');
    assert.equal(consumed, produced);
    assert.ok(produced > 0);
    assert.ok(stall.count > 0);
    assert.ok(stall.worstMs < stallMsMax, `a well-behaved ApiVersions waited ${stall.worstMs.toFixed(1)} ms during the storm`);

    const errors = broker.logs.filter((l) => l.level === 'error');
    assert.deepEqual(errors, [], 'no request failed unexpectedly');
    const after = await WireClient.connect(broker.bootstrap);
    const versions = await after.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'after', clientSoftwareVersion: '1' });
    assert.equal(versions.errorCode, ErrorCode.NONE);
    const md = await after.request(ApiKey.Metadata, 12, { topics: [{ name: 'storm' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(md.topics[0].errorCode, ErrorCode.NONE);
    assert.equal(md.topics[0].partitions.length, 2);
    after.close();
  } finally {
    if (process.env.STORM_DEBUG) for (const l of broker.logs) if (l.level !== 'debug' && l.msg !== 'closing connection') console.log(JSON.stringify(l));
    await broker.close();
  }
});

test('requests in the same TCP write as a bad size prefix are answered before the close', async () => {
  const broker = await startTestBroker();
  try {
    const [host, port] = broker.bootstrap.split(':');
    const bytes = Buffer.concat([...[200, 201].map((id) => frame(request(ApiKey.Metadata, 9, id, { topics: null, allowAutoTopicCreation: false }))), Buffer.from([0x7f, 0xff, 0xff, 0xff])]);
    const received = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect({ host: host!, port: Number(port) }, () => socket.write(bytes));
      const timer = setTimeout(() => socket.destroy(), 3000);
      socket.on('data', (d) => chunks.push(d));
      socket.on('error', () => {});
      socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks)); });
    });
    assert.deepEqual(correlationIds(received), [200, 201]);
  } finally {
    await broker.close();
  }
});
