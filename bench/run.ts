/**
 * `npm run bench`: minikafka (built, in its own process, on a temporary data dir) against librdkafka's
 * in-memory mock cluster in the same run, with bench/loadgen.c as the load. Progress on stderr; the
 * results as JSON and Markdown in bench/results/, and the table in bench/RESULTS.md.
 *
 * Environment: BENCH_STARTUP_MB (data for the 100-partition start-up phase, default 1024),
 * BENCH_IDLE_CONNECTIONS (default 5000), BENCH_LATENCY_MS (per latency run, default 5000),
 * BENCH_PARTITIONS_MANY (default 10000), BENCH_HTTP_OPEN_PARTITIONS (default: BENCH_PARTITIONS_MANY), BENCH_ONLY (comma-separated phase names: fsync, startup, failover,
 * produce, consume, latency, kafkajs, platformatic, client, txn, legacy, connections, partitions, testing, http, security, kafka-fsync, plain).
 * Apache Kafka (bench/kafka/apache-kafka.ts) runs beside them unless BENCH_KAFKA=0: its start-up and
 * idle RSS, then the same produce, consume, latency and KafkaJS load; `kafka-fsync` repeats the
 * acks=-1 produce runs on a Kafka that fsyncs every batch; `plain` is librdkafka's rdkafka_performance
 * against a fresh broker of each kind.
 * BENCH_PROFILE=1: only the CPU-profile runs (bench/profile.ts), see bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { spawnBroker, type BrokerProcess } from '../test/support/broker-process.js';
import { startMockCluster, type MockCluster } from '../test/support/mock-cluster.js';
import { freePort } from '../test/support/net.js';
import { repoRoot } from '../test/support/paths.js';
import {
  apiVersionsOnce, buildLoadgen, cpuSeconds, fsyncProbe, killAndWait, loadgen, measureStartup, median, progress, RssSampler, rssBytes,
  type LoadgenResult,
} from './lib.js';
import { kafkajsRun, type KafkajsFigures } from './kafkajs.js';
import { platformaticRun } from './platformatic.js';
import { clientRun, type OwnClientFigures } from './client.js';
import type { ClientFigures } from './tracker.js';
import { failoverPhase } from './failover.js';
import { testingPhase } from './testing.js';
import { securityPhase } from './security.js';
import { httpPhase } from './http.js';
import { legacyPhase } from './legacy.js';
import { txnPhase } from './txn.js';
import { Admin } from '../src/client/index.js';
import { renderMarkdown, type Row, type Results } from './report.js';
import { kafkaUnavailable, resolveKafka, startKafka, type KafkaCluster } from './kafka/apache-kafka.js';
import { buildRdkafkaPerformance, rdkafkaPerformance } from './kafka/rdkafka-performance.js';

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const startupMb = envInt('BENCH_STARTUP_MB', 1024);
const idleConnections = envInt('BENCH_IDLE_CONNECTIONS', 5000);
const latencyMs = envInt('BENCH_LATENCY_MS', 5000);
const manyPartitions = envInt('BENCH_PARTITIONS_MANY', 10_000);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;

const rows: Row[] = [];
const extra: Record<string, unknown> = {};
const MB = 1e6;

interface Target {
  name: 'minikafka' | 'mock' | 'kafka';
  bootstrap: string;
  pid: number;
  createTopics(base: string, count: number, partitions: number): Promise<string>;
}

async function minikafkaTarget(broker: { bootstrap: string; pid: number }, name: Target['name'] = 'minikafka'): Promise<Target> {
  return {
    name,
    bootstrap: broker.bootstrap,
    pid: broker.pid,
    async createTopics(base, count, partitions) {
      const r = await loadgen(['create', '--brokers', broker.bootstrap, '--topic', base, '--topics', String(count), '--partitions', String(partitions)], 120_000);
      if (r.exitCode !== 0) throw new Error(`CreateTopics ${base}: ${JSON.stringify(r)}`);
      return base;
    },
  };
}

function mockTarget(mock: MockCluster): Target {
  return {
    name: 'mock',
    bootstrap: mock.bootstrap,
    pid: mock.pid,
    async createTopics(base, count, partitions) {
      // The 2.0.2 mock has no controller for CreateTopics: use its own command.
      for (let i = 0; i < count; i++) await mock.createTopic(`${base}.${i}`, partitions);
      return base;
    },
  };
}

async function phase(name: string, body: () => Promise<void>): Promise<void> {
  if (only && !only.has(name)) return;
  const t0 = Date.now();
  progress(`phase ${name}`);
  try {
    await body();
  } catch (error) {
    progress(`phase ${name} failed: ${(error as Error).stack ?? String(error)}`);
    rows.push({ section: name, name: `${name}: failed`, unit: '', note: `not measured: ${(error as Error).message.split('\n')[0]}` });
  }
  progress(`phase ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// The 2.0.2 mock keeps at most ~5 MiB (or 100,000 batches) per partition and silently drops older
// data: each run stays under that per partition; runs are repeated on fresh topics for stable figures.
const produceCases = [
  { size: 100, partitions: 1, perPartition: 40_000, runs: 25 },
  { size: 100, partitions: 8, perPartition: 40_000, runs: 6 },
  { size: 1024, partitions: 1, perPartition: 4_500, runs: 30 },
  { size: 1024, partitions: 8, perPartition: 4_500, runs: 8 },
];

function aggregate(r: LoadgenResult): { msgsPerSec: number; mbPerSec: number; delivered: number; expected: number } {
  const runs = (r.runs as Array<{ count: number; delivered: number; seconds: number }>) ?? [];
  const delivered = runs.reduce((s, x) => s + x.delivered, 0);
  const expected = runs.reduce((s, x) => s + x.count, 0);
  const seconds = runs.reduce((s, x) => s + x.seconds, 0);
  const size = Number(r.size);
  return { msgsPerSec: delivered / seconds, mbPerSec: (delivered * size) / seconds / MB, delivered, expected };
}

/** minikafka's acks=-1 produce figures by case, for the rows against a Kafka that fsyncs every batch. */
const minikafkaAcksAll = new Map<string, number>();
let topicSeq = 0;

