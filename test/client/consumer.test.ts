import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../broker/harness.js';
import { Consumer, Producer, stringSerde, type ConsumedMessage, type GroupProtocol } from '../../src/client/index.js';

async function take<K, V>(consumer: Consumer<K, V>, n: number, timeoutMs = 15_000): Promise<ConsumedMessage<K, V>[]> {
  const out: ConsumedMessage<K, V>[] = [];
  const deadline = Date.now() + timeoutMs;
  const it = consumer[Symbol.asyncIterator]();
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`got ${out.length} of ${n} messages`);
    const r = await Promise.race([it.next(), new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), left).unref())]);
    if (r === 'timeout') throw new Error(`got ${out.length} of ${n} messages`);
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('assign() + seek reads a partition from an offset without a group', async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  const producer = new Producer({ bootstrap: broker.bootstrap });
  const consumer = new Consumer({ bootstrap: broker.bootstrap, valueDeserializer: stringSerde, autoOffsetReset: 'earliest' });
  try {
    await producer.send({ topic: 'a', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, headers: { i: String(i) } })) });
    consumer.assign([{ topic: 'a', partition: 0 }]);
    const all = await take(consumer, 10);
    assert.deepEqual(all.map((m) => m.value), Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.equal(all[3]!.headers[0]!.value!.toString(), '3');
    consumer.seek({ topic: 'a', partition: 0, offset: 7n });
    const rest = await take(consumer, 3);
    assert.deepEqual(rest.map((m) => m.offset), [7n, 8n, 9n]);
    assert.equal(consumer.position({ topic: 'a', partition: 0 }), 10n);
  } finally {
    await consumer.close();
    await producer.close();
    await broker.close();
  }
});

for (const protocol of ['consumer', 'classic'] as GroupProtocol[]) {
  test(`group (${protocol}): two consumers split 4 partitions, one leaves, the other takes over, commits resume`, async () => {
    const broker = await startTestBroker({ 'num.partitions': 4 });
    const bootstrap = broker.bootstrap;
    const producer = new Producer({ bootstrap });
    const opts = { bootstrap, groupId: `g-${protocol}`, groupProtocol: protocol, autoOffsetReset: 'earliest' as const, valueDeserializer: stringSerde, heartbeatIntervalMs: 200, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 5000 };
    const c1 = new Consumer(opts);
    const c2 = new Consumer(opts);
    let c3: Consumer<Buffer, string> | undefined;
    try {
      await producer.send({ topic: 'w', messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
      await c1.subscribe(['w']);
      await c2.subscribe('w');
      await waitFor(() => c1.assignment().length === 2 && c2.assignment().length === 2);
      const owned = [...c1.assignment(), ...c2.assignment()].map((tp) => tp.partition).sort();
      assert.deepEqual(owned, [0, 1, 2, 3]);
      // Both read with run(); c2 then commits and leaves, and c1 takes its partitions over.
      const got: string[] = [];
      const seen1: number[] = [];
      const run1 = c1.run({ eachMessage: (m) => { got.push(m.value!); seen1.push(m.partition); } });
      const run2 = c2.run({ eachBatch: (b) => { for (const m of b.messages) got.push(m.value!); } });
      await waitFor(() => got.length >= 40, 20_000);
      assert.equal(new Set(got).size, 40);
      await c2.commit();
      await c2.close();
      await run2;
      await waitFor(() => c1.assignment().length === 4, 20_000);
      await producer.send({ topic: 'w', messages: Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: `late${i}` })) });
      await waitFor(() => got.length >= 48, 20_000);
      assert.equal(got.length, 48);
      assert.deepEqual(got.slice(40).sort(), Array.from({ length: 8 }, (_, i) => `late${i}`).sort());
      await c1.commit();
      await c1.close();
      await run1;
      // A new member of the group resumes from the committed offsets: nothing old is read again.
      await producer.send({ topic: 'w', messages: [{ key: 'x', value: 'after' }] });
      c3 = new Consumer(opts);
      await c3.subscribe(['w']);
      const next = await take(c3, 1);
      assert.equal(next[0]!.value, 'after');
    } finally {
      await Promise.all([c1.close(), c2.close(), c3?.close()]);
      await producer.close();
      await broker.close();
    }
  });
}
