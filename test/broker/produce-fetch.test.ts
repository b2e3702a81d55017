import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

function batch(values: string[], baseTimestamp = Date.now()) {
  return buildRecordBatch({ baseTimestamp, records: values.map((v) => ({ key: null, value: Buffer.from(v) })) });
}

async function createTopic(client: WireClient, name: string, partitions: number, configs: { name: string; value: string }[] = []) {
  const res = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000 });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
  return res.topics[0].topicId as string;
}

function produce(client: WireClient, topic: string, partition: number, records: Buffer, acks = -1, version = 9) {
  return client.request(ApiKey.Produce, version, { acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
}

test('produce assigns dense offsets and fetch returns the stored bytes, by name (v12) and by topic id (v13+)', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    const topicId = await createTopic(client, 'events', 2);
    const offsets: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await produce(client, 'events', 1, batch([`a${i}`, `b${i}`, `c${i}`]), i % 2 === 0 ? -1 : 1);
      const p = res.responses[0].partitionResponses[0];
      assert.equal(p.errorCode, ErrorCode.NONE);
      offsets.push(p.baseOffset);
    }
    assert.deepEqual(offsets, [0n, 3n, 6n, 9n, 12n]);
    const byName = await client.request(ApiKey.Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'events', partitions: [{ partition: 1, fetchOffset: 3n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const part = byName.responses[0].partitions[0];
    assert.equal(part.errorCode, ErrorCode.NONE);
    assert.equal(part.highWatermark, 15n);
    const bases: number[] = [];
    for (let pos = 0; pos < part.records.length;) {
      const h = readBatchHeader(part.records, pos);
      bases.push(h.baseOffset);
      pos += 12 + h.batchLength;
    }
    assert.deepEqual(bases, [3, 6, 9, 12]);
    const byId = await client.request(ApiKey.Fetch, 17, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionId: 0, sessionEpoch: -1,
      topics: [{ topicId, partitions: [{ partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    assert.equal(byId.responses[0].topicId, topicId);
    assert.ok(byId.responses[0].partitions[0].records.length > part.records.length);
    const unknownId = await client.request(ApiKey.Fetch, 13, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionId: 0, sessionEpoch: -1,
      topics: [{ topicId: '11111111-2222-3333-4444-555555555555', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100 }] }],
    });
    assert.equal(unknownId.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
    const outOfRange = await client.request(ApiKey.Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'events', partitions: [{ partition: 1, fetchOffset: 99n, partitionMaxBytes: 100 }] }],
    });
    assert.equal(outOfRange.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  } finally {
    client.close();
    await broker.close();
  }
});

test('a waiting fetch is woken by an append, not by its MaxWaitMs', async () => {
  const broker = await startTestBroker();
  const consumer = await WireClient.connect(broker.bootstrap);
  const producer = await WireClient.connect(broker.bootstrap);
  try {
    await createTopic(producer, 'wake', 1);
    const started = Date.now();
    const waiting = consumer.request(ApiKey.Fetch, 12, {
      maxWaitMs: 20_000, minBytes: 1, maxBytes: 1 << 20, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'wake', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(broker.state.purgatory.size, 1, 'the fetch is parked');
    await produce(producer, 'wake', 0, batch(['hello']));
    const res = await waiting;
    assert.ok(Date.now() - started < 10_000, 'answered long before MaxWaitMs');
    assert.ok(res.responses[0].partitions[0].records.length > 0);
    assert.equal(broker.state.purgatory.size, 0);
  } finally {
    consumer.close();
    producer.close();
    await broker.close();
  }
});

test('bad batches get CORRUPT_MESSAGE, bad acks INVALID_REQUIRED_ACKS, unknown partitions UNKNOWN_TOPIC_OR_PARTITION', async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopic(client, 't', 1);
    const corrupt = batch(['x']);
    corrupt[corrupt.length - 1] ^= 0xff;
    assert.equal((await produce(client, 't', 0, corrupt)).responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal((await produce(client, 't', 0, batch(['x']), 2)).responses[0].partitionResponses[0].errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
    assert.equal((await produce(client, 't', 5, batch(['x']))).responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal((await produce(client, 'nope', 0, batch(['x']))).responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const ok = await produce(client, 't', 0, batch(['y']));
    assert.equal(ok.responses[0].partitionResponses[0].baseOffset, 0n, 'rejected batches took no offsets');
  } finally {
    client.close();
    await broker.close();
  }
});

test('LogAppendTime topics get the broker time in the response and in the stored batch', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopic(client, 'lat', 1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
    const before = Date.now();
    const res = await produce(client, 'lat', 0, batch(['x'], 1000));
    const ts = Number(res.responses[0].partitionResponses[0].logAppendTimeMs);
    assert.ok(ts >= before && ts <= Date.now());
    const fetched = await client.request(ApiKey.Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'lat', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    assert.equal(readBatchHeader(fetched.responses[0].partitions[0].records, 0).maxTimestamp, ts);
  } finally {
    client.close();
    await broker.close();
  }
});

test('ListOffsets: earliest, latest, by timestamp, max timestamp', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopic(client, 'lo', 1);
    await produce(client, 'lo', 0, batch(['a', 'b'], 1000));
    await produce(client, 'lo', 0, batch(['c'], 5000));
    await produce(client, 'lo', 0, batch(['d'], 3000));
    const ask = async (timestamp: bigint) => {
      const res = await client.request(ApiKey.ListOffsets, 8, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] });
      return res.topics[0].partitions[0];
    };
    assert.equal((await ask(-2n)).offset, 0n);
    assert.equal((await ask(-1n)).offset, 4n);
    assert.equal((await ask(2000n)).offset, 2n);
    assert.equal((await ask(9000n)).offset, -1n);
    const max = await ask(-3n);
    assert.equal(max.timestamp, 5000n);
    assert.equal(max.offset, 2n);
  } finally {
    client.close();
    await broker.close();
  }
});
