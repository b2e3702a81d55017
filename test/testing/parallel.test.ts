// 100 test files in parallel workers share one broker (started by `minikafka run`), each in its own
// TestNamespace: every file sees exactly its own records and group, none of another's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../cli/run-cli.js';
import { distDir } from '../support/paths.js';

const FILES = Number(process.env['MINIKAFKA_PARALLEL_FILES'] ?? 100);

test(`${FILES} test files in parallel workers, one shared broker, isolated namespaces`, { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-parallel-'));
  const lib = pathToFileURL(join(distDir, 'src', 'index.js')).href;
  const testing = pathToFileURL(join(distDir, 'src', 'testing', 'index.js')).href;
  try {
    for (let i = 0; i < FILES; i++) {
      writeFileSync(join(dir, `file-${i}.test.mjs`), `
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer, Consumer, stringSerde } from ${JSON.stringify(lib)};
import { TestNamespace, testBootstrap, waitForRecords, waitForCommittedOffset } from ${JSON.stringify(testing)};
test('file ${i}', async () => {
  const ns = new TestNamespace('file-${i}');
  const bootstrap = testBootstrap();
  const producer = new Producer({ bootstrap, keySerializer: stringSerde, valueSerializer: stringSerde });
  await producer.send({ topic: ns.topic('t'), messages: Array.from({ length: 5 }, (_, j) => ({ key: 'k' + j, value: ns.prefix + j })) });
  await producer.close();
  const records = await waitForRecords(bootstrap, ns.topic('t'), { count: 5, timeoutMs: 60000 });
  assert.deepEqual(records.map((r) => r.value.toString()).sort(), Array.from({ length: 5 }, (_, j) => ns.prefix + j));
  const consumer = new Consumer({ bootstrap, groupId: ns.group('g'), autoOffsetReset: 'earliest', autoCommit: false });
  consumer.assign([{ topic: ns.topic('t'), partition: 0 }]);
  let n = 0;
  for await (const m of consumer) { assert.ok(m.value.toString().startsWith(ns.prefix)); if (++n === 5) break; }
  await consumer.commit();
  await consumer.close();
  await waitForCommittedOffset(bootstrap, ns.group('g'), ns.topic('t'), 0, 5n, { timeoutMs: 30000 });
});
`);
    }
    const t0 = performance.now();
    // NODE_TEST_CONTEXT (set for files the test runner spawns) would make the inner runner report to us
    // instead of running its files: the inner run starts without it.
    const r = await runCli(['run', '--', 'env', '-u', 'NODE_TEST_CONTEXT', process.execPath, '--test', '--test-concurrency=8', dir], { timeoutMs: 230_000 });
    const ms = performance.now() - t0;
    process.stdout.write(`# ${FILES} files, 8 workers: ${ms.toFixed(0)} ms\n`);
    assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-2000));
    assert.match(r.stdout, new RegExp(`# pass ${FILES}\\b`));
    assert.match(r.stdout, /# fail 0\b/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
