/** Produce v0-2 and Fetch v0-3 over the wire: message formats v0/v1 up-converted to v2 on append and down-converted on fetch, as Kafka 3.x did. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { decodeRecordBatches } from '../../src/protocol/compression.js';
import { decompressBounded } from '../../src/protocol/records-codecs.js';
import { type LegacyMagic, encodeMessage, encodeWrapper, readMessageSet } from '../../src/protocol/legacy-messages.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function withBroker(fn: (c: WireClient, b: TestBroker) => Promise<void>, config: Record<string, string | number | boolean> = {}): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false, ...config });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(client, broker);
  } finally {
    client.close();
    await broker.close();
  }
}

async function create(c: WireClient, name: string, configs: { name: string; value: string }[] = []): Promise<void> {
  const res = await c.request(ApiKey.CreateTopics, 4, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000, validateOnly: false });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

const produceV = (c: WireClient, version: number, topic: string, records: Buffer) =>
  c.request(ApiKey.Produce, version, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }).then((r: any) => r.responses[0].partitionResponses[0]);

const fetchV = (c: WireClient, version: number, topic: string, fetchOffset: bigint, partitionMaxBytes = 1 << 20) =>
  c.request(ApiKey.Fetch, version, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes }] }] })
    .then((r: any) => r.responses[0].partitions[0]);

const legacy = (records: Buffer) => readMessageSet(records, { decompress: decompressBounded, outputBytesMax: 1 << 20, partialTail: true });

test('Produce v0, v1 (magic 0) and v2 (magic 1, plain and gzip): stored as v2, offsets dense, read back by every Fetch version', () =>
  withBroker(async (c) => {
    await create(c, 't');
    const t0 = 1_700_000_000_000;
    const m = (magic: LegacyMagic, i: number) => encodeMessage(BigInt(i), magic, { timestamp: t0 + i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) });
    let r = await produceV(c, 0, 't', Buffer.concat([m(0, 0), m(0, 1)]));
    assert.deepEqual([r.errorCode, r.baseOffset], [ErrorCode.NONE, 0n]);
    r = await produceV(c, 1, 't', m(0, 2));
    assert.deepEqual([r.errorCode, r.baseOffset], [ErrorCode.NONE, 2n]);
    r = await produceV(c, 2, 't', Buffer.concat([m(1, 3), m(1, 4)]));
    assert.deepEqual([r.errorCode, r.baseOffset, r.logAppendTimeMs], [ErrorCode.NONE, 3n, -1n]);
    const wrapped = await encodeWrapper(1n, 1, 'gzip', Buffer.concat([0, 1].map((i) => encodeMessage(BigInt(i), 1, { timestamp: t0 + 5 + i, key: Buffer.from(`k${5 + i}`), value: Buffer.from(`v${5 + i}`) }))), t0 + 6, false);
    r = await produceV(c, 2, 't', wrapped);
    assert.deepEqual([r.errorCode, r.baseOffset], [ErrorCode.NONE, 5n]);

    const modern = await fetchV(c, 11, 't', 0n);
    const batches = await decodeRecordBatches(modern.records);
    assert.deepEqual(batches.map((b) => [b.baseOffset, b.compression, b.records.length]), [[0n, 'none', 2], [2n, 'none', 1], [3n, 'none', 2], [5n, 'gzip', 2]], 'one v2 batch per produced set, the producer\'s codec kept');
    assert.deepEqual(batches.flatMap((b) => b.records.map((x) => x.timestamp)), [-1, -1, -1, t0 + 3, t0 + 4, t0 + 5, t0 + 6], 'magic 0 has no timestamp');

    for (const version of [0, 1, 2, 3]) {
      const f = await fetchV(c, version, 't', 0n);
      assert.equal(f.errorCode, ErrorCode.NONE);
      assert.equal(f.highWatermark, 7n);
      const { messages } = await legacy(f.records);
      const magic = version >= 2 ? 1 : 0;
      assert.deepEqual(messages.map((x) => [x.offset, x.magic, x.key?.toString(), x.value?.toString()]), [0, 1, 2, 3, 4, 5, 6].map((i) => [BigInt(i), magic, `k${i}`, `v${i}`]), `Fetch v${version}`);
      if (magic === 1) assert.deepEqual(messages.map((x) => x.timestamp), [-1, -1, -1, t0 + 3, t0 + 4, t0 + 5, t0 + 6]);
    }
    const from4 = await legacy((await fetchV(c, 2, 't', 4n)).records);
    assert.deepEqual(from4.messages.map((x) => x.offset), [4n, 5n, 6n], 'records before the fetch offset are left out');
    const small = await fetchV(c, 1, 't', 0n, 40);
    assert.equal(small.records.length, 40, 'Fetch v0-2: cut at the partition limit');
  }));

test('a record batch produced with v3+ (headers, zstd) reads back down-converted; zstd answers UNSUPPORTED_COMPRESSION_TYPE', () =>
  withBroker(async (c, b) => {
    await create(c, 'h');
    const batch = buildRecordBatch({ baseOffset: 0, baseTimestamp: 42, records: [{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'x', value: Buffer.from('y') }] }] });
    assert.equal((await produceV(c, 9, 'h', batch)).errorCode, ErrorCode.NONE);
    const { messages } = await legacy((await fetchV(c, 3, 'h', 0n)).records);
    assert.deepEqual(messages.map((x) => [x.offset, x.key?.toString(), x.value?.toString(), x.timestamp]), [[0n, 'k', 'v', 42]]);
    const { buildCompressedBatch } = await import('../../src/protocol/compression.js');
    assert.equal((await produceV(c, 9, 'h', await buildCompressedBatch({ baseOffset: 0, records: [{ value: Buffer.from('z') }] }, 'zstd'))).errorCode, ErrorCode.NONE);
    const z = await fetchV(c, 2, 'h', 1n);
    assert.equal(z.errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    assert.ok(b.state.store.partition('h', 0).logEndOffset === 2);
  }));

test('bad legacy message sets are refused per partition with Kafka\'s codes; compacted topics still need keys', () =>
  withBroker(async (c) => {
    await create(c, 'x');
    await create(c, 'compacted', [{ name: 'cleanup.policy', value: 'compact' }]);
    const good = encodeMessage(0n, 1, { timestamp: 1, key: null, value: Buffer.from('v') });
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1] ^= 1;
    assert.equal((await produceV(c, 2, 'x', flipped)).errorCode, ErrorCode.CORRUPT_MESSAGE, 'CRC');
    assert.equal((await produceV(c, 2, 'x', good.subarray(0, 20))).errorCode, ErrorCode.CORRUPT_MESSAGE, 'truncated');
    assert.equal((await produceV(c, 2, 'x', buildRecordBatch({ records: [{ value: Buffer.from('v') }] }))).errorCode, ErrorCode.CORRUPT_MESSAGE, 'a v2 batch in Produce v2');
    assert.equal((await produceV(c, 2, 'compacted', good)).errorCode, ErrorCode.INVALID_RECORD, 'no key on a compacted topic');
    assert.equal((await produceV(c, 9, 'x', good)).errorCode !== ErrorCode.NONE, true, 'a v1 message set in Produce v9');
    const mixed = await c.request(ApiKey.Produce, 2, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'x', partitionData: [{ index: 0, records: flipped }] }, { name: 'compacted', partitionData: [{ index: 0, records: encodeMessage(0n, 1, { timestamp: 1, key: Buffer.from('k'), value: Buffer.from('v') }) }] }] });
    assert.deepEqual(mixed.responses.map((t: any) => [t.name, t.partitionResponses[0].errorCode]), [['x', ErrorCode.CORRUPT_MESSAGE], ['compacted', ErrorCode.NONE]], 'answers in request order');
  }));

test('LogAppendTime topics stamp up-converted records; Fetch v2 shows it on the messages', () =>
  withBroker(async (c) => {
    await create(c, 'lat', [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
    const before = Date.now();
    const r = await produceV(c, 2, 'lat', encodeMessage(0n, 1, { timestamp: 5, key: null, value: Buffer.from('v') }));
    assert.ok(r.logAppendTimeMs >= BigInt(before));
    const { messages } = await legacy((await fetchV(c, 2, 'lat', 0n)).records);
    assert.equal(messages[0]!.timestamp, Number(r.logAppendTimeMs));
    assert.equal(messages[0]!.logAppendTime, true);
  }));
