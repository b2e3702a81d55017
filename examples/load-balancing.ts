/**
 * Load balancing with a consumer group: one topic with 4 partitions, a producer of keyed messages, and
 * 3 consumers of group `workers`, each its own process. The group splits the partitions between them;
 * after a few seconds one consumer is killed (SIGKILL: no goodbye) and its partitions move to the
 * others. At the end the example checks that every message was processed and that each key's
 * messages were processed in order, and exits non-zero if not.
 *
 *   npm run example                       # starts its own broker
 *   node dist/examples/load-balancing.js --bootstrap localhost:9092
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Admin, Producer } from '../src/index.js';
import { deadline, log, openCluster, sleep, waitFor } from './support.js';
import type { WorkerReport } from './worker.js';

const partitionCount = 4;
const workerCount = 3;
const keys = Array.from({ length: 12 }, (_, i) => `customer-${i}`);
const beforeKillMs = 3000;
const afterFailoverMs = 2000;

interface Worker {
  name: string;
  child: ChildProcess;
  alive: boolean;
  ready: boolean;
  partitions: number[];
  /** Per key, the sequence numbers in the order this worker processed them. */
  seen: Map<string, number[]>;
  processed: number;
}

const cluster = await openCluster();
// Our broker moves a dead member's partitions after 6 s; another cluster after its own
// group.consumer.session.timeout.ms (Kafka: 45 s).
const external = cluster.broker === undefined;
const failoverWaitMs = external ? 60_000 : 25_000;
deadline(external ? 120_000 : 58_000);
const topic = cluster.topicName('orders');
const admin = new Admin({ bootstrap: cluster.bootstrap });
await admin.createTopics([{ topic, partitions: partitionCount }]);
log(`topic ${topic}: ${partitionCount} partitions`);

const workers: Worker[] = [];
for (let i = 1; i <= workerCount; i++) workers.push(startWorker(`worker-${i}`));
const owners = (): Map<number, string[]> => {
  const map = new Map<number, string[]>();
  for (const w of workers) if (w.alive) for (const p of w.partitions) map.set(p, [...(map.get(p) ?? []), w.name]);
  return map;
};
const balanced = (): boolean => {
  const map = owners();
  const live = workers.filter((w) => w.alive);
  return map.size === partitionCount && [...map.values()].every((o) => o.length === 1) && live.every((w) => w.partitions.length > 0);
};
const ownership = (): string =>
  workers.filter((w) => w.alive).map((w) => `${w.name} owns [${w.partitions.join(', ')}]`).join(', ');

const highestSeq = new Map<string, number>();
const gaps: string[] = [];
let failed = false;
if (!(await waitFor(balanced, 20_000))) fail(`the group did not settle: ${ownership()}`);
log(`group workers is balanced: ${ownership()}`);

// Produce keyed messages the whole time: a key always goes to the same partition (murmur2).
const producer = new Producer({ bootstrap: cluster.bootstrap, lingerMs: 5 });
const sent = new Map<string, number>(keys.map((k) => [k, 0]));
const keyPartition = new Map<string, number>();
let producing = true;
const production = (async () => {
  while (producing) {
    const messages = keys.map((key) => {
      const seq = sent.get(key)!;
      sent.set(key, seq + 1);
      return { key, value: JSON.stringify({ key, seq }) };
    });
    const metas = await producer.send({ topic, messages });
    metas.forEach((m, i) => keyPartition.set(keys[i]!, m.partition));
    await sleep(50);
  }
})();
log(`producing messages for ${keys.length} keys`);

await sleep(beforeKillMs);
const victim = workers.reduce((a, b) => (b.partitions.length > a.partitions.length ? b : a));
const orphaned = [...victim.partitions];
log(`SIGKILL ${victim.name} (pid ${victim.child.pid}), owner of partitions [${orphaned.join(', ')}]`);
victim.alive = false;
victim.child.kill('SIGKILL');
log(`waiting for the broker to notice (the member's session timeout) and reassign its partitions`);

if (!(await waitFor(balanced, failoverWaitMs))) fail(`partitions [${orphaned.join(', ')}] did not move: ${ownership()}`);
for (const p of orphaned) log(`partition ${p} moved: ${victim.name} -> ${owners().get(p)?.join(', ')}`);
log(`group workers is balanced again: ${ownership()}`);

