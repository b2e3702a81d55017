// The producer builds batches from its own record objects (timestamp deltas set in place, one shared
// empty header list): each message must still arrive with its own timestamp, key, value and headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../broker/harness.js';
import { Consumer, Producer, type ConsumedMessage, type ProducerMessage } from '../../src/client/index.js';

test('producer: shared batches keep every message its own timestamp, key, value and headers', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 2 });
  const topic = 'records';
  const base = Date.now() - 60_000;
  // Two sends share each partition's batch (lingerMs 50): timestamps go up and down, headers on some messages only.
  const first: ProducerMessage<string, string>[] = Array.from({ length: 40 }, (_, i) => ({
    key: i % 5 === 0 ? null : `k${i}`,
    value: `a${i}`,
    partition: i % 2,
    timestamp: base + ((i * 7919) % 1000) - 500,
    ...(i % 3 === 0 ? { headers: [{ key: 'n', value: `h${i}` }, { key: 'n', value: null }] } : {}),
  }));
  const second: ProducerMessage<string, string>[] = Array.from({ length: 40 }, (_, i) => ({ value: `b${i}`, partition: i % 2, timestamp: base + 1000 + i }));
  const snapshot = JSON.stringify([first, second]);
  const producer = new Producer<string, string>({ bootstrap: broker.bootstrap, acks: 1, lingerMs: 50 });
  const consumer = new Consumer<string, string>({
    bootstrap: broker.bootstrap, autoOffsetReset: 'earliest',
    keyDeserializer: { deserialize: (b) => b.toString() }, valueDeserializer: { deserialize: (b) => b.toString() },
  });
  try {
    const [metaA, metaB] = await Promise.all([producer.send({ topic, messages: first }), producer.send({ topic, messages: second })]);
    assert.equal(JSON.stringify([first, second]), snapshot, 'send does not change the caller\'s messages');
    const sent = [...first, ...second];
    const metas = [...metaA, ...metaB];
    metas.forEach((m, i) => assert.equal(m.timestamp, sent[i]!.timestamp, `metadata timestamp of message ${i}`));
    // A later send without headers still goes out without any.
    await producer.send({ topic, messages: [{ value: 'last', partition: 0 }] });

    consumer.assign([{ topic, partition: 0 }, { topic, partition: 1 }]);
    const got: ConsumedMessage<string, string>[] = [];
    const it = consumer[Symbol.asyncIterator]();
    while (got.length < sent.length + 1) got.push((await it.next()).value as ConsumedMessage<string, string>);
    const byValue = new Map(got.map((m) => [m.value!, m]));
    assert.equal(byValue.size, sent.length + 1);
    sent.forEach((s, i) => {
      const m = byValue.get(s.value!);
      assert.ok(m, `message ${s.value} came back`);
      assert.equal(m.partition, s.partition);
      assert.equal(m.offset, metas[i]!.offset);
      assert.equal(m.timestamp, s.timestamp, `timestamp of ${s.value}`);
      assert.equal(m.key, s.key ?? null);
      const headers = (s.headers ?? []) as Array<{ key: string; value: string | null }>;
      assert.deepEqual(m.headers.map((h) => [h.key, h.value?.toString() ?? null]), headers.map((h) => [h.key, h.value]));
    });
    assert.deepEqual(byValue.get('last')!.headers, []);
  } finally {
    await Promise.allSettled([consumer.close(), producer.close()]);
    await broker.close();
  }
});
