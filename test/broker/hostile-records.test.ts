/**
 * Records that lie or explode (hostile-input findings 1 and 3, and the cleaner side of finding 1):
 * crafted Produce requests over TCP to a real broker. A batch whose header lies about its records was
 * stored and then served wrong; a compressed batch decompressed without a bound froze every client
 * and crashed the broker, from the produce path and again from the cleaner after every restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  OFFSET_ATTRIBUTES, OFFSET_CRC, OFFSET_LAST_OFFSET_DELTA, OFFSET_RECORD_COUNT, computeBatchCrc, type Compression, type RecordInput,
} from '../../src/protocol/record-batch.js';
import { buildCompressedBatch } from '../../src/protocol/compression.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const CODECS: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const SET = 0;

async function withBroker(config: Record<string, string | number | boolean>, fn: (broker: TestBroker, client: WireClient) => Promise<void>, dataDir?: string): Promise<void> {
  const broker = await startTestBroker(config, dataDir);
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(broker, client);
  } finally {
    client.close();
    await broker.close();
  }
}

async function createTopic(client: WireClient, name: string, configs: Record<string, string> = {}): Promise<void> {
  const res = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }], timeoutMs: 1000 });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

async function produce(client: WireClient, topic: string, records: Buffer, acks = 1): Promise<{ errorCode: number; errorMessage: string | null; baseOffset: bigint }> {
  const res = await client.request(ApiKey.Produce, 9, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0].partitionResponses[0];
}

const keyed = (n: number, valueBytes = 3): RecordInput[] => Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(valueBytes, 97 + i) }));

/** A batch of `records` compressed with `codec`, its header then patched (CRC recomputed: only the lie is wrong). */
async function batch(codec: Compression, records: RecordInput[], patch: (b: Buffer) => void = () => {}): Promise<Buffer> {
  const b = await buildCompressedBatch({ baseTimestamp: Date.now(), records }, codec);
  patch(b);
  b.writeUInt32BE(computeBatchCrc(b, 0, b.length), OFFSET_CRC);
  return b;
}

const declare = (count: number, lastOffsetDelta = count - 1) => (b: Buffer): void => {
  b.writeInt32BE(count, OFFSET_RECORD_COUNT);
  b.writeInt32BE(lastOffsetDelta, OFFSET_LAST_OFFSET_DELTA);
};

// Finding 3: a batch declaring 1 record that held 3 (valid CRC) was appended; consumers saw duplicate offsets.
test('batches whose header lies about their records get CORRUPT_MESSAGE, for every codec; nothing is stored', async () => {
  await withBroker({}, async (broker, client) => {
    await createTopic(client, 'lies');
    const log = broker.state.store.partition('lies', 0);
    for (const codec of CODECS) {
      const cases: Array<[string, Buffer]> = [
        ['declares 1 record, holds 3', await batch(codec, keyed(3), declare(1))],
        ['declares 5 records, holds 3', await batch(codec, keyed(3), declare(5))],
        ['lastOffsetDelta 0 with 3 records', await batch(codec, keyed(3), declare(3, 0))],
        ['offset deltas 0, 2, 1', await batch(codec, keyed(3).map((r, i) => ({ ...r, offsetDelta: [0, 2, 1][i]! })))],
        ['offset deltas 1, 2, 3', await batch(codec, keyed(3).map((r, i) => ({ ...r, offsetDelta: i + 1 })), declare(3))],
      ];
      for (const [what, records] of cases) {
        const res = await produce(client, 'lies', records);
        assert.equal(res.errorCode, ErrorCode.CORRUPT_MESSAGE, `${codec}: ${what}: ${res.errorMessage}`);
      }
      assert.equal(log.logEndOffset, 0, `${codec}: nothing stored`);
    }
    // The honest batches of every codec go in, 3 offsets each, in order.
    for (const codec of CODECS) {
      const res = await produce(client, 'lies', await batch(codec, keyed(3)));
      assert.equal(res.errorCode, ErrorCode.NONE, `${codec}: ${res.errorMessage}`);
    }
    assert.equal(log.logEndOffset, 3 * CODECS.length);
  });
});

