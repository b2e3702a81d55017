// The producer's sender (src/client/produce-sender.ts) against a real broker: the ready batches of
// every partition share one Produce request per leader, per-partition errors stay per partition, and
// idempotent sequence numbers stay in order across retries. Requests are counted by a wrapper around
// this broker's Produce handler (its registry's `get`, on this instance only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { onlyMinikafka } from '../support/kafka-target.js';
import { Admin, KafkaClientError, Producer } from '../../src/client/index.js';
import type { ApiHandler, RequestContext } from '../../src/broker/handler.js';
import type { ProduceRequest } from '../../src/protocol/generated/index.js';
import { OFFSET_BASE_SEQUENCE, OFFSET_PRODUCER_ID, OFFSET_RECORD_COUNT } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

interface SeenPartition { topic: string; partition: number; bytes: number; producerId: bigint; baseSequence: number; records: number }
type Answer = { responses?: { name: string; partitionResponses?: { index?: number; errorCode?: number; errorMessage?: string | null; baseOffset?: bigint }[] }[] } | null;

/**
 * Wraps the broker's Produce handler: `requests` gets one entry per Produce request (the partitions it
 * carried); `rewrite` may replace a partition's answer with an error before the batch is appended.
 */
// Each test watches (and rewrites) the Produce requests inside the in-process broker.
const skip = onlyMinikafka('intercepts Produce inside the in-process broker');

function interceptProduce(broker: TestBroker, rewrite?: (p: SeenPartition, nth: number) => number | undefined): { requests: SeenPartition[][] } {
  const registry = broker.state.registry;
  const get = registry.get.bind(registry);
  const original = get(0)!;
  const requests: SeenPartition[][] = [];
  const wrapped: ApiHandler = {
    ...original,
    async handle(req: ProduceRequest, ctx: RequestContext) {
      const seen: SeenPartition[] = [];
      const injected = new Map<string, number>();
      for (const t of req.topicData) {
        t.partitionData = t.partitionData.filter((p) => {
          const r = p.records!;
          const s = { topic: t.name, partition: p.index, bytes: r.length, producerId: r.readBigInt64BE(OFFSET_PRODUCER_ID), baseSequence: r.readInt32BE(OFFSET_BASE_SEQUENCE), records: r.readInt32BE(OFFSET_RECORD_COUNT) };
          seen.push(s);
          const code = rewrite?.(s, requests.length);
          if (code !== undefined) injected.set(`${t.name}/${p.index}`, code);
          return code === undefined;
        });
      }
      requests.push(seen);
      const out = (await original.handle(req, ctx)) as Answer;
      if (out === null) return out;
      for (const [id, code] of injected) {
        const [name, index] = id.split('/') as [string, string];
        let t = out.responses!.find((x) => x.name === name);
        if (t === undefined) out.responses!.push(t = { name, partitionResponses: [] });
        t.partitionResponses!.push({ index: Number(index), errorCode: code, errorMessage: 'injected', baseOffset: -1n });
      }
      return out;
    },
  };
  registry.get = (apiKey: number) => (apiKey === ApiKey.Produce ? wrapped : get(apiKey));
  return { requests };
}

const byPartition = (metas: { partition: number; offset: bigint }[], partitions: number) =>
  Array.from({ length: partitions }, (_, p) => metas.filter((m) => m.partition === p).map((m) => m.offset));

