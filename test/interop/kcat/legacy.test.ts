/**
 * librdkafka (Debian kcat, librdkafka 2.0) against the legacy protocol: with ApiVersions turned off and
 * broker.version.fallback=0.9.0 it produces message format v0 (Produce v1) and consumes with ListOffsets
 * v0 and Fetch v1; with ApiVersions on, its feature detection now finds message format v1 (Produce v2,
 * Fetch v2 advertised), so compression.type gzip/snappy/lz4 really compresses (it sent those uncompressed
 * when the ranges started at Kafka 4's baseline).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runKcat, kcatOk } from '../../support/kcat.js';
import { startTestBroker } from '../../broker/harness.js';
import { ProtocolTrace } from '../../../src/broker/protocol-trace.js';
import { onlyMinikafka } from '../../support/kafka-target.js';
import { compression } from '../../../src/protocol/record-batch.js';

const legacy = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0'];

/** The tests read the in-process broker's trace; Kafka 4 refuses the old versions they check (KIP-896). */
const skip = onlyMinikafka('reads the in-process broker protocol trace; old protocol versions Kafka 4 removed (KIP-896)');

test('kcat at broker.version.fallback=0.9.0: keyed gzip produce (message format v0) and consume back (Fetch v1)', { timeout: 60_000, skip }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const trace = new ProtocolTrace(broker);
  try {
    const input = Array.from({ length: 50 }, (_, i) => `key${i % 5}:value-${i}`).join('\n') + '\n';
    kcatOk(await runKcat(['-b', broker.bootstrap, ...legacy, '-P', '-t', 'old', '-K', ':', '-z', 'gzip', '-X', 'acks=all'], { input, timeoutMs: 20_000 }), 'legacy produce');
    const out = kcatOk(await runKcat(['-b', broker.bootstrap, ...legacy, '-C', '-t', 'old', '-o', 'beginning', '-e', '-f', '%o %k=%s\\n'], { timeoutMs: 20_000 }), 'legacy consume');
    assert.deepEqual(out.trim().split('\n'), Array.from({ length: 50 }, (_, i) => `${i} key${i % 5}=value-${i}`));
    const used = new Set(trace.requests({}).map((t) => `${t.api} v${t.version}`));
    for (const v of ['Metadata v0', 'Produce v1', 'ListOffsets v0', 'Fetch v1']) assert.ok(used.has(v), `${v} used (${[...used].join(', ')})`);
    const produced = trace.requests({ api: 'Produce' }).map((t) => (t.request as any).topicData[0].partitionData[0].records as Buffer);
    assert.ok(produced.some((r) => r.readInt8(16) === 0 && (r.readInt8(17) & 7) === 1), 'a gzip wrapper message of magic 0 came in');
  } finally {
    trace.stop();
    await broker.close();
  }
});

test('kcat with ApiVersions: gzip, snappy and lz4 batches arrive compressed', { timeout: 60_000, skip }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const trace = new ProtocolTrace(broker);
  try {
    const input = ('x'.repeat(500) + '\n').repeat(20);
    for (const codec of ['gzip', 'snappy', 'lz4']) {
      kcatOk(await runKcat(['-b', broker.bootstrap, '-P', '-t', `z-${codec}`, '-z', codec], { input, timeoutMs: 20_000 }), codec);
      const last = trace.requests({ api: 'Produce' }).pop()!;
      const records = (last.request as any).topicData[0].partitionData[0].records as Buffer;
      assert.equal(compression(records.readInt16BE(21)), codec, `${codec}: the batch is compressed`);
    }
  } finally {
    trace.stop();
    await broker.close();
  }
});
