import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { Consumer, Producer, stringSerde } from '../../src/client/index.js';

// A restarted broker fenced every KIP-848 member (member state is not stored), so uncommitted messages came again.
test('a consumer survives a broker restart on the same data dir and port, keeping its partitions and position', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mk-restart-'));
  const logger = createLogger('error', () => {});
  let broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir, logger, config: { 'num.partitions': 1 } });
  const bootstrap = broker.bootstrap;
  const port = Number(bootstrap.split(':')[1]);
  const opts = { bootstrap, retries: 20, retryBackoffMs: 50, requestTimeoutMs: 5000 };
  const consumer = new Consumer({ ...opts, groupId: 'r', autoOffsetReset: 'earliest', valueDeserializer: stringSerde, heartbeatIntervalMs: 200 });
  const got: string[] = [];
  try {
    const p1 = new Producer(opts);
    await p1.send({ topic: 'r', messages: [{ value: 'before' }] });
    await p1.close();
    await consumer.subscribe(['r']);
    const run = consumer.run({ eachMessage: (m) => { got.push(m.value!); } });
    run.catch(() => undefined);
    const until = async (n: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };
    await until(1);
    assert.deepEqual(got, ['before']);
    // Nothing committed: the KIP-848 member must be taken back by the restarted broker with the
    // partitions it owns (its position kept), not fenced, or 'before' or 'after' comes again.
    await broker.close();
    broker = await startBroker({ host: '127.0.0.1', port, dataDir, logger, config: { 'num.partitions': 1 } });
    const p2 = new Producer(opts);
    await p2.send({ topic: 'r', messages: [{ value: 'after' }] });
    await p2.close();
    await until(2);
    await new Promise((r) => setTimeout(r, 1000)); // several heartbeats: the rejoin after fencing has happened
    assert.deepEqual(got, ['before', 'after']);
    await consumer.close();
    await run;
  } finally {
    await consumer.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
