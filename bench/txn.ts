/**
 * Exactly-once figures on an in-process broker (temporary data dir, fsync on acks=-1) with our client:
 * plain vs idempotent produce throughput (acks=-1, 100 B messages, sends of 1,000, 4 in flight), and
 * the latency of transactions of one 10-message send each (begin → send → commit), p50/p99.
 * Run: npm run build && node dist/bench/txn.js [messages=200000] [transactions=300]
 */
import { startBroker } from '../src/broker/broker.js';
import { Producer } from '../src/client/index.js';
import { percentile } from './lib.js';

const messages = Number(process.argv[2] ?? 200_000);
const transactions = Number(process.argv[3] ?? 300);
const value = Buffer.alloc(100, 'x');

async function throughput(bootstrap: string, topic: string, idempotent: boolean): Promise<number> {
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

const broker = await startBroker({ port: 0, config: { 'num.partitions': 4, 'minikafka.log.level': 'warn' } });
try {
  // Alternate runs so both see the same machine load; the first of each warms up.
  const rates: Record<string, number[]> = { plain: [], idempotent: [] };
  for (let round = 0; round < 3; round++) {
    rates.plain!.push(await throughput(broker.bootstrap, `plain-${round}`, false));
    rates.idempotent!.push(await throughput(broker.bootstrap, `idem-${round}`, true));
  }
  const best = (xs: number[]) => Math.max(...xs.slice(1));
  const plain = best(rates.plain!);
  const idem = best(rates.idempotent!);
  process.stdout.write(`produce acks=-1, ${messages} x 100 B: plain ${Math.round(plain).toLocaleString('en-US')} msg/s, idempotent ${Math.round(idem).toLocaleString('en-US')} msg/s (${((idem / plain - 1) * 100).toFixed(1)}%)\n`);

  const producer = new Producer<Buffer, Buffer>({ bootstrap: broker.bootstrap, transactionalId: 'bench-txn' });
  const latencies: number[] = [];
  for (let i = 0; i < transactions; i++) {
    const t0 = process.hrtime.bigint();
    const tx = await producer.transaction();
    await tx.send({ topic: 'txn-bench', messages: Array.from({ length: 10 }, () => ({ value })) });
    await tx.commit();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await producer.close();
  latencies.sort((a, b) => a - b);
  process.stdout.write(`transactions of 10 messages (begin, send, commit): p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms over ${transactions}\n`);
} finally {
  await broker.close();
}
