import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildCompressedBatch, compress, compressXerialSnappy, decodeRecordBatches, decompress } from '../../src/protocol/compression.js';
import { validateRecordBatches, type Compression } from '../../src/protocol/record-batch.js';
import { startTestBroker } from '../broker/harness.js';
import { runKcat } from '../support/kcat.js';
import { Consumer, Producer, stringSerde } from '../../src/client/index.js';

const codecs: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

test('compress/decompress round trip for every codec; xerial snappy decodes', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.constantFrom(...codecs), async (bytes, codec) => {
    const data = Buffer.from(bytes);
    assert.deepEqual(await decompress(codec, await compress(codec, data)), data);
    if (codec === 'snappy') assert.deepEqual(await decompress('snappy', await compressXerialSnappy(data, 1000)), data);
  }), { numRuns: 60 });
});

test('compressed batches carry a valid CRC and decode to the same records', async () => {
  const rec = fc.record({
    key: fc.option(fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b))),
    value: fc.option(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b))),
    headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: fc.option(fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b))) }), { maxLength: 3 }),
    timestampDelta: fc.integer({ min: 0, max: 100000 }),
  });
  await fc.assert(fc.asyncProperty(fc.array(rec, { minLength: 1, maxLength: 20 }), fc.constantFrom(...codecs), async (records, codec) => {
    const batch = await buildCompressedBatch({ baseOffset: 5, baseTimestamp: 1_700_000_000_000, records }, codec);
    assert.equal(validateRecordBatches(batch).ok, true);
    const [decoded] = await decodeRecordBatches(batch);
    assert.equal(decoded!.compression, codec);
    decoded!.records.forEach((r, i) => {
      assert.equal(r.offset, BigInt(5 + i));
      assert.equal(r.timestamp, 1_700_000_000_000 + records[i]!.timestampDelta);
      assert.deepEqual(r.key, records[i]!.key);
      assert.deepEqual(r.value, records[i]!.value);
      assert.deepEqual(r.headers, records[i]!.headers.map((h) => ({ key: h.key, value: h.value })));
    });
  }), { numRuns: 80 });
});

test('interop with kcat: its compressed batches decode, ours it consumes', async () => {
  const broker = await startTestBroker({ 'num.partitions': 1 });
  try {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const lines = Array.from({ length: 50 }, (_, i) => `${codec}-kcat-${i}`);
      const produced = await runKcat(['-b', broker.bootstrap, '-t', `kc-${codec}`, '-P', '-z', codec], { input: lines.join('\n') + '\n', timeoutMs: 15_000 });
      assert.equal(produced.code, 0, produced.stderr);
      const consumer = new Consumer({ bootstrap: broker.bootstrap, autoOffsetReset: 'earliest', valueDeserializer: stringSerde });
      consumer.assign([{ topic: `kc-${codec}`, partition: 0 }]);
      const got: string[] = [];
      const run = consumer.run({ eachMessage: (m) => { got.push(m.value!); } });
      const deadline = Date.now() + 10_000;
      while (got.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await consumer.close();
      await run;
      assert.deepEqual(got, lines, `kcat -z ${codec} → our consumer`);

      const producer = new Producer({ bootstrap: broker.bootstrap, compression: codec, lingerMs: 10 });
      const ours = Array.from({ length: 50 }, (_, i) => `${codec}-ours-${i}`);
      await producer.send({ topic: `ours-${codec}`, messages: ours.map((value) => ({ value })) });
      await producer.close();
      const consumed = await runKcat(['-b', broker.bootstrap, '-t', `ours-${codec}`, '-C', '-o', 'beginning', '-e', '-q'], { timeoutMs: 15_000 });
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trim().split('\n'), ours, `our ${codec} → kcat`);
    }
  } finally {
    await broker.close();
  }
});
