// minikafka/testing's helpers on a real broker: namespaces and reset, the waitFor family (what they
// wait for, and that a timeout says what was last seen), and the CommonJS bundle Jest loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  Admin, Consumer, Producer, stringSerde,
} from '../../src/index.js';
import {
  TestNamespace, WaitTimeoutError, resetCluster, startSharedBroker, testBootstrap, waitForCommittedOffset,
  waitForGroupStable, waitForLagZero, waitForRecords, BOOTSTRAP_ENV,
} from '../../src/testing/index.js';
import { distDir } from '../support/paths.js';

test('shared broker, namespaces, waitFor helpers and reset', { timeout: 90_000 }, async () => {
  const shared = await startSharedBroker({ config: { 'num.partitions': 2 } });
  assert.equal(testBootstrap(), shared.bootstrap);
  const bootstrap = shared.bootstrap;
  const a = new TestNamespace('orders test #1');
  const b = new TestNamespace('other');
  assert.match(a.prefix, /^t-orders-test-1-[0-9a-f]{8}\.$/);
  const admin = new Admin({ bootstrap });
  const producer = new Producer<string, string>({ bootstrap, keySerializer: stringSerde, valueSerializer: stringSerde });
  const consumers: Consumer[] = [];
  try {
    await admin.createTopics([{ topic: a.topic('in'), partitions: 2 }, { topic: b.topic('in'), partitions: 1 }]);

    // waitForRecords sees records produced after it started waiting, and only the matching ones.
    const waiting = waitForRecords(bootstrap, a.topic('in'), { count: 2, match: (m) => m.value?.toString().startsWith('yes') === true, timeoutMs: 20_000 });
    await producer.send({ topic: a.topic('in'), messages: [{ key: 'k1', value: 'no' }, { key: 'k2', value: 'yes-1' }, { key: 'k3', value: 'yes-2' }] });
    const found = await waiting;
    assert.deepEqual(found.map((m) => m.value!.toString()).sort(), ['yes-1', 'yes-2']);

    // A timeout explains itself.
    await assert.rejects(waitForRecords(bootstrap, a.topic('in'), { count: 5, timeoutMs: 800 }), (err: unknown) => {
      assert.ok(err instanceof WaitTimeoutError);
      assert.match(err.message, /5 matching record\(s\) on .*; last seen: 3 matching of 3 read/);
      return true;
    });

    // Two members of one group: stable with both, then commits reach the end (lag 0).
    const group = a.group('g');
    for (let i = 0; i < 2; i++) {
      const c = new Consumer({ bootstrap, groupId: group, autoOffsetReset: 'earliest', groupProtocol: 'classic', sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, autoCommit: false });
      consumers.push(c);
      await c.subscribe(a.topic('in'));
    }
    const assignment = await waitForGroupStable(bootstrap, group, 2, { timeoutMs: 20_000 });
    assert.equal(assignment.size, 2);
    assert.deepEqual([...assignment.values()].flat().map((tp) => tp.partition).sort(), [0, 1]);
    for (const c of consumers) {
      await c.commit(c.assignment().map((tp) => ({ ...tp, offset: 0n })));
    }
    await assert.rejects(waitForLagZero(bootstrap, group, { timeoutMs: 500 }), /lag 0; last seen: .*lag [12]/);
    const ends = await admin.listOffsets(a.topic('in'));
    for (const c of consumers) await c.commit(c.assignment().map((tp) => ({ ...tp, offset: ends.find((e) => e.partition === tp.partition)!.offset })));
    await waitForLagZero(bootstrap, group, { timeoutMs: 10_000 });
    const p0end = ends.find((e) => e.partition === 0)!.offset;
    assert.equal(await waitForCommittedOffset(bootstrap, group, a.topic('in'), 0, p0end, { timeoutMs: 5000 }), p0end);
    await Promise.all(consumers.map((c) => c.close()));

    // reset with a prefix removes one namespace's topics and groups, and nothing else.
    const removed = await resetCluster(bootstrap, { prefix: a.prefix });
    assert.deepEqual(removed.topics, [a.topic('in')]);
    assert.deepEqual(removed.groups, [group]);
    assert.deepEqual((await admin.listTopics()).filter((t) => t.startsWith('t-')), [b.topic('in')]);
    await resetCluster(bootstrap);
    assert.deepEqual(await admin.listTopics(), []);
  } finally {
    await Promise.allSettled([...consumers.map((c) => c.close()), producer.close(), admin.close()]);
    await shared.stop();
  }
  assert.equal(process.env[BOOTSTRAP_ENV], undefined, 'stop clears MINIKAFKA_BOOTSTRAP');
  assert.throws(() => testBootstrap(), /MINIKAFKA_BOOTSTRAP is not set/);
});

test('the CommonJS bundle runs Jest-style global setup and teardown', { timeout: 60_000 }, () => {
  // What Jest does with jest.config { globalSetup, globalTeardown }: require each module, call its export.
  const script = `
    const setup = require(${JSON.stringify(join(distDir, 'testing-jest-setup.cjs'))});
    const teardown = require(${JSON.stringify(join(distDir, 'testing-jest-teardown.cjs'))});
    (async () => {
      await setup({}, {});
      const bootstrap = process.env.MINIKAFKA_BOOTSTRAP;
      const net = require('node:net');
      await new Promise((resolve, reject) => {
        const [host, port] = bootstrap.split(':');
        const s = net.connect(Number(port), host, () => { s.end(); resolve(); });
        s.on('error', reject);
      });
      await teardown({}, {});
      process.stdout.write('ok ' + bootstrap + ' ' + (process.env.MINIKAFKA_BOOTSTRAP === undefined));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ok 127\.0\.0\.1:\d+ true$/);
});
