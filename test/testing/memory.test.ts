// dataDir ':memory:': a broker with nothing on disk (the storage layer's MemoryFs), for test suites that
// want speed over durability. It serves real clients like any broker and leaves no files behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { startBroker } from '../../src/testing/index.js';
import { createLogger } from '../../src/broker/logger.js';

// A private TMPDIR for this process: other test runs on the machine create their own minikafka-* dirs.
const privateTmp = mkdtempSync(join(tmpdir(), 'memory-test-'));
process.env.TMPDIR = privateTmp;
process.on('exit', () => rmSync(privateTmp, { recursive: true, force: true }));
const ours = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('minikafka-')).sort();

test("an in-memory broker serves KafkaJS (produce, group consume) and writes nothing to disk", { timeout: 60_000 }, async () => {
  assert.equal(tmpdir(), privateTmp);
  const before = ours();
  const t0 = performance.now();
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ':memory:', logger: createLogger('silent') });
  const startMs = performance.now() - t0;
  const kafka = new kafkajs.Kafka({ clientId: 'mem', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: 'mem-group' });
  try {
    await producer.connect();
    await producer.send({ topic: 'mem', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await consumer.connect();
    await consumer.subscribe({ topic: 'mem', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${seen.length} of 10`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 10) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    assert.deepEqual(seen.sort(), Array.from({ length: 10 }, (_, i) => `v${i}`).sort());
  } finally {
    await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
    await broker.close();
  }
  assert.deepEqual(ours(), before, 'no temporary directory was made');
  process.stdout.write(`# in-memory broker start: ${startMs.toFixed(1)} ms\n`);
});