await sleep(afterFailoverMs);
producing = false;
await production;
const total = [...sent.values()].reduce((a, b) => a + b, 0);
log(`produced ${total} messages; waiting for the workers to process them`);

const processedKeys = (): Map<string, Set<number>> => {
  const all = new Map<string, Set<number>>(keys.map((k) => [k, new Set()]));
  for (const w of workers) for (const [k, seqs] of w.seen) for (const s of seqs) all.get(k)?.add(s);
  return all;
};
const allProcessed = (): boolean => [...processedKeys()].every(([k, s]) => s.size === sent.get(k));
await waitFor(allProcessed, 15_000);
check();

await producer.close();
await admin.close();
await Promise.all(workers.filter((w) => w.alive).map(stopWorker));
await cluster.close();
process.exit(failed ? 1 : 0);

function check(): void {
  const processed = processedKeys();
  const distinct = [...processed.values()].reduce((a, s) => a + s.size, 0);
  const deliveries = workers.reduce((a, w) => a + w.processed, 0);
  if (distinct === total) {
    log(`OK every message processed: ${total} produced, ${distinct} processed (${deliveries - distinct} redelivered after the failover: at-least-once)`);
  } else {
    const missing = [...processed].filter(([k, s]) => s.size !== sent.get(k)).map(([k, s]) => `${k} ${s.size}/${sent.get(k)}`);
    fail(`only ${distinct} of ${total} messages processed (${missing.join(', ')})`);
  }
  // Within each consumer a key's messages came in order, across consumers none was skipped, and each key
  // lived on one partition (checked as reports arrived).
  const disorder: string[] = [];
  for (const w of workers) {
    for (const [k, seqs] of w.seen) {
      for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) disorder.push(`${w.name} ${k}: ${seqs[i - 1]} then ${seqs[i]}`);
    }
  }
  disorder.push(...gaps);
  if (disorder.length === 0) log(`OK per-key order held: each of ${keys.length} keys stayed on its partition and was processed in order`);
  else fail(`per-key order broken: ${disorder.slice(0, 5).join('; ')}`);
  log(`processed per worker: ${workers.map((w) => `${w.name} ${w.processed}${w.alive ? '' : ' (killed)'}`).join(', ')}`);
}

function fail(reason: string): void {
  failed = true;
  log(`FAILED: ${reason}`);
}

function startWorker(name: string): Worker {
  const script = fileURLToPath(new URL('./worker.js', import.meta.url));
  const child = spawn(process.execPath, [script, '--bootstrap', cluster.bootstrap, '--topic', topic, '--group', 'workers', '--name', name], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const w: Worker = { name, child, alive: true, ready: false, partitions: [], seen: new Map(), processed: 0 };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let r: WorkerReport;
    try {
      r = JSON.parse(line) as WorkerReport;
    } catch {
      process.stdout.write(`${name}: ${line}\n`);
      return;
    }
    if (!w.alive && r.type !== 'processed') return; // its last reports may still be in the pipe
    if (r.type === 'ready') w.ready = true;
    else if (r.type === 'assignment') w.partitions = r.partitions;
    else {
      w.processed++;
      const list = w.seen.get(r.key) ?? [];
      list.push(r.seq);
      w.seen.set(r.key, list);
      // Across the group, a key never skips ahead: the next message is the following one, or a
      // redelivery of one already processed (the new owner resumes from the last commit).
      const highest = highestSeq.get(r.key) ?? -1;
      if (r.seq > highest + 1) gaps.push(`${name} ${r.key}: ${r.seq} after ${highest}`);
      highestSeq.set(r.key, Math.max(highest, r.seq));
      const expected = keyPartition.get(r.key);
      if (expected !== undefined && expected !== r.partition) fail(`${r.key} seen on partition ${r.partition}, produced to ${expected}`);
    }
  });
  child.on('exit', (code, signal) => {
    if (w.alive) fail(`${name} exited unexpectedly (${signal ?? code})`);
    w.alive = false;
  });
  return w;
}

async function stopWorker(w: Worker): Promise<void> {
  w.alive = false;
  const exited = new Promise((resolve) => w.child.once('exit', resolve));
  w.child.kill('SIGTERM');
  const timer = setTimeout(() => w.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
