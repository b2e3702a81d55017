/**
 * The test toolkit's figures (issue "minikafka/testing"): what a test suite pays for a broker.
 *  - an in-memory broker's start-to-ready and stop, in a fresh Node process (import included), and the
 *    whole process (`node script` minus `node -e 0`): the goal is under 20 ms beyond Node's own start;
 *  - resetCluster of a namespace holding 20 topics and a committed group;
 *  - a KafkaJS produce → consumer-group round trip on a freshly started in-memory broker, disconnects included.
 * Medians of several runs; each run's figures are in the row's note.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { distDir } from '../test/support/paths.js';
import { startBroker } from '../src/broker/broker.js';
import { createLogger } from '../src/broker/logger.js';
import { TEST_BROKER_CONFIG } from '../src/testing/test-config.js';
import { TestNamespace, resetCluster } from '../src/testing/index.js';
import { Admin, Producer } from '../src/client/index.js';
import { median, progress } from './lib.js';
import type { Row } from './report.js';

const quiet = createLogger('error', () => {});
const fmt = (values: number[]): string => values.map((v) => v.toFixed(1)).join(', ');

/** A script that imports the toolkit, starts an in-memory broker, waits for an ApiVersions answer, stops it. */
function startScript(): string {
  const testing = join(distDir, 'src', 'testing', 'index.js');
  const wire = join(distDir, 'src', 'client', 'index.js');
  const logger = join(distDir, 'src', 'broker', 'logger.js');
  return `
const t0 = performance.now();
const { startBroker } = await import(${JSON.stringify(testing)});
const { Admin } = await import(${JSON.stringify(wire)});
const { createLogger } = await import(${JSON.stringify(logger)});
const t1 = performance.now();
const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ':memory:', logger: createLogger('error', () => {}) });
const admin = new Admin({ bootstrap: broker.bootstrap });
await admin.listTopics();
const t2 = performance.now();
await admin.close();
await broker.close();
const t3 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, readyMs: t2 - t1, stopMs: t3 - t2 }));
`;
}

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: ${r.stderr.toString().slice(0, 500)}`);
  return performance.now() - t0;
}

export async function testingPhase(rows: Row[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'minikafka-bench-testing-'));
  try {
    const script = join(scratch, 'start.mjs');
    writeFileSync(script, startScript());
    const runs: Array<{ importMs: number; readyMs: number; stopMs: number }> = [];
    const whole: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) throw new Error(`start script: ${r.stderr.toString().slice(0, 500)}`);
      runs.push(JSON.parse(r.stdout.toString()) as { importMs: number; readyMs: number; stopMs: number });
      bare.push(wallMs(['-e', '0']));
      whole.push(wallMs([script]));
    }
    const ready = runs.map((r) => r.readyMs);
    const imports = runs.map((r) => r.importMs);
    const stops = runs.map((r) => r.stopMs);
    progress(`in-memory broker: import ${median(imports).toFixed(1)} ms, start-to-ready ${median(ready).toFixed(1)} ms, stop ${median(stops).toFixed(1)} ms`);
    rows.push({ section: 'testing', name: 'in-memory broker: start to first answer, in-process (fresh process)', unit: 'ms', minikafka: median(ready), targetAbs: 20, higherIsBetter: false, note: `runs ${fmt(ready)}; startBroker({ dataDir: ':memory:' }) then an Admin listTopics answered` });
    rows.push({ section: 'testing', name: 'in-memory broker: stop', unit: 'ms', minikafka: median(stops), higherIsBetter: false, note: `runs ${fmt(stops)}` });
    rows.push({ section: 'testing', name: 'minikafka/testing import (first in a process)', unit: 'ms', minikafka: median(imports), higherIsBetter: false, note: `runs ${fmt(imports)}` });
    const beyond = whole.map((w, i) => w - bare[i]!);
    rows.push({ section: 'testing', name: 'whole process (import, start, answer, stop, exit) beyond `node -e 0`', unit: 'ms', minikafka: median(beyond), higherIsBetter: false,
      note: `node -e 0: ${median(bare).toFixed(1)} ms median; runs beyond it ${fmt(beyond)}` });

    // Namespace reset: 20 topics and one group with a committed offset.
    const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ':memory:', config: { ...TEST_BROKER_CONFIG }, logger: quiet });
    const resets: number[] = [];
    try {
      const admin = new Admin({ bootstrap: broker.bootstrap });
      const producer = new Producer({ bootstrap: broker.bootstrap });
      try {
        for (let run = 0; run < 5; run++) {
          const ns = new TestNamespace('bench');
          await admin.createTopics(Array.from({ length: 20 }, (_, i) => ({ topic: ns.topic(`t${i}`), partitions: 3 })));
          await producer.send({ topic: ns.topic('t0'), messages: [{ value: 'x' }] });
          await admin.resetOffsets(ns.group('g'), ns.topic('t0'), 'latest', [0]);
          const t0 = performance.now();
          await resetCluster(broker.bootstrap, { prefix: ns.prefix });
          resets.push(performance.now() - t0);
        }
      } finally {
        await producer.close();
        await admin.close();
      }
    } finally {
      await broker.close();
    }
    rows.push({ section: 'testing', name: 'resetCluster of a namespace (20 topics x 3 partitions, a group)', unit: 'ms', minikafka: median(resets), higherIsBetter: false, note: `runs ${fmt(resets)}` });

    // KafkaJS round trip on a fresh in-memory broker.
    const trips: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      const b = await startBroker({ host: '127.0.0.1', port: 0, dataDir: ':memory:', config: { ...TEST_BROKER_CONFIG }, logger: quiet });
      try {
        const kafka = new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic: 'round-trip', messages: [{ key: 'k', value: 'v' }] });
        await producer.disconnect();
        const consumer = kafka.consumer({ groupId: 'round-trip' });
        await consumer.connect();
        await consumer.subscribe({ topic: 'round-trip', fromBeginning: true });
        await new Promise<void>((resolve) => void consumer.run({ eachMessage: async () => resolve() }));
        await consumer.disconnect();
      } finally {
        await b.close();
      }
      trips.push(performance.now() - t0);
    }
    progress(`resetCluster ${median(resets).toFixed(1)} ms; KafkaJS round trip ${median(trips).toFixed(0)} ms`);
    rows.push({ section: 'testing', name: 'KafkaJS produce → group consume round trip on a fresh in-memory broker (start to disconnects)', unit: 'ms', minikafka: median(trips), higherIsBetter: false, note: `runs ${fmt(trips)}; auto-created topic, default KafkaJS settings, test-broker config` });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

