/** Sarama at config.Version 0.10.x (protocol versions Kafka 4.0 dropped): CreateTopics v0, DeleteTopics v0, ListOffsets v0, OffsetCommit v1, gzip Produce v2 and Fetch v2 (message format v1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBroker } from '../../broker/harness.js';
import { ProtocolTrace } from '../../../src/broker/protocol-trace.js';
import { onlyMinikafka } from '../../support/kafka-target.js';

const run = promisify(execFile);
const source = fileURLToPath(new URL('../../../../test/interop/sarama/legacy.go', import.meta.url));
const binDir = fileURLToPath(new URL('./bin/', import.meta.url));

/** The tests read the in-process broker's trace; Kafka 4 refuses the old versions they check (KIP-896). */
const skip = onlyMinikafka('reads the in-process broker protocol trace; old protocol versions Kafka 4 removed (KIP-896)');

test('sarama at 0.10.0: admin creates and deletes topics (v0), produces and consumes message format v1, GetOffset (ListOffsets v0), OffsetManager commits (v1)', { timeout: 240_000, skip }, async () => {
  mkdirSync(binDir, { recursive: true });
  const binary = `${binDir}sarama-legacy`;
  await run('go', ['build', '-o', binary, source], {
    env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOCACHE: `${binDir}cache` },
    timeout: 200_000,
  });
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const trace = new ProtocolTrace(broker);
  try {
    const { stdout } = await run(binary, [broker.bootstrap, 'sarama-legacy'], { timeout: 60_000 });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.deepEqual(seen, { committed: 3, metadata: 'meta', newest: 4, oldest: 0, createExisting: 'kafka server: Topic with this name already exists.', consumed: ['0:v0', '1:v1', '2:v2', '3:v3'] });
    const used = new Set(trace.requests({}).map((t) => `${t.api} v${t.version}`));
    for (const v of ['CreateTopics v0', 'DeleteTopics v0', 'ListOffsets v0', 'OffsetCommit v1', 'Produce v2', 'Fetch v2']) assert.ok(used.has(v), `${v} was used (${[...used].join(', ')})`);
    assert.equal(broker.state.store.topic('sarama-legacy-gone'), undefined, 'deleted');
  } finally {
    trace.stop();
    await broker.close();
  }
});