test('sender: a send over 8 partitions goes in one Produce request; offsets dense, order per partition kept; acks=0 too', { skip }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 8 });
  const { requests } = interceptProduce(broker);
  const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 20 });
  const admin = new Admin({ bootstrap: broker.bootstrap });
  try {
    await producer.connect();
    const messages = Array.from({ length: 400 }, (_, i) => ({ value: `v${i}`, partition: i % 8 }));
    const metas = await producer.send({ topic: 'spread', messages });
    assert.equal(requests.length, 1, `produce requests: ${requests.map((r) => r.length).join(',')}`);
    assert.equal(requests[0]!.length, 8, 'all 8 partitions in it');
    for (const offsets of byPartition(metas, 8)) assert.deepEqual(offsets, offsets.map((_, i) => BigInt(i)), 'dense, in send order');

    // Concurrent sends to all partitions: their batches share requests, every offset dense and in order.
    requests.length = 0;
    const sends = await Promise.all(Array.from({ length: 10 }, (_, s) => producer.send({ topic: 'spread', messages: messages.map((m) => ({ ...m, value: `s${s}-${m.value}` })) })));
    const all = sends.flat();
    assert.ok(requests.length <= 3, `10 sends x 8 partitions took ${requests.length} produce requests`);
    for (const offsets of byPartition(all, 8)) assert.deepEqual(offsets, offsets.map((_, i) => BigInt(50 + i)));
    // Within one partition, messages of one send keep their order.
    for (const send of sends) {
      for (let p = 0; p < 8; p++) {
        const offsets = send.filter((m) => m.partition === p).map((m) => m.offset);
        assert.deepEqual(offsets, [...offsets].sort((a, b) => (a < b ? -1 : 1)));
      }
    }

    requests.length = 0;
    const fireAndForget = new Producer({ bootstrap: broker.bootstrap, acks: 0, lingerMs: 20 });
    try {
      const m0 = await fireAndForget.send({ topic: 'acks0', messages });
      assert.ok(m0.every((m) => m.offset === -1n));
      await fireAndForget.flush();
    } finally {
      await fireAndForget.close();
    }
    const deadline = Date.now() + 5_000;
    let latest: bigint[] = [];
    while (Date.now() < deadline) {
      latest = (await admin.listOffsets('acks0', 'latest')).map((o) => o.offset);
      if (latest.every((o) => o === 50n)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(latest, Array(8).fill(50n));
    assert.equal(requests.length, 1, 'acks=0: one request, no answer awaited');
  } finally {
    await producer.close();
    await admin.close();
    await broker.close();
  }
});

test('sender: maxRequestBytes bounds a request; a batch larger than it goes alone', { skip }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 8 });
  const { requests } = interceptProduce(broker);
  const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 20, maxRequestBytes: 3_000 });
  try {
    await producer.connect();
    // 8 batches of about 1,100 B: two fit in a request of 3,000 B.
    const value = 'x'.repeat(100);
    const metas = await producer.send({ topic: 'bounded', messages: Array.from({ length: 80 }, (_, i) => ({ value, partition: i % 8 })) });
    for (const offsets of byPartition(metas, 8)) assert.deepEqual(offsets, offsets.map((_, i) => BigInt(i)));
    assert.ok(requests.length >= 4 && requests.length <= 8, `${requests.length} requests`);
    for (const r of requests) assert.ok(r.reduce((n, p) => n + p.bytes, 0) <= 3_000, `request of ${r.map((p) => p.bytes).join('+')} B`);
    requests.length = 0;
    const [big] = await producer.send({ topic: 'bounded', messages: [{ value: 'y'.repeat(5_000), partition: 3 }] });
    assert.equal(big!.offset, 10n);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.length, 1);
  } finally {
    await producer.close();
    await broker.close();
  }
});

test('sender: a per-partition error (max.message.bytes) fails only that partition\'s messages of a shared request', { skip }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const { requests } = interceptProduce(broker);
  const admin = new Admin({ bootstrap: broker.bootstrap });
  const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 20, retries: 2, retryBackoffMs: 10 });
  try {
    await admin.createTopics([{ topic: 'small', partitions: 4, configs: { 'max.message.bytes': '1000' } }]);
    await producer.connect();
    await producer.send({ topic: 'small', messages: [{ value: 'warm', partition: 0 }] });
    requests.length = 0;
    const results = await Promise.allSettled([
      producer.send({ topic: 'small', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }] }),
      producer.send({ topic: 'small', messages: [{ value: 'z'.repeat(2_000), partition: 2 }] }),
      producer.send({ topic: 'small', messages: [{ value: 'c', partition: 3 }, { value: 'd', partition: 0 }] }),
    ]);
    assert.equal(requests.length, 1, 'one shared request, not retried');
    assert.equal(requests[0]!.length, 4);
    assert.equal(results[0]!.status, 'fulfilled');
    assert.equal(results[2]!.status, 'fulfilled');
    assert.equal(results[1]!.status, 'rejected');
    const err = (results[1] as PromiseRejectedResult).reason as KafkaClientError;
    assert.equal(err.errorName, 'MESSAGE_TOO_LARGE');
    assert.equal(err.retriable, false);
    const ok = [...(results[0] as PromiseFulfilledResult<{ partition: number; offset: bigint }[]>).value, ...(results[2] as PromiseFulfilledResult<{ partition: number; offset: bigint }[]>).value];
    assert.deepEqual(ok.map((m) => [m.partition, m.offset]), [[0, 1n], [1, 0n], [3, 0n], [0, 2n]]);
    assert.deepEqual((await admin.listOffsets('small', 'latest')).map((o) => o.offset), [3n, 1n, 0n, 1n]);
  } finally {
    await producer.close();
    await admin.close();
    await broker.close();
  }
});