function produceCaseName(c: { size: number; partitions: number }, acks: string): string {
  return `produce ${c.size === 100 ? '100 B' : '1 KiB'}, ${c.partitions} partition${c.partitions > 1 ? 's' : ''}, acks=${acks}`;
}

async function produceOnce(t: Target, c: (typeof produceCases)[number], acks: string): Promise<{ msgsPerSec: number; mbPerSec: number; delivered: number; expected: number; exitCode: number }> {
  const base = await t.createTopics(`p${topicSeq++}`, c.runs, c.partitions);
  const r = await loadgen(['produce', '--brokers', t.bootstrap, '--topic', base, '--topics', String(c.runs), '--count', String(c.perPartition * c.partitions),
    '--size', String(c.size), '--acks', acks, '--partitions', String(c.partitions)]);
  return { ...aggregate(r), exitCode: r.exitCode };
}

async function producePhase(targets: Target[], cpu: Map<string, { seconds: number; bytes: number }>): Promise<void> {
  for (const c of produceCases) {
    for (const acks of ['1', '-1']) {
      const measured: Record<string, { msgsPerSec: number; mbPerSec: number } | undefined> = {};
      const notes: string[] = [];
      for (const t of targets) {
        const cpu0 = cpuSeconds(t.pid);
        const a = await produceOnce(t, c, acks);
        const used = cpu.get(t.name) ?? { seconds: 0, bytes: 0 };
        cpu.set(t.name, { seconds: used.seconds + cpuSeconds(t.pid) - cpu0, bytes: used.bytes + a.delivered * c.size });
        if (a.delivered !== a.expected || a.exitCode !== 0) {
          notes.push(`${t.name}: ${a.delivered}/${a.expected} confirmed`);
          measured[t.name] = undefined;
        } else {
          measured[t.name] = a;
        }
        progress(`produce ${c.size} B x${c.partitions} acks=${acks} ${t.name}: ${a.msgsPerSec.toFixed(0)} msgs/s`);
      }
      const target = c.size === 100 ? (acks === '-1' ? 1.0 : 1.2) : undefined;
      const name = produceCaseName(c, acks);
      if (acks === '-1' && measured.minikafka) minikafkaAcksAll.set(name, measured.minikafka.msgsPerSec);
      rows.push({ section: 'produce', name, unit: 'msgs/s', minikafka: measured.minikafka?.msgsPerSec, mock: measured.mock?.msgsPerSec, kafka: measured.kafka?.msgsPerSec, higherIsBetter: true,
        targetRatio: target, kafkaGoal: 1.0, note: [`MB/s ${fmt(measured.minikafka?.mbPerSec)} vs ${fmt(measured.mock?.mbPerSec)} (mock) vs ${fmt(measured.kafka?.mbPerSec)} (Kafka)`, ...notes].join('; ') });
    }
  }
}

