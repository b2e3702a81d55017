import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { runKcat, kcatOk } from '../support/kcat.js';
import { uniqueTopic } from '../support/target.js';

// Restart and crash recovery through the CLI as a child process: every record acknowledged
// with acks=-1 survives a clean stop (SIGTERM) and a crash (SIGKILL), and offsets continue densely.
const testTimeoutMs = 90_000;
const kcatTimeoutMs = 20_000;
const config = { 'auto.create.topics.enable': 'true', 'num.partitions': 2 };

async function produce(broker: BrokerProcess, topic: string, partition: number, values: string[]): Promise<void> {
  const result = await runKcat(['-b', broker.bootstrap, '-P', '-t', topic, '-p', String(partition), '-X', 'acks=all', '-X', 'message.send.max.retries=0'], {
    input: values.map((v) => `${v}\n`).join(''),
    timeoutMs: kcatTimeoutMs,
  });
  // kcat exits non-zero if any message was not acknowledged (delivery report error).
  kcatOk(result, `produce to ${topic}/${partition}`);
}

async function consume(broker: BrokerProcess, topic: string, partition: number): Promise<Array<[bigint, string]>> {
  const out = kcatOk(
    await runKcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%o %s\n'], { timeoutMs: kcatTimeoutMs }),
    `consume ${topic}/${partition}`,
  );
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const space = l.indexOf(' ');
      return [BigInt(l.slice(0, space)), l.slice(space + 1)];
    });
}

function expectDense(got: Array<[bigint, string]>, values: string[], where: string): void {
  assert.deepEqual(
    got,
    values.map((v, i) => [BigInt(i), v]),
    where,
  );
}

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  test(`restart after ${signal}: acknowledged records survive and offsets continue densely`, { timeout: testTimeoutMs }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), `minikafka-restart-${signal}-`));
    let broker: BrokerProcess | undefined;
    try {
      const topic = uniqueTopic(`restart-${signal.toLowerCase()}`);
      broker = await spawnBroker({ dataDir, config });
      const p0 = Array.from({ length: 200 }, (_, i) => `a${i}-${'x'.repeat(i % 50)}`);
      const p1 = Array.from({ length: 37 }, (_, i) => `b${i}`);
      await produce(broker, topic, 0, p0.slice(0, 150));
      await produce(broker, topic, 0, p0.slice(150));
      await produce(broker, topic, 1, p1);

      broker.kill(signal);
      const exit = await broker.stopped;
      if (signal === 'SIGTERM') assert.equal(exit.code, 0, `clean stop exit; stderr: ${broker.stderr()}`);
      else assert.equal(exit.signal, 'SIGKILL');

      broker = await spawnBroker({ dataDir, config });
      expectDense(await consume(broker, topic, 0), p0, `${topic}/0 after ${signal}`);
      expectDense(await consume(broker, topic, 1), p1, `${topic}/1 after ${signal}`);

      // New writes continue right after the recovered end.
      const more = ['c0', 'c1', 'c2'];
      await produce(broker, topic, 0, more);
      expectDense(await consume(broker, topic, 0), [...p0, ...more], `${topic}/0 after new writes`);

      // And a second restart of the same kind still sees everything.
      broker.kill(signal);
      await broker.stopped;
      broker = await spawnBroker({ dataDir, config });
      expectDense(await consume(broker, topic, 0), [...p0, ...more], `${topic}/0 after second ${signal}`);
      const meta = JSON.parse(kcatOk(await runKcat(['-b', broker.bootstrap, '-L', '-J', '-t', topic], { timeoutMs: kcatTimeoutMs }), 'metadata')) as {
        topics: Array<{ topic: string; partitions: unknown[] }>;
      };
      assert.equal(meta.topics[0]?.partitions.length, 2, 'partition count survives restart');
    } finally {
      if (broker) await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
