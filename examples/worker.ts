/**
 * One consumer of the load-balancing example, run as its own process by load-balancing.ts. It joins
 * group `workers`, and reports on stdout, one JSON object a line, its assignment after every change
 * and every message it processed. SIGTERM (or the parent going away) closes it cleanly.
 */
import { Consumer, stringSerde, jsonSerde } from '../src/index.js';
import { argValue } from './support.js';

export interface OrderEvent {
  key: string;
  seq: number;
}

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'assignment'; partitions: number[] }
  | { type: 'processed'; key: string; seq: number; partition: number; offset: string };

const bootstrap = argValue('bootstrap')!;
const topic = argValue('topic')!;
const group = argValue('group') ?? 'workers';
const name = argValue('name') ?? `worker-${process.pid}`;

function report(r: WorkerReport): void {
  process.stdout.write(JSON.stringify(r) + '\n');
}

const consumer = new Consumer<string, OrderEvent>({
  bootstrap,
  clientId: name,
  groupId: group,
  autoOffsetReset: 'earliest',
  autoCommitIntervalMs: 500,
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 1000,
  keyDeserializer: stringSerde,
  valueDeserializer: jsonSerde<OrderEvent>(),
  rebalanceListener: {
    onPartitionsAssigned: (added) => reportAssignment([], added.filter((p) => p.topic === topic).map((p) => p.partition)),
    onPartitionsRevoked: async (revoked) => {
      // Commit what we processed before the partitions go, so the next owner resumes right there.
      await consumer.commit().catch(() => undefined);
      reportAssignment(revoked.map((p) => p.partition));
    },
  },
});

function reportAssignment(leaving: number[] = [], joining: number[] = []): void {
  const current = consumer.assignment().filter((p) => p.topic === topic).map((p) => p.partition);
  const partitions = [...new Set([...current, ...joining])].filter((p) => !leaving.includes(p)).sort((a, b) => a - b);
  report({ type: 'assignment', partitions });
}

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await consumer.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());

await consumer.subscribe([topic]);
report({ type: 'ready' });
for await (const m of consumer) {
  if (m.value === null || m.key === null) continue;
  report({ type: 'processed', key: m.key, seq: m.value.seq, partition: m.partition, offset: m.offset.toString() });
  if (closing) break;
}
