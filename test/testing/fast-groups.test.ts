// Test brokers form KIP-848 groups fast without client settings: with Kafka's 5 s heartbeat interval two
// consumers took 5-10 s before both held partitions; the toolkit's brokers hand out 250 ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer as PltConsumer } from '@platformatic/kafka';
import { closeForced } from '../support/platformatic.js';
import { Admin } from '../../src/index.js';
import { KafkaContainer } from '../../src/testing/index.js';

test('two KIP-848 consumers (@platformatic/kafka, default settings) both hold partitions well under a second', { timeout: 60_000 }, async () => {
  const kafka = await new KafkaContainer().start();
  const admin = new Admin({ bootstrap: kafka.bootstrap });
  const consumers: PltConsumer[] = [];
  // 1.x fails the fetch it has in flight when close() comes and its stream emits that as an error: one
  // before closing fails the test, one after is only printed.
  const streamErrors: Error[] = [];
  let closing = false;
  try {
    await admin.createTopics([{ topic: 'fast', partitions: 4 }]);
    const t0 = performance.now();
    for (let i = 0; i < 2; i++) {
      const c = new PltConsumer({ clientId: `fast-${i}`, groupId: 'fast-group', bootstrapBrokers: [kafka.bootstrap], groupProtocol: 'consumer' });
      consumers.push(c);
      const stream = await c.consume({ topics: ['fast'] });
      stream.on('error', (error: Error) => {
        if (closing) process.stdout.write(`# while closing: ${error.message}\n`);
        else streamErrors.push(error);
      });
    }
    let both = false;
    while (!both && performance.now() - t0 < 20_000) {
      const [g] = await admin.describeGroups(['fast-group']);
      both = g !== undefined && g.members.length === 2 && g.members.every((m) => m.assignment.length === 2);
      if (!both) await new Promise((r) => setTimeout(r, 25));
    }
    const ms = performance.now() - t0;
    process.stdout.write(`# two KIP-848 members hold 2 partitions each after ${ms.toFixed(0)} ms\n`);
    assert.ok(both, 'both members hold partitions');
    assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
    assert.deepEqual(streamErrors.map((e) => e.message), [], 'stream errors');
  } finally {
    closing = true;
    await Promise.allSettled(consumers.map(closeForced));
    await admin.close();
    await kafka.stop();
  }
});
