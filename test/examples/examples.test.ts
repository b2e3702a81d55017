import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { distDir } from '../support/paths.js';
import { track } from '../support/children.js';
import { kafkaTarget, startKafkaTarget } from '../support/kafka-target.js';

async function runExample(name: string): Promise<{ code: number | null; output: string }> {
  // On the Apache Kafka target the example is given the cluster's address, as a user moving to Kafka would.
  const kafka = kafkaTarget ? await startKafkaTarget() : undefined;
  try {
    return await runExampleOn(name, kafka ? ['--bootstrap', kafka.bootstrap] : []);
  } finally {
    await kafka?.stop();
  }
}

function runExampleOn(name: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(distDir, 'examples', name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 75_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('examples/load-balancing: partitions move after a SIGKILL, every message processed, per-key order', { timeout: 90_000 }, async () => {
  const r = await runExample('load-balancing.js');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /SIGKILL worker-\d/);
  assert.match(r.output, /partition \d moved: worker-\d -> worker-\d/);
  assert.match(r.output, /OK every message processed/);
  assert.match(r.output, /OK per-key order held/);
});

test('examples/pubsub: two groups each receive every message', { timeout: 90_000 }, async () => {
  const r = await runExample('pubsub.js');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /OK group billing received all/);
  assert.match(r.output, /OK group audit received all/);
});
