/** kafka-python (apt python3-kafka, a pure-Python client) against the broker: admin, keyed produce, classic group, commits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from '../../broker/harness.js';
import { partitionForKey } from '../../../src/partitioner.js';

const script = fileURLToPath(new URL('../../../../test/interop/kafka-python/client.py', import.meta.url));
const python = '/usr/bin/python3';

interface Seen {
  sent: { key: string; partition: number; offset: number }[];
  received: { key: string; value: string; partition: number; offset: number; headers: [string, string][] }[];
  committed: Record<string, number>;
}

test('kafka-python: create topic, keyed gzip produce with headers, group consume, commit', { timeout: 90_000 }, async () => {
  assert.ok(existsSync(script), `missing ${script}`);
  const broker = await startTestBroker();
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(python, [script, broker.bootstrap, 'kp-topic', 'kp-group'], { timeout: 60_000 }, (err, out, errOut) => {
        if (err) reject(new Error(`${err.message}\n${errOut}`));
        else resolve(out);
      });
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as Seen;
    assert.equal(seen.received.length, 30);
    for (const s of seen.sent) assert.equal(s.partition, partitionForKey(Buffer.from(s.key), 3), `murmur2 partition of ${s.key}`);
    const values = seen.received.map((r) => r.value).sort();
    assert.deepEqual(values, Array.from({ length: 30 }, (_, i) => `value-${i}`).sort());
    for (const r of seen.received) assert.deepEqual(r.headers, [['n', r.value.slice('value-'.length)]]);
    for (let p = 0; p < 3; p++) {
      const offsets = seen.received.filter((r) => r.partition === p).map((r) => r.offset);
      assert.deepEqual(offsets, offsets.map((_, i) => i), `partition ${p} read densely in order`);
      assert.equal(seen.committed[String(p)], offsets.length, `partition ${p} committed after the last record`);
    }
  } finally {
    await broker.close();
  }
});