async function consumePhase(targets: Target[], cpu: Map<string, { seconds: number; bytes: number }>): Promise<void> {
  const cases = [{ size: 100, perPartition: 40_000 }, { size: 1024, perPartition: 4_500 }];
  const partitions = 8;
  for (const c of cases) {
    const count = c.perPartition * partitions;
    for (const members of [0, 4]) {
      const measured: Record<string, number | undefined> = {};
      const notes: string[] = [];
      for (const t of targets) {
        const base = await t.createTopics(`c${c.size}m${members}`, 1, partitions);
        const topic = `${base}.0`;
        const p = await loadgen(['produce', '--brokers', t.bootstrap, '--topic', topic, '--count', String(count), '--size', String(c.size), '--acks', '1', '--partitions', String(partitions)]);
        if (p.exitCode !== 0) throw new Error(`filling ${topic} on ${t.name} failed`);
        const cpu0 = cpuSeconds(t.pid);
        const args = ['consume', '--brokers', t.bootstrap, '--topic', topic, '--count', String(count), '--partitions', String(partitions)];
        // Three reads of the same data, the median counts: single reads vary a lot on a shared machine, and a
        // group's read also varies with how many members its first generation caught (each read is a new group).
        const reads: LoadgenResult[] = [];
        for (let i = 0; i < 3; i++) reads.push(await loadgen(members > 0 ? [...args, '--members', String(members), '--group', `bench-${topic}-${i}`] : args));
        reads.sort((a, b) => Number(a.msgsPerSec) - Number(b.msgsPerSec));
        const r = reads[Math.floor(reads.length / 2)]!;
        const readers = members > 0 ? ` (members reading ${reads.map((x) => String(x.membersReading)).join(', ')})` : '';
        notes.push(`${t.name} reads ${reads.map((x) => fmt(Number(x.msgsPerSec) / 1e3)).join(', ')}k${readers}`);
        if (members === 0) {
          const used = cpu.get(t.name) ?? { seconds: 0, bytes: 0 };
          cpu.set(t.name, { seconds: used.seconds + cpuSeconds(t.pid) - cpu0, bytes: used.bytes + reads.reduce((sum, x) => sum + Number(x.bytes), 0) });
        }
        if (Number(r.received) !== count) {
          notes.push(`${t.name}: ${String(r.received)}/${count} received`);
          measured[t.name] = undefined;
        } else {
          measured[t.name] = Number(r.msgsPerSec);
          if (members > 0) notes.push(`${t.name} group ready in ${Number(r.startSeconds).toFixed(2)} s (not timed)`);
        }
        progress(`consume ${c.size} B ${members ? `group of ${members}` : 'one consumer'} ${t.name}: ${Number(r.msgsPerSec).toFixed(0)} msgs/s`);
      }
      rows.push({ section: 'consume', name: `consume ${c.size === 100 ? '100 B' : '1 KiB'}, 8 partitions, ${members ? `group of ${members}` : 'one consumer'}`,
        unit: 'msgs/s', minikafka: measured.minikafka, mock: measured.mock, kafka: measured.kafka, higherIsBetter: true, targetRatio: 1.0, kafkaGoal: 1.0, note: notes.join('; ') });
    }
  }
}

async function latencyPhase(targets: Target[], fsyncP99Ms: number | undefined): Promise<void> {
  for (const acks of ['1', '-1']) {
    const measured: Record<string, LoadgenResult | undefined> = {};
    for (const t of targets) {
      const base = await t.createTopics(`lat${acks === '1' ? 'a1' : 'all'}`, 1, 1);
      const r = await loadgen(['latency', '--brokers', t.bootstrap, '--topic', `${base}.0`, '--rate', '1000', '--duration-ms', String(latencyMs), '--acks', acks, '--partitions', '1', '--size', '100']);
      measured[t.name] = Number(r.received) === Number(r.count) ? r : undefined;
      progress(`latency acks=${acks} ${t.name}: p50 ${String(r.p50Ms)} p99 ${String(r.p99Ms)} max ${String(r.maxMs)} ms`);
    }
    const limit = acks === '1' ? 2 : fsyncP99Ms === undefined ? undefined : 2 + fsyncP99Ms;
    for (const stat of ['p50Ms', 'p99Ms', 'maxMs'] as const) {
      rows.push({ section: 'latency', name: `latency 1,000 msgs/s, acks=${acks}, ${stat.slice(0, -2)}`, unit: 'ms',
        minikafka: num(measured.minikafka?.[stat]), mock: num(measured.mock?.[stat]), kafka: num(measured.kafka?.[stat]), higherIsBetter: false,
        targetAbs: stat === 'p99Ms' ? limit : undefined,
        note: stat === 'p50Ms' ? 'mock answers an empty Fetch after its MaxWaitMs (500 ms) instead of on append' : undefined });
    }
  }
}