test('sender: idempotent, retried partitions keep their sequence numbers and order; the others go on', { skip }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 4 });
  const NOT_LEADER_OR_FOLLOWER = 6;
  const MESSAGE_TOO_LARGE = 10;
  let failures = 0;
  // Partition 1 is refused (retriable) in 3 of the first requests; one batch of partition 2 is refused for good.
  let refuseForGood: number | undefined;
  const { requests } = interceptProduce(broker, (p, nth) => {
    if (p.partition === 1 && nth % 2 === 0 && failures < 3) {
      failures++;
      return NOT_LEADER_OR_FOLLOWER;
    }
    if (p.partition === 2 && p.baseSequence === refuseForGood) return MESSAGE_TOO_LARGE;
    return undefined;
  });
  const producer = new Producer({ bootstrap: broker.bootstrap, idempotent: true, lingerMs: 2, batchBytes: 400, retries: 5, retryBackoffMs: 5, retryBackoffMaxMs: 20 });
  try {
    await producer.connect();
    const sends = await Promise.all(Array.from({ length: 5 }, (_, s) => producer.send({ topic: 'idem', messages: Array.from({ length: 40 }, (_, i) => ({ value: `s${s}-${i}`, partition: i % 4 })) })));
    assert.equal(failures, 3);
    for (const offsets of byPartition(sends.flat(), 4)) assert.deepEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)), offsets.map((_, i) => BigInt(i)));
    for (const send of sends) {
      for (let p = 0; p < 4; p++) {
        const offsets = send.filter((m) => m.partition === p).map((m) => m.offset);
        assert.deepEqual(offsets, [...offsets].sort((a, b) => (a < b ? -1 : 1)), 'order within a send and partition');
      }
    }
    // Per partition, the batches the broker took carry contiguous sequences from 0; a refused batch was
    // resent with the sequence it had.
    const attempts = requests.flat().filter((x) => x.partition === 1);
    assert.ok(attempts.length >= 4, 'partition 1 was retried');
    const firstPid = requests[0]![0]!.producerId;
    for (let p = 0; p < 4; p++) {
      const seqs = [...new Map(requests.flat().filter((x) => x.partition === p).map((x) => [x.baseSequence, x])).values()];
      let next = 0;
      for (const s of seqs) {
        assert.equal(s.producerId, firstPid);
        assert.equal(s.baseSequence, next, `partition ${p}: sequences ${seqs.map((x) => x.baseSequence).join(',')}`);
        next += s.records;
      }
      assert.equal(next, 50, `partition ${p} numbered every message once`);
    }

    // A batch the broker refused for good gives its sequence back: the next batch of the partition reuses it.
    refuseForGood = 50;
    await assert.rejects(producer.send({ topic: 'idem', messages: [{ value: 'refused', partition: 2 }] }), (e: KafkaClientError) => e.errorName === 'MESSAGE_TOO_LARGE');
    refuseForGood = undefined;
    requests.length = 0;
    const [after] = await producer.send({ topic: 'idem', messages: [{ value: 'after', partition: 2 }] });
    assert.equal(after!.offset, 50n);
    assert.equal(requests[0]![0]!.baseSequence, 50);
  } finally {
    await producer.close();
    await broker.close();
  }
});
