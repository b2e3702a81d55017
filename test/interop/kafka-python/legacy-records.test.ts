/** kafka-python with message formats v0 (api_version 0.9: Produce v1, Fetch v1) and v1 (0.10.0: Produce v2, Fetch v2), gzip, in a consumer group that commits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from '../../broker/harness.js';
import { ProtocolTrace } from '../../../src/broker/protocol-trace.js';
import { onlyMinikafka } from '../../support/kafka-target.js';
import { partitionForKey } from '../../../src/partitioner.js';

const script = fileURLToPath(new URL('../../../../test/interop/kafka-python/legacy_records.py', import.meta.url));
const python = '/usr/bin/python3';
const skip = spawnSync(python, ['-c', 'import kafka'], { stdio: 'ignore' }).status === 0 ? false : 'python3-kafka is not installed';
/** The test reads the in-process broker's trace; Kafka 4 refuses the versions it checks (KIP-896). */
const skipOnKafka = skip || onlyMinikafka('reads the in-process broker protocol trace; old protocol versions Kafka 4 removed (KIP-896)');

test('kafka-python at api_version 0.9 and 0.10.0: keyed gzip produce and group consume through message formats v0 and v1', { timeout: 120_000, skip: skipOnKafka }, async () => {
  const broker = await startTestBroker({ 'num.partitions': 2 });
  const trace = new ProtocolTrace(broker);
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(python, [script, broker.bootstrap, 'kp-legacy'], { timeout: 90_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    for (const version of ['0.9', '0.10.0']) {
      const { sent, received, committed } = seen[version] as { sent: [number, number][]; received: [number, number, string, string, number | null][]; committed: Record<string, number> };
      sent.forEach(([partition], i) => assert.equal(partition, partitionForKey(Buffer.from(`key-${i % 3}`), 2), `${version}: murmur2 partition of record ${i}`));
      const byValue = new Map(received.map((r) => [r[3], r]));
      assert.equal(byValue.size, 12, `${version}: every record once`);
      sent.forEach(([partition, offset], i) => {
        const r = byValue.get(`value-${i}`)!;
        assert.deepEqual([r[0], r[1], r[2]], [partition, offset, `key-${i % 3}`], `${version}: record ${i}`);
        assert.equal(r[4], version === '0.9' ? null : 1_700_000_000_000 + i, `${version}: timestamp (none in message format v0)`);
      });
      for (const p of ['0', '1']) assert.equal(committed[p], sent.filter(([partition]) => String(partition) === p).length, `${version}: committed after the last record of ${p}`);
    }
    const used = new Set(trace.requests({}).map((t) => `${t.api} v${t.version}`));
    for (const v of ['Produce v1', 'Produce v2', 'Fetch v1', 'Fetch v2', 'JoinGroup v0', 'SyncGroup v0', 'ListOffsets v0']) assert.ok(used.has(v), `${v} used (${[...used].join(', ')})`);
  } finally {
    trace.stop();
    await broker.close();
  }
});