async function kafkajsPhase(targets: Target[]): Promise<void> {
  const count = 320_000; // 40,000 per partition: under the mock's retention
  const measured: Record<string, KafkajsFigures | undefined> = {};
  const notes: string[] = [];
  // An untimed warm-up run on the first target, so neither target pays for KafkaJS's cold start (JIT).
  const warm = await targets[0]!.createTopics('kjs-warm', 1, 8);
  await kafkajsRun(targets[0]!.bootstrap, `${warm}.0`, 8, 40_000).catch((error: Error) => notes.push(`warm-up: ${error.message.split('\n')[0]}`));
  for (const t of targets) {
    const base = await t.createTopics('kjs', 1, 8);
    try {
      measured[t.name] = await kafkajsRun(t.bootstrap, `${base}.0`, 8, count);
      progress(`kafkajs ${t.name}: produce ${measured[t.name]!.produceMsgsPerSec.toFixed(0)}, consume ${measured[t.name]!.consumeMsgsPerSec.toFixed(0)} msgs/s`);
    } catch (error) {
      notes.push(`${t.name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const note = ['KafkaJS 2.2.4 in the bench process, 320,000 x 100 B over 8 partitions; produce: batches of 1,000, 4 in flight, acks=1; after an untimed warm-up run', ...notes].join('; ');
  rows.push({ section: 'kafkajs', name: 'KafkaJS produce 100 B, 8 partitions, acks=1', unit: 'msgs/s', minikafka: measured.minikafka?.produceMsgsPerSec, mock: measured.mock?.produceMsgsPerSec, kafka: measured.kafka?.produceMsgsPerSec, higherIsBetter: true, kafkaGoal: 1.0, note });
  rows.push({ section: 'kafkajs', name: 'KafkaJS consume 100 B, 8 partitions, group of 1', unit: 'msgs/s', minikafka: measured.minikafka?.consumeMsgsPerSec, mock: measured.mock?.consumeMsgsPerSec, kafka: measured.kafka?.consumeMsgsPerSec, higherIsBetter: true, targetRatio: 0.95, kafkaGoal: 1.0 });
}

async function createTopicWithAdmin(bootstrap: string, topic: string, partitions: number): Promise<string> {
  const admin = new Admin({ bootstrap });
  try {
    await admin.createTopics([{ topic, partitions }]);
  } finally {
    await admin.close();
  }
  return topic;
}

/** Each client run is bounded: produce and consume each get this long before the row is not measured. */
const clientRunTimeoutMs = 60_000;

async function platformaticPhase(broker: BrokerProcess): Promise<void> {
  const count = 320_000;
  let measured: ClientFigures | undefined;
  const notes = ['@platformatic/kafka 1.22.0 in the bench process, 320,000 x 100 B over 8 partitions; produce: sends of 1,000, 4 in flight, acks=1; consume: classic group of 1 from earliest, every offset checked; after an untimed warm-up run',
    "mock not measured, absolute figures: against Debian's librdkafka 2.0.2 mock as it is, @platformatic/kafka's consumer fails at ListOffsets v5 (the mock's v4+ answer is garbled, fixed in librdkafka 2.3.0)"];
  const topic = await createTopicWithAdmin(broker.bootstrap, 'plt', 8);
  try {
    // Untimed warm-up (40,000 messages): the measured run does not pay for the client's cold JIT.
    await platformaticRun(broker.bootstrap, await createTopicWithAdmin(broker.bootstrap, 'plt-warm', 8), 8, 40_000, clientRunTimeoutMs);
    measured = await platformaticRun(broker.bootstrap, topic, 8, count, clientRunTimeoutMs);
    progress(`platformatic minikafka: produce ${measured.produceMsgsPerSec.toFixed(0)}, consume ${measured.consumeMsgsPerSec.toFixed(0)} msgs/s`);
  } catch (error) {
    notes.push(`minikafka: ${(error as Error).message.split('\n')[0]}`);
  }
  rows.push({ section: 'platformatic', name: '@platformatic/kafka produce 100 B, 8 partitions, acks=1', unit: 'msgs/s', minikafka: measured?.produceMsgsPerSec, higherIsBetter: true, note: notes.join('; ') });
  rows.push({ section: 'platformatic', name: '@platformatic/kafka consume 100 B, 8 partitions, group of 1', unit: 'msgs/s', minikafka: measured?.consumeMsgsPerSec, higherIsBetter: true });
}

/**
 * Our client against minikafka and a mock of its own: the mock must advertise ListOffsets v0-v3 only
 * (its v4+ answer garbles every partition after the first, see test/client/mock-cluster.test.ts), and
 * narrowing the shared mock would change what the other clients negotiate.
 */
async function clientPhase(broker: BrokerProcess): Promise<void> {
  const count = 320_000; // 40,000 x 100 B per partition: under the mock's retention
  const measured: Record<string, OwnClientFigures | undefined> = {};
  const notes: string[] = [];
  let mock: MockCluster | undefined;
  try {
    // Topics through our Admin, not the load generator: these phases need no librdkafka on minikafka.
    const minikafka: Target = { name: 'minikafka', bootstrap: broker.bootstrap, pid: broker.pid, createTopics: async (base, _count, partitions) => {
      await createTopicWithAdmin(broker.bootstrap, `${base}.0`, partitions);
      return base;
    } };
    const targets: Target[] = [minikafka];
    try {
      mock = await startMockCluster();
      await mock.setApiVersion(2, 0, 3);
      targets.push(mockTarget(mock));
    } catch (error) {
      notes.push(`mock: did not start: ${(error as Error).message.split('\n')[0]}`);
    }
    // Untimed warm-up on minikafka (40,000 messages): the first measured target would otherwise pay for the cold JIT.
    await clientRun(broker.bootstrap, await createTopicWithAdmin(broker.bootstrap, 'own-warm', 8), 8, 40_000, clientRunTimeoutMs);
    for (const t of targets) {
      const base = await t.createTopics('own', 1, 8);
      try {
        const m = await clientRun(t.bootstrap, `${base}.0`, 8, count, clientRunTimeoutMs);
        measured[t.name] = m;
        notes.push(`${t.name} group protocol ${m.groupProtocol === 'consumer' ? 'KIP-848' : 'classic'}`);
        progress(`client ${t.name}: produce ${m.produceMsgsPerSec.toFixed(0)}, consume ${m.consumeMsgsPerSec.toFixed(0)} msgs/s (${m.groupProtocol})`);
      } catch (error) {
        notes.push(`${t.name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await mock?.close();
  }
  const note = ['our client (src/client) in the bench process, 320,000 x 100 B over 8 partitions; produce: sends of 1,000, 4 in flight, acks=1, lingerMs 5, batchBytes 16384; consume: group of 1 (groupProtocol auto) from earliest, every offset checked; mock: its own instance, ListOffsets narrowed to v0-v3; after an untimed warm-up run on minikafka', ...notes].join('; ');
  rows.push({ section: 'client', name: 'our client produce 100 B, 8 partitions, acks=1', unit: 'msgs/s', minikafka: measured.minikafka?.produceMsgsPerSec, mock: measured.mock?.produceMsgsPerSec, higherIsBetter: true, note });
  rows.push({ section: 'client', name: 'our client consume 100 B, 8 partitions, group of 1', unit: 'msgs/s', minikafka: measured.minikafka?.consumeMsgsPerSec, mock: measured.mock?.consumeMsgsPerSec, higherIsBetter: true });
}

/** Untimed: each JVM or JIT pays for its cold start before the measured runs (the mock is C and needs none). */
async function warmUp(targets: Target[]): Promise<void> {
  for (const t of targets.filter((x) => x.name !== 'mock')) {
    const base = await t.createTopics('warm', 1, 8);
    await loadgen(['produce', '--brokers', t.bootstrap, '--topic', `${base}.0`, '--count', '320000', '--size', '100', '--acks', '1', '--partitions', '8']);
    await loadgen(['consume', '--brokers', t.bootstrap, '--topic', `${base}.0`, '--count', '320000', '--partitions', '8']);
    progress(`warm-up on ${t.name} done`);
  }
}

/** Apache Kafka's start-up: from spawning the JVM (data dir formatted before) to its first answer, median of 3. */
async function kafkaStartupPhase(): Promise<void> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const k = await startKafka();
    runs.push(k.firstAnswerMs);
    await k.stop();
  }
  const row = rows.find((r) => r.name.startsWith('start-up, empty data dir'));
  const note = `Kafka runs ${runs.join(', ')} ms (JVM spawn to the first Metadata answer; formatting the KRaft data dir, a JVM run of its own, not counted)`;
  if (row) Object.assign(row, { kafka: median(runs), kafkaGoal: 0.1, note: `${row.note ?? ''}; ${note}` });
  else rows.push({ section: 'start-up', name: 'start-up, empty data dir (median of 3)', unit: 'ms', kafka: median(runs), higherIsBetter: false, kafkaGoal: 0.1, note });
}

/** The acks=-1 produce runs again on a Kafka that fsyncs every batch (log.flush.interval.messages=1). */
async function kafkaFsyncPhase(): Promise<void> {
  const kafka = await startKafka({ flushEveryMessage: true });
  try {
    const t = await minikafkaTarget({ bootstrap: kafka.bootstrap, pid: kafka.nodes[0]!.pid }, 'kafka');
    await warmUp([t]);
    for (const c of produceCases) {
      const name = produceCaseName(c, '-1');
      const a = await produceOnce(t, c, '-1');
      const ok = a.delivered === a.expected && a.exitCode === 0;
      progress(`${name} Kafka fsync per batch: ${a.msgsPerSec.toFixed(0)} msgs/s`);
      rows.push({ section: 'produce (fsync)', name: `${name}, Kafka fsyncing every batch`, unit: 'msgs/s', minikafka: minikafkaAcksAll.get(name), kafka: ok ? a.msgsPerSec : undefined,
        higherIsBetter: true, kafkaGoal: 1.0, note: `Kafka with log.flush.interval.messages=1; minikafka: the acks=-1 row above (fsync before the answer)${ok ? '' : `; Kafka ${a.delivered}/${a.expected} confirmed`}` });
    }
  } finally {
    await kafka.stop();
  }
}

/** librdkafka's rdkafka_performance as a user first runs it, against a freshly started broker of each kind (no warm-up). */
async function plainPhase(scratch: string, withKafka: boolean): Promise<void> {
  const problem = buildRdkafkaPerformance();
  const args = ['-s', '100', '-c', '500000', '-X', 'acks=all', '-X', 'linger.ms=5'];
  const name = 'rdkafka_performance -P -s 100 -c 500000 -X acks=all -X linger.ms=5, freshly started broker';
  if (problem) {
    rows.push({ section: 'plain', name, unit: '', note: `not measured: ${problem}` });
    return;
  }
  const measured: Record<string, number | undefined> = {};
  const notes: string[] = [];
  const runOn = async (label: string, bootstrap: string): Promise<void> => {
    try {
      const r = await rdkafkaPerformance(bootstrap, 'perf', args);
      measured[label] = r.delivered === 500_000 ? r.msgsPerSec : undefined;
      notes.push(`${label} ${r.delivered} delivered in ${r.ms} ms${r.produceFailures ? `, ${r.produceFailures} local queue-full retries` : ''}`);
      progress(`plain ${label}: ${r.msgsPerSec} msgs/s`);
    } catch (error) {
      notes.push(`${label}: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const broker = await spawnBroker({ dataDir: mkdtempSync(join(scratch, 'plain-')) });
  try {
    await runOn('minikafka', broker.bootstrap);
  } finally {
    await broker.stop(30_000);
  }
  const mock = await startMockCluster();
  try {
    await runOn('mock', mock.bootstrap);
  } finally {
    await mock.close();
  }
  if (withKafka) {
    const kafka = await startKafka();
    try {
      await runOn('kafka', kafka.bootstrap);
    } finally {
      await kafka.stop();
    }
  }
  rows.push({ section: 'plain', name, unit: 'msgs/s', minikafka: measured.minikafka, mock: measured.mock, kafka: measured.kafka, higherIsBetter: true, targetRatio: 1.0, kafkaGoal: 1.0,
    note: `the whole run as the tool reports it (topic auto-created by the first Metadata, default partitions); ${notes.join('; ')}` });
}

async function idleConnectionsPhase(broker: BrokerProcess): Promise<void> {
  const before = rssBytes(broker.pid);
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < idleConnections; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, idleConnections - i) }, () => apiVersionsOnce(broker.port, true)));
      sockets.push(...batch);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssBytes(broker.pid);
    const perKiB = (after - before) / sockets.length / 1024;
    extra.idleConnections = { count: sockets.length, rssBeforeMB: before / MB, rssAfterMB: after / MB };
    rows.push({ section: 'memory', name: `RSS per idle connection (${sockets.length} connections)`, unit: 'KiB', minikafka: perKiB, targetAbs: 16, higherIsBetter: false,
      note: `RSS ${fmt(before / MB)} MB -> ${fmt(after / MB)} MB` });
  } finally {
    for (const s of sockets) s.destroy();
  }
}

async function manyPartitionsPhase(broker: BrokerProcess): Promise<void> {
  const perTopic = 1000;
  const topics = Math.ceil(manyPartitions / perTopic);
  const t0 = Date.now();
  const r = await loadgen(['create', '--brokers', broker.bootstrap, '--topic', 'many', '--topics', String(topics), '--partitions', String(perTopic)], 180_000);
  if (r.exitCode !== 0) throw new Error(`creating ${manyPartitions} partitions failed: ${JSON.stringify(r)}`);
  const createMs = Date.now() - t0;
  await new Promise((res) => setTimeout(res, 1000));
  rows.push({ section: 'memory', name: `RSS with ${topics * perTopic} more partitions (created, idle)`, unit: 'MB', minikafka: rssBytes(broker.pid) / MB, targetAbs: 300, higherIsBetter: false,
    note: `CreateTopics of ${topics} x ${perTopic} partitions took ${createMs} ms` });
}

async function startupPhase(scratch: string, withLoadgen: boolean): Promise<void> {
  const empty: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(scratch, 'empty-'));
    const { ms, pid } = await measureStartup(dir, await freePort());
    empty.push(ms);
    await killAndWait(pid, 'SIGTERM');
  }
  rows.push({ section: 'start-up', name: 'start-up, empty data dir (median of 3)', unit: 'ms', minikafka: median(empty), targetAbs: 150, higherIsBetter: false, note: `runs ${empty.map((x) => x.toFixed(0)).join(', ')}` });
  if (!withLoadgen) return;

  const dir = mkdtempSync(join(scratch, 'full-'));
  const broker = await spawnBroker({ dataDir: dir });
  const count = Math.round((startupMb * 1024 * 1024) / 1024);
  try {
    await minikafkaTarget(broker).then((t) => t.createTopics('s100', 1, 100));
    const t0 = Date.now();
    const r = await loadgen(['produce', '--brokers', broker.bootstrap, '--topic', 's100.0', '--count', String(count), '--size', '1024', '--acks', '1', '--partitions', '100'], 300_000);
    if (r.exitCode !== 0) throw new Error(`filling 100 partitions failed: ${JSON.stringify(r).slice(0, 300)}`);
    const onDisk = Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
    extra.startupDataBytes = onDisk;
    progress(`wrote ${startupMb} MiB to 100 partitions in ${Date.now() - t0} ms; data dir holds ${(onDisk / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await broker.stop(30_000);
  }
  const label = `100 partitions / ${startupMb >= 1024 ? `${startupMb / 1024} GiB` : `${startupMb} MiB`}`;
  const clean: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { ms, pid } = await measureStartup(dir, await freePort());
    clean.push(ms);
    await new Promise((res) => setTimeout(res, 200));
    await killAndWait(pid, 'SIGTERM', 30_000);
  }
  rows.push({ section: 'start-up', name: `start-up, ${label}, after a clean stop (median of 3)`, unit: 'ms', minikafka: median(clean), targetAbs: 400, higherIsBetter: false, note: `runs ${clean.map((x) => x.toFixed(0)).join(', ')}` });
  // Start once more and SIGKILL it: each measured start then follows an unclean stop.
  const first = await measureStartup(dir, await freePort());
  await new Promise((res) => setTimeout(res, 200));
  await killAndWait(first.pid, 'SIGKILL');
  const unclean: number[] = [];
  for (let i = 0; i < 3; i++) {
    const { ms, pid } = await measureStartup(dir, await freePort(), 120_000);
    unclean.push(ms);
    await new Promise((res) => setTimeout(res, 200));
    await killAndWait(pid, 'SIGKILL');
  }
  rows.push({ section: 'start-up', name: `start-up, ${label}, after SIGKILL (median of 3)`, unit: 'ms', minikafka: median(unclean), higherIsBetter: false, note: `runs ${unclean.map((x) => x.toFixed(0)).join(', ')}; no target in the issue; the broker recovers a log on its first use, so this measures until the first answer, not full recovery` });
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

async function main(): Promise<void> {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'minikafka-bench-'));
  const machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(totalmem() / 1e9),
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
  progress(`machine: ${JSON.stringify(machine)}; scratch ${scratch}`);
  let broker: BrokerProcess | undefined;
  let mock: MockCluster | undefined;
  let kafka: KafkaCluster | undefined;
  let fsyncP99Ms: number | undefined;
  try {
    await phase('fsync', async () => {
      const probe = fsyncProbe(scratch);
      fsyncP99Ms = probe.p99Ms;
      extra.fsync = probe;
      rows.push({ section: 'disk', name: 'fdatasync of 64 KiB on the data dir disk, p50', unit: 'ms', minikafka: probe.p50Ms });
      rows.push({ section: 'disk', name: 'fdatasync of 64 KiB on the data dir disk, p99', unit: 'ms', minikafka: probe.p99Ms });
    });
    // Built first: the start-up phase fills its 100 partitions with it (`npm run build` empties dist/).
    const loadgenProblem = buildLoadgen();
    if (loadgenProblem) {
      progress(loadgenProblem);
      rows.push({ section: 'load', name: 'produce, consume, latency, CPU, memory under load, 10,000 partitions, start-up with data', unit: '', note: `not measured: ${loadgenProblem}` });
    }
    await phase('startup', () => startupPhase(scratch, loadgenProblem === undefined));
    await phase('failover', () => failoverPhase(scratch, rows, extra));
    await phase('testing', () => testingPhase(rows));
    await phase('http', () => httpPhase(scratch, rows, manyPartitions, envInt('BENCH_HTTP_OPEN_PARTITIONS', manyPartitions)));
    await phase('security', () => securityPhase(scratch, rows));

    broker = await spawnBroker({ dataDir: join(scratch, 'data') });
    await new Promise((r) => setTimeout(r, 1000));
    const idleRow: Row = { section: 'memory', name: 'idle RSS (after start-up, no topics)', unit: 'MB', minikafka: rssBytes(broker.pid) / MB, targetAbs: 60, higherIsBetter: false };
    rows.push(idleRow);

    // Apache Kafka beside them: resolved from Maven Central into bench/kafka/.cache (seconds once cached).
    const kafkaProblem = process.env.BENCH_KAFKA === '0' ? 'BENCH_KAFKA=0' : await kafkaUnavailable();
    if (kafkaProblem) {
      rows.push({ section: 'kafka', name: 'Apache Kafka', unit: '', note: `not measured: ${kafkaProblem}` });
    } else {
      await phase('kafka-startup', async () => {
        const r = await resolveKafka();
        extra.kafka = { version: r.version, resolveMs: r.resolveMs };
        progress(`Apache Kafka ${r.version} resolved in ${r.resolveMs} ms`);
        await kafkaStartupPhase();
      });
      if (!loadgenProblem) {
        try {
          kafka = await startKafka();
          await new Promise((r) => setTimeout(r, 1000));
          Object.assign(idleRow, { kafka: rssBytes(kafka.nodes[0]!.pid) / MB, kafkaGoal: 0.2, note: 'Kafka: one KRaft node, -Xms1g -Xmx1g (what the JVM touched of it counts)' });
        } catch (error) {
          rows.push({ section: 'kafka', name: 'Apache Kafka', unit: '', note: `not measured: Kafka did not start: ${(error as Error).message.split('\n')[0]}` });
        }
      }
    }

    if (!loadgenProblem) {
      mock = await startMockCluster();
      const targets = [await minikafkaTarget(broker), mockTarget(mock)];
      if (kafka) targets.push(await minikafkaTarget({ bootstrap: kafka.bootstrap, pid: kafka.nodes[0]!.pid }, 'kafka'));
      if (!only || only.has('produce') || only.has('consume')) await warmUp(targets);
      const sampler = new RssSampler(broker.pid);
      const kafkaSampler = kafka ? new RssSampler(kafka.nodes[0]!.pid) : undefined;
      const cpuProduce = new Map<string, { seconds: number; bytes: number }>();
      const cpuFetch = new Map<string, { seconds: number; bytes: number }>();
      await phase('produce', () => producePhase(targets, cpuProduce));
      await phase('consume', () => consumePhase(targets, cpuFetch));
      await phase('latency', () => latencyPhase(targets, fsyncP99Ms));
      await phase('kafkajs', () => kafkajsPhase(targets));
      const kafkaPeak = kafkaSampler?.stop();
      await kafka?.stop();
      kafka = undefined;
      if (!kafkaProblem) await phase('kafka-fsync', () => kafkaFsyncPhase());
      await phase('platformatic', () => platformaticPhase(broker!));
      await phase('client', () => clientPhase(broker!));
      await phase('txn', () => txnPhase(broker!, rows));
      const peak = sampler.stop();
      if (!only || only.has('produce') || only.has('consume')) {
        rows.push({ section: 'memory', name: 'peak RSS under produce and consume load', unit: 'MB', minikafka: peak / MB, kafka: kafkaPeak === undefined ? undefined : kafkaPeak / MB, targetAbs: 200, higherIsBetter: false,
          note: 'sampled every 50 ms through the produce, consume, latency and client phases (Kafka: produce to KafkaJS)' });
        const perGB = (x: { seconds: number; bytes: number } | undefined): number | undefined => (x && x.bytes > 0 ? x.seconds / (x.bytes / 1e9) : undefined);
        for (const [label, m] of [['produced', cpuProduce], ['fetched', cpuFetch]] as const) {
          rows.push({ section: 'cpu', name: `broker CPU seconds per GB ${label}`, unit: 's/GB', minikafka: perGB(m.get('minikafka')),
            mock: perGB(m.get('mock')), kafka: perGB(m.get('kafka')), kafkaGoal: 1.0, higherIsBetter: false,
            note: `payload bytes; ${label === 'produced' ? 'all produce runs (acks=1 and -1)' : 'one-consumer runs'}; /proc/<pid>/stat utime+stime` });
        }
      }
      await phase('legacy', () => legacyPhase(broker!, rows));
      await phase('connections', () => idleConnectionsPhase(broker!));
      await phase('partitions', () => manyPartitionsPhase(broker!));
      await phase('plain', () => plainPhase(scratch, !kafkaProblem));
    } else {
      await phase('platformatic', () => platformaticPhase(broker!));
      await phase('client', () => clientPhase(broker!));
      await phase('txn', () => txnPhase(broker!, rows));
      await phase('legacy', () => legacyPhase(broker!, rows));
      await phase('connections', () => idleConnectionsPhase(broker!));
    }
  } finally {
    await broker?.stop(30_000);
    await mock?.close();
    await kafka?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }

  const results: Results = {
    date: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))) },
    durationSeconds: (Date.now() - started) / 1000,
    rows,
    extra,
  };
  const markdown = renderMarkdown(results);
  const outDir = join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = results.date.replace(/[:.]/g, '-');
  writeFileSync(join(outDir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, `${stamp}.md`), markdown);
  if (!only) writeFileSync(join(repoRoot, 'bench', 'RESULTS.md'), markdown);
  process.stdout.write(markdown);
  progress(`done in ${results.durationSeconds.toFixed(0)} s: bench/results/${stamp}.{json,md}${only ? '' : ' and bench/RESULTS.md'}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    progress(`failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
