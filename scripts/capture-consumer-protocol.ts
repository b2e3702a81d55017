// Prints, as hex, the consumer-protocol bytes real clients send in classic groups: the JoinGroup
// protocol metadata (subscriptions) and the SyncGroup assignments of a KafkaJS consumer, kcat -G and
// confluent-kafka-python (librdkafka) with cooperative-sticky, two members so the second join carries
// owned partitions. The fixtures in test/protocol/consumer-protocol.test.ts come from this.
//
//   npx tsc -p tsconfig.json && node dist/scripts/capture-consumer-protocol.js
import kafkajs from 'kafkajs';
import { spawn } from 'node:child_process';
import { startBroker } from '../src/index.js';
import { ProtocolTrace } from '../src/testing/index.js';
import { runKcat } from '../test/support/kcat.js';

const python = `
import sys, time
from confluent_kafka import Consumer
conf = lambda: {'bootstrap.servers': sys.argv[1], 'group.id': 'g-librdkafka', 'partition.assignment.strategy': 'cooperative-sticky'}
def until_assigned(cs, main, seconds):
    t = time.time()
    while time.time() - t < seconds and not main.assignment():
        for c in cs: c.poll(0.1)
c1 = Consumer(conf()); c1.subscribe(['orders', 'payments']); until_assigned([c1], c1, 15)
c2 = Consumer(conf()); c2.subscribe(['orders', 'payments']); until_assigned([c1, c2], c2, 20)
c2.close(); c1.close()
`;

/** Runs python3 without blocking the event loop (the broker lives in this process). */
function runPython(bootstrap: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', python, bootstrap], { stdio: ['ignore', 'ignore', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function main(): Promise<void> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, config: { 'minikafka.log.level': 'warn', 'group.initial.rebalance.delay.ms': '0' } });
  const trace = new ProtocolTrace(broker, { limit: 10_000 });
  const bootstrap = `127.0.0.1:${broker.port}`;
  try {
    const kafka = new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'capture-kafkajs', logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }, { topic: 'payments', numPartitions: 2 }] });
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: 'g-kafkajs' });
    await consumer.connect();
    await consumer.subscribe({ topics: ['orders', 'payments'] });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async () => {} });
    await joined;
    await consumer.disconnect();
    await runKcat(['-b', bootstrap, '-G', 'g-kcat', 'orders', 'payments', '-e', '-q'], { timeoutMs: 20_000 });
    console.error(`python3 exited ${String(await runPython(bootstrap, 60_000))}`);
    for (const e of trace.requests({ api: 'JoinGroup' })) {
      const req = e.request as { groupId: string; protocols: Array<{ name: string; metadata: Buffer }> };
      for (const p of req.protocols) console.log(`join ${req.groupId} ${e.clientId ?? ''} ${p.name} ${p.metadata.toString('hex')}`);
    }
    for (const e of trace.requests({ api: 'SyncGroup' })) {
      const req = e.request as { groupId: string; assignments: Array<{ memberId: string; assignment: Buffer }> };
      for (const a of req.assignments) console.log(`sync ${req.groupId} ${e.clientId ?? ''} ${a.assignment.toString('hex')}`);
    }
  } finally {
    await broker.close();
  }
}

await main();
