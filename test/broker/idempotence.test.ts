// Idempotent produce over TCP: InitProducerId hands out ids that never repeat (restarts included),
// a retried batch is answered with its first offset and stored once, gaps and old epochs get
// Kafka's errors, and all of it holds after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

function idem(pid: bigint, epoch: number, seq: number, values: string[]): Buffer {
  return buildRecordBatch({ producerId: Number(pid), producerEpoch: epoch, baseSequence: seq, baseTimestamp: Date.now(), records: values.map((v) => ({ key: null, value: Buffer.from(v) })) });
}

async function produce(client: WireClient, topic: string, records: Buffer) {
  const res = await client.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return res.responses[0].partitionResponses[0] as { errorCode: number; baseOffset: bigint };
}

async function initProducerId(client: WireClient): Promise<{ producerId: bigint; producerEpoch: number }> {
  const res = await client.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
  assert.equal(res.errorCode, ErrorCode.NONE);
  return res;
}

async function countBatches(client: WireClient, topic: string): Promise<number> {
  const res = await client.request(ApiKey.Fetch, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const records: Buffer = res.responses[0].partitions[0].records ?? Buffer.alloc(0);
  let n = 0;
  for (let pos = 0; pos < records.length; pos += readBatchHeader(records, pos).sizeBytes) n += 1;
  return n;
}

test('idempotent produce: retries are stored once, gaps and old epochs refused, across a restart; producer ids never repeat', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-idem-'));
  try {
    let broker = await startTestBroker({}, dir);
    let client = await WireClient.connect(broker.bootstrap);
    const ids = new Set<bigint>();
    const { producerId: pid } = await initProducerId(client);
    ids.add(pid);
    const first = await produce(client, 'idem', idem(pid, 0, 0, ['a', 'b']));
    assert.equal(first.errorCode, ErrorCode.NONE);
    const retry = await produce(client, 'idem', idem(pid, 0, 0, ['a', 'b']));
    assert.deepEqual([retry.errorCode, retry.baseOffset], [ErrorCode.NONE, first.baseOffset]);
    assert.equal((await produce(client, 'idem', idem(pid, 0, 5, ['gap']))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const second = await produce(client, 'idem', idem(pid, 1, 0, ['new epoch']));
    assert.equal(second.errorCode, ErrorCode.NONE);
    assert.equal((await produce(client, 'idem', idem(pid, 0, 2, ['old epoch']))).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    for (let i = 0; i < 3; i++) ids.add((await initProducerId(client)).producerId);
    client.close();
    await broker.close();
    assert.ok(readdirSync(join(dir, 'idem', '0')).some((n) => /^\d{20}\.snapshot$/.test(n)), 'a producer snapshot is written at a clean shutdown');

    broker = await startTestBroker({}, dir);
    client = await WireClient.connect(broker.bootstrap);
    const again = await produce(client, 'idem', idem(pid, 1, 0, ['new epoch']));
    assert.deepEqual([again.errorCode, again.baseOffset], [ErrorCode.NONE, second.baseOffset], 'a retry after the restart is recognised');
    assert.equal((await produce(client, 'idem', idem(pid, 1, 1, ['next']))).errorCode, ErrorCode.NONE);
    assert.equal(await countBatches(client, 'idem'), 3, 'every batch stored once');
    for (let i = 0; i < 3; i++) {
      const id = (await initProducerId(client)).producerId;
      assert.ok(!ids.has(id), `producer id ${id} handed out twice`);
      ids.add(id);
    }
    client.close();
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