// Finding 1: one 233 KB gzip batch of 20M tiny records froze every client for minutes, then the heap ran out.
test('decompression bombs get RECORD_LIST_TOO_LARGE on compacted and other topics, for every codec; other clients are served meanwhile', async (t) => {
  await withBroker({ 'minikafka.decompressed.bytes.max': 4 * 1024 * 1024 }, async (broker, client) => {
    await createTopic(client, 'bombed');
    await createTopic(client, 'bombed-compacted', { 'cleanup.policy': 'compact' });
    const probe = await WireClient.connect(broker.bootstrap);
    let worstProbeMs = 0;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 5);
    try {
      // A batch of one record whose value is 16 MiB of zeros: far above max.message.bytes once decompressed.
      const bombs = await Promise.all(CODECS.filter((c) => c !== 'none').map(async (codec) => [codec, await batch(codec, [{ key: Buffer.from('k'), value: Buffer.alloc(16 * 1024 * 1024) }])] as const));
      // 20M records declared: cannot fit the limit whatever they hold (refused before decompressing).
      bombs.push(['gzip', await batch('gzip', keyed(3), declare(20_000_000))]);
      for (const topic of ['bombed', 'bombed-compacted']) {
        for (const [codec, bomb] of bombs) {
          assert.ok(bomb.length < 1024 * 1024, `${codec} bomb of ${bomb.length} bytes fits max.message.bytes`);
          const started = performance.now();
          const answered = produce(client, topic, bomb);
          await probe.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
          worstProbeMs = Math.max(worstProbeMs, performance.now() - started);
          const res = await answered;
          assert.equal(res.errorCode, ErrorCode.RECORD_LIST_TOO_LARGE, `${topic} ${codec}: ${res.errorMessage}`);
        }
        assert.equal(broker.state.store.partition(topic, 0).logEndOffset, 0);
      }
      t.diagnostic(`worst ApiVersions latency on another connection while a bomb was handled: ${worstProbeMs.toFixed(1)} ms; RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB (bombs built in this process included)`);
      // A large honest compressed record still goes in.
      const big = await batch('zstd', [{ key: Buffer.from('k'), value: Buffer.alloc(512 * 1024, 1) }]);
      assert.equal((await produce(client, 'bombed-compacted', big)).errorCode, ErrorCode.NONE);
      assert.ok(broker.logs.some((l) => l.msg === 'rejected produce batch' && l.error === 'RECORD_LIST_TOO_LARGE'));
    } finally {
      clearInterval(sampler);
      probe.close();
    }
  });
});

// Finding 1, cleaner side: a bomb stored in a `delete` topic later switched to `compact` crashed the broker from the cleaner, again after every restart.
test('a stored bomb in a topic switched to compact is left as it is by the cleaner, with one warning per pass, also after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-bomb-'));
  const config = { 'minikafka.decompressed.bytes.max': 1024 * 1024, 'log.cleaner.backoff.ms': 50, 'minikafka.internal.segment.bytes': 4096 };
  const uncompacted = (broker: TestBroker) => broker.logs.filter((l) => l.msg === 'batch left uncompacted');
  const waitFor = async (what: string, cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(cond(), what);
  };
  try {
    await withBroker(config, async (broker, client) => {
      await createTopic(client, 'legacy');
      // Stored as an older minikafka stored it, before records were checked on produce.
      const bomb = await batch('gzip', [{ key: Buffer.from('a'), value: Buffer.alloc(64 * 1024 * 1024) }]);
      broker.state.store.partition('legacy', 0).append(bomb, { recordsChecked: true });
      // acks=-1: the cleaner only takes synced segments.
      for (let i = 0; i < 40; i++) assert.equal((await produce(client, 'legacy', await batch('none', [{ key: Buffer.from(`k${i % 4}`), value: Buffer.alloc(200, i) }]), -1)).errorCode, ErrorCode.NONE);
      const res = await client.request(ApiKey.IncrementalAlterConfigs, 1, { validateOnly: false, resources: [{ resourceType: 2, resourceName: 'legacy', configs: [{ name: 'cleanup.policy', configOperation: SET, value: 'compact' }] }] });
      assert.equal(res.responses[0].errorCode, ErrorCode.NONE);
      await waitFor('the cleaner met the bomb', () => uncompacted(broker).length > 0);
      await waitFor('and compacted the rest', () => broker.logs.some((l) => l.msg === 'compacted log'));
      assert.equal(uncompacted(broker)[0]!.error, 'RECORD_LIST_TOO_LARGE');
      await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
    }, dir);
    await withBroker(config, async (broker, client) => {
      // After a restart the whole log is dirty once: the cleaner meets the bomb again and carries on.
      await produce(client, 'legacy', await batch('none', keyed(1)));
      await waitFor('the cleaner met the bomb after the restart', () => uncompacted(broker).length > 0);
      const log = broker.state.store.partition('legacy', 0);
      const read = log.read(0, 1024, { minOneBatch: true });
      assert.ok(read.ok && read.records.length > 1024 && (read.records.readInt16BE(OFFSET_ATTRIBUTES) & 7) === 1, 'the bomb is still there, as it was');
      await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'probe', clientSoftwareVersion: '1' });
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Records of compressed batches are checked off the event loop: a later produce to the same partition must not overtake.
test('a partition keeps the order of its produces while compressed batches are checked asynchronously', async () => {
  await withBroker({}, async (broker, client) => {
    await createTopic(client, 'ordered', { 'cleanup.policy': 'compact' });
    const codecs: Compression[] = ['zstd', 'none', 'gzip', 'none', 'lz4', 'snappy', 'none'];
    const batches = await Promise.all(codecs.map((codec, i) => batch(codec, [{ key: Buffer.from(`k${i}`), value: Buffer.alloc(64 * 1024, i) }])));
    // All in flight at once on one connection; answers come back in request order.
    const results = await Promise.all(batches.map((b) => produce(client, 'ordered', b)));
    assert.deepEqual(results.map((r) => r.errorCode), codecs.map(() => ErrorCode.NONE));
    assert.deepEqual(results.map((r) => r.baseOffset), codecs.map((_, i) => BigInt(i)), 'offsets in the order sent');
    const log = broker.state.store.partition('ordered', 0);
    for (let i = 0; i < codecs.length; i++) {
      const read = log.read(i, 1, { minOneBatch: true });
      assert.ok(read.ok && (read.records.readInt16BE(OFFSET_ATTRIBUTES) & 7) === ['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codecs[i]!), `offset ${i} holds the ${codecs[i]} batch`);
    }
  });
});
