/** python3-confluent-kafka's AdminClient (librdkafka) against the broker: topic configs as Kafka has them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { targetKind } from '../../support/target.js';

const script = fileURLToPath(new URL('../../../../test/interop/confluent-python/admin.py', import.meta.url));
const python = '/usr/bin/python3';
const skip = spawnSync(python, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0 ? false : 'python3-confluent-kafka is not installed';
// Kafka 4 removed message.timestamp.difference.max.ms, which this test creates a topic with: Kafka
// 4.4 answers INVALID_CONFIG, minikafka accepts it for 3.x clients (test/compat/kafka/FINDINGS.md K6).
const skipConfigs = skip || (targetKind === 'kafka' ? 'creates a topic with a Kafka 3.x config that Kafka 4 removed (FINDINGS.md K6)' : false);

export function runAdmin(broker: TestBroker, topic: string, what: string): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(python, [script, broker.bootstrap, topic, what], { timeout: 60_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`${err.message}\n${errOut}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

test('confluent-kafka-python: create_topics with Kafka 3.x configs, describe_configs sees every config with its source and log.* synonyms', { timeout: 90_000, skip: skipConfigs }, async () => {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  try {
    const seen = await runAdmin(broker, 'cfg-topic', 'configs');
    assert.ok(Object.keys(seen).length >= 34, `every config listed (${Object.keys(seen).length})`);
    // librdkafka's ConfigSource: DYNAMIC_TOPIC_CONFIG 1, DEFAULT_CONFIG 5.
    assert.deepEqual(seen['message.timestamp.difference.max.ms'], { value: '60000', source: 1, synonyms: [['message.timestamp.difference.max.ms', '60000', 1], ['log.message.timestamp.difference.max.ms', '9223372036854775807', 5]] });
    assert.equal(seen['cleanup.policy'].value, 'compact');
    assert.deepEqual(seen['cleanup.policy'].synonyms.map((s: unknown[]) => s[0]), ['cleanup.policy', 'log.cleanup.policy']);
    assert.equal(seen['flush.messages'].value, '10');
    assert.equal(seen['segment.bytes'].source, 5);
    assert.equal(seen['preallocate'].value, 'false');
  } finally {
    await broker.close();
  }
});
