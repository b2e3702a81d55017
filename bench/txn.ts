/**
 * The `txn` phase of `npm run bench` (exactly-once figures) with our client: plain vs idempotent
 * produce throughput (acks=-1, 100 B messages, sends of 1,000, 4 in flight; goal: idempotent within
 * 10% of plain), and the latency of transactions of one 10-message send each (begin → send →
 * commit), p50/p99. Runs alternate plain and idempotent so both see the same machine load; the first
 * of each warms up and the best of the rest counts.
 * Alone, on an in-process broker (temporary data dir, fsync on acks=-1):
 *   npm run build && node dist/bench/txn.js [messages=200000] [transactions=300]
 */
import { pathToFileURL } from 'node:url';
import { startBroker } from '../src/broker/broker.js';
import { Admin, Producer } from '../src/client/index.js';
import { percentile, progress } from './lib.js';
import type { Row } from './report.js';

const value = Buffer.alloc(100, 'x');
/** Idempotent produce may cost at most this share of plain produce's throughput. */
const IDEMPOTENT_COST_MAX = 0.1;

async function throughput(bootstrap: string, topic: string, idempotent: boolean, messages: number): Promise<number> {
  const producer = new Producer<Buffer, Buffer>({ bootstrap, idempotent, acks: -1 });
  await producer.connect();
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < messages) {
      const n = Math.min(1000, messages - next);
      next += n;
      await producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ value, partition: i % 4 })) });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.close();
  return messages / seconds;
}

export interface TxnFigures {
  plainPerSec: number;
  idempotentPerSec: number;
  commitP50Ms: number;
  commitP99Ms: number;
  transactions: number;
}

/** Measures a running broker on topics of its own (4 partitions each). */
export async function measureTxn(bootstrap: string, messages = 200_000, transactions = 300, tag = String(Date.now())): Promise<TxnFigures> {
  const admin = new Admin({ bootstrap });
  const topics = [0, 1, 2].flatMap((round) => [`txn-bench-plain-${tag}-${round}`, `txn-bench-idem-${tag}-${round}`]);
  await admin.createTopics([...topics, `txn-bench-${tag}`].map((topic) => ({ topic, partitions: 4 })));
  await admin.close();
  const rates: Record<'plain' | 'idempotent', number[]> = { plain: [], idempotent: [] };
  for (let round = 0; round < 3; round++) {
    rates.plain.push(await throughput(bootstrap, `txn-bench-plain-${tag}-${round}`, false, messages));
    rates.idempotent.push(await throughput(bootstrap, `txn-bench-idem-${tag}-${round}`, true, messages));
  }
  const best = (xs: number[]): number => Math.max(...xs.slice(1));
  const producer = new Producer<Buffer, Buffer>({ bootstrap, transactionalId: `bench-txn-${tag}` });
  const latencies: number[] = [];
  for (let i = 0; i < transactions; i++) {
    const t0 = process.hrtime.bigint();
    const tx = await producer.transaction();
    await tx.send({ topic: `txn-bench-${tag}`, messages: Array.from({ length: 10 }, () => ({ value })) });
    await tx.commit();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await producer.close();
  latencies.sort((a, b) => a - b);
  return { plainPerSec: best(rates.plain), idempotentPerSec: best(rates.idempotent), commitP50Ms: percentile(latencies, 50), commitP99Ms: percentile(latencies, 99), transactions };
}

/** The bench phase: rows for the results table. */
export async function txnPhase(broker: { bootstrap: string }, rows: Row[]): Promise<void> {
  const f = await measureTxn(broker.bootstrap);
  const ratio = f.idempotentPerSec / f.plainPerSec;
  const goal = `idempotent ÷ plain ${ratio.toFixed(2)} (goal ≥ ${(1 - IDEMPOTENT_COST_MAX).toFixed(1)}: ${ratio >= 1 - IDEMPOTENT_COST_MAX ? 'met' : 'not met'})`;
  progress(`txn: plain ${Math.round(f.plainPerSec)} msg/s, idempotent ${Math.round(f.idempotentPerSec)} msg/s, commit p50 ${f.commitP50Ms.toFixed(2)} ms p99 ${f.commitP99Ms.toFixed(2)} ms`);
  const load = 'our client, acks=-1, 100 B, sends of 1,000 over 4 partitions, 4 in flight; best of 2 after a warm-up, alternating';
  rows.push({ section: 'exactly-once', name: 'produce, plain (acks=-1)', unit: 'msgs/s', minikafka: f.plainPerSec, higherIsBetter: true, note: load });
  rows.push({ section: 'exactly-once', name: 'produce, idempotent (acks=-1)', unit: 'msgs/s', minikafka: f.idempotentPerSec, higherIsBetter: true, note: goal });
  const txnNote = `${f.transactions} transactions of one 10-message send, begin → send → commit, our client`;
  rows.push({ section: 'exactly-once', name: 'transaction commit latency, p50', unit: 'ms', minikafka: f.commitP50Ms, note: txnNote });
  rows.push({ section: 'exactly-once', name: 'transaction commit latency, p99', unit: 'ms', minikafka: f.commitP99Ms, note: txnNote });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const broker = await startBroker({ port: 0, config: { 'num.partitions': 4, 'minikafka.log.level': 'warn' } });
  try {
    const f = await measureTxn(broker.bootstrap, Number(process.argv[2] ?? 200_000), Number(process.argv[3] ?? 300));
    const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
    process.stdout.write(`produce acks=-1 x 100 B: plain ${fmt(f.plainPerSec)} msg/s, idempotent ${fmt(f.idempotentPerSec)} msg/s (${((f.idempotentPerSec / f.plainPerSec - 1) * 100).toFixed(1)}%)\n`);
    process.stdout.write(`transactions of 10 messages (begin, send, commit): p50 ${f.commitP50Ms.toFixed(2)} ms, p99 ${f.commitP99Ms.toFixed(2)} ms over ${f.transactions}\n`);
  } finally {
    await broker.close();
  }
}
