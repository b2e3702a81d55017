/** kafka-python at api_version 0.8.2 and 0.8.1 (protocol versions Kafka 4.0 dropped): ListOffsets v0, OffsetCommit v1/v0, OffsetFetch v1/v0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker } from '../../broker/harness.js';
import { ProtocolTrace } from '../../../src/broker/protocol-trace.js';
import { onlyMinikafka } from '../../support/kafka-target.js';

const script = fileURLToPath(new URL('../../../../test/interop/kafka-python/legacy.py', import.meta.url));
const python = '/usr/bin/python3';
const skip = spawnSync(python, ['-c', 'import kafka'], { stdio: 'ignore' }).status === 0 ? false : 'python3-kafka is not installed';
/** The test reads the in-process broker's trace; Kafka 4 refuses the versions it checks (KIP-896). */
const skipOnKafka = skip || onlyMinikafka('reads the in-process broker protocol trace; old protocol versions Kafka 4 removed (KIP-896)');

test('kafka-python api_version 0.8.2/0.8.1: end and beginning offsets (ListOffsets v0), commits (OffsetCommit v1, v0) read back (OffsetFetch v1, v0)', { timeout: 90_000, skip: skipOnKafka }, async () => {
  const broker = await startTestBroker();
  const trace = new ProtocolTrace(broker);
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(python, [script, broker.bootstrap, 'legacy-kp'], { timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.deepEqual(seen, { '0.8.2': { end: 5, beginning: 0, committed: 3 }, '0.8.1': { end: 5, beginning: 0, committed: 2 } });
    const used = new Set(trace.requests({}).map((t) => `${t.api} v${t.version}`));
    for (const v of ['Metadata v0', 'ListOffsets v0', 'OffsetCommit v1', 'OffsetCommit v0', 'OffsetFetch v1', 'OffsetFetch v0']) assert.ok(used.has(v), `${v} was used (${[...used].join(', ')})`);
  } finally {
    trace.stop();
    await broker.close();
  }
});
