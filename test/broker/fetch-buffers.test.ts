/**
 * Fetch reads into pooled buffers (src/broker/fetch-buffers.ts) that are reused once their response
 * is written: a buffer given back while its response still waits in a slow reader's socket would be
 * overwritten by another connection's read, and that reader would get someone else's bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { FetchBufferPool, FETCH_BUFFER_BYTES_MIN } from '../../src/broker/fetch-buffers.js';
import { sleep, waitFor } from '../support/net.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const MiB = 1 << 20;

function fetchRequest(topic: string, partition: number) {
  return {
    maxWaitMs: 0, minBytes: 0, maxBytes: 4 * MiB, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: MiB }] }],
    forgottenTopicsData: [], rackId: '',
  };
}

test('a slow reader gets its own bytes while other connections fetch through the same buffer pool', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker();
  const admin = await WireClient.connect(broker.bootstrap);
  const slow = await WireClient.connect(broker.bootstrap);
  const fast = await WireClient.connect(broker.bootstrap);
  try {
    const created = await admin.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'pooled', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    // 2 MiB per partition, each partition's values filled with its own byte.
    for (let partition = 0; partition < 2; partition++) {
      for (let b = 0; b < 32; b++) {
        const records = buildRecordBatch({ baseTimestamp: Date.now(), records: Array.from({ length: 64 }, () => ({ key: null, value: Buffer.alloc(1000, 0x41 + partition) })) });
        const res = await admin.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'pooled', partitionData: [{ index: partition, records }] }] });
        assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
      }
    }
    const reference = Buffer.from((await admin.request(ApiKey.Fetch, 12, fetchRequest('pooled', 0))).responses[0].partitions[0].records);
    assert.ok(reference.length > FETCH_BUFFER_BYTES_MIN * 8, 'the read is large enough to be pooled');

    // The slow reader stops reading: its answers wait in the broker's socket (past the kernel's buffers).
    slow.socket.pause();
    const slowAnswers = Array.from({ length: 8 }, () => slow.request(ApiKey.Fetch, 12, fetchRequest('pooled', 0)));
    await waitFor('the first answer reaches the slow reader', () => (slow.socket.readableLength > 0 ? true : undefined), { timeoutMs: 10_000 });
    await sleep(300); // the broker fills the kernel's socket buffers and keeps the rest queued
    for (let i = 0; i < 20; i++) {
      const other = await fast.request(ApiKey.Fetch, 12, fetchRequest('pooled', 1));
      assert.equal(other.responses[0].partitions[0].records.length, reference.length);
    }
    slow.socket.resume();
    for (const answer of await Promise.all(slowAnswers)) {
      const records: Buffer = answer.responses[0].partitions[0].records;
      assert.ok(records.equals(reference), 'a fetch answer carries the bytes of its own partition');
    }
  } finally {
    for (const c of [admin, slow, fast]) c.close();
    await broker.close();
  }
});

test('the pool hands out whole size classes, keeps at most its retained bytes, and leaves small and huge reads alone', () => {
  const pool = new FetchBufferPool(3 * MiB);
  const small = pool.take(1000);
  assert.equal(small.length, 1000);
  const a = pool.take(MiB - 1);
  assert.equal(a.length, MiB, 'rounded up to its power of two');
  const b = pool.take(MiB);
  const c = pool.take(2 * MiB);
  pool.give([small, a, b, c, a.subarray(0, 10)]);
  assert.equal(pool.retainedBytes(), 2 * MiB, 'a and b are kept, c is past the bound; views and small buffers are dropped');
  const again = pool.take(700_000);
  assert.ok(again === a || again === b, 'a free buffer of the class is reused');
  assert.notEqual(pool.take(2 * MiB), c, 'c was not kept');
  assert.equal(pool.retainedBytes(), MiB);
  assert.equal(pool.take(64 * MiB).length, 64 * MiB, 'beyond the largest class: a plain allocation');
});
