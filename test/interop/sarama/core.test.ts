/** Sarama (Go; Debian golang-github-shopify-sarama-dev, built here in GOPATH mode) against the broker: acks=all producer, consumer group. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBroker } from '../../broker/harness.js';

const run = promisify(execFile);
const source = fileURLToPath(new URL('../../../../test/interop/sarama/client.go', import.meta.url));
const binDir = fileURLToPath(new URL('./bin/', import.meta.url));

interface Rec { key: string; value: string; partition: number; offset: number }

test('sarama: acks=all producer and consumer group read back every record, per-partition order kept', { timeout: 180_000 }, async () => {
  mkdirSync(binDir, { recursive: true });
  const binary = `${binDir}sarama-client`;
  await run('go', ['build', '-o', binary, source], {
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOCACHE: `${binDir}cache` },
    timeout: 150_000,
  });
  const broker = await startTestBroker({ 'num.partitions': 3 });
  try {
    const { stdout } = await run(binary, [broker.bootstrap, 'sarama-topic', 'sarama-group'], { timeout: 60_000 });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as { sent: Rec[]; received: Rec[] };
    assert.equal(seen.sent.length, 40);
    assert.equal(seen.received.length, 40, 'every record consumed once');
    const key = (r: Rec) => `${r.partition}/${r.offset}/${r.key}/${r.value}`;
    assert.deepEqual(seen.received.map(key).sort(), seen.sent.map(key).sort());
    for (let p = 0; p < 3; p++) {
      const offsets = seen.received.filter((r) => r.partition === p).map((r) => r.offset);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), `partition ${p} in order`);
    }
  } finally {
    await broker.close();
  }
});
