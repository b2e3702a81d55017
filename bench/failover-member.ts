/**
 * One group member for the failover phase of bench/run.ts, in its own process so it can be SIGKILLed.
 * Usage: node dist/bench/failover-member.js <classic|consumer> <bootstrap> <topic> <group> <sessionMs> <heartbeatMs>
 *
 * classic: KafkaJS (JoinGroup/SyncGroup/Heartbeat); consumer: our client with groupProtocol 'consumer'
 * (KIP-848, the broker's session timeout and heartbeat interval apply).
 * Prints JSON lines on stdout: {"ev":"assigned","partitions":[..],"t":ms} after each assignment,
 * {"ev":"batch","p":partition,"t":ms} for each batch handed to the member (t: Date.now()).
 * SIGTERM: leave the group gracefully (close), then exit.
 */
import kafkajs from 'kafkajs';
import { Consumer } from '../src/index.js';

const [protocol, bootstrap, topic, group, sessionArg, heartbeatArg] = process.argv.slice(2) as [string, string, string, string, string, string];
const sessionMs = Number(sessionArg);
const heartbeatMs = Number(heartbeatArg);

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...event, t: Date.now() })}\n`);
}

async function classic(): Promise<() => Promise<void>> {
  const { Kafka, logLevel } = kafkajs;
  const kafka = new Kafka({ clientId: 'bench-failover', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: sessionMs, heartbeatInterval: heartbeatMs, rebalanceTimeout: sessionMs, maxWaitTimeInMs: 100 });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    emit({ ev: 'assigned', partitions: e.payload.memberAssignment[topic] ?? [] });
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  void consumer.run({
    autoCommitInterval: 100,
    eachBatch: async ({ batch }) => {
      if (batch.messages.length > 0) emit({ ev: 'batch', p: batch.partition });
    },
  });
  return () => consumer.disconnect();
}

async function kip848(): Promise<() => Promise<void>> {
  const owned = new Set<number>();
  const consumer = new Consumer<Buffer, Buffer>({
    bootstrap,
    clientId: 'bench-failover',
    groupId: group,
    groupProtocol: 'consumer',
    autoOffsetReset: 'latest',
    autoCommitIntervalMs: 100,
    maxWaitMs: 100,
    rebalanceListener: {
      onPartitionsAssigned(partitions) {
        for (const p of partitions) owned.add(p.partition);
        emit({ ev: 'assigned', partitions: [...owned].sort((a, b) => a - b) });
      },
      onPartitionsRevoked(partitions) {
        for (const p of partitions) owned.delete(p.partition);
        emit({ ev: 'assigned', partitions: [...owned].sort((a, b) => a - b) });
      },
    },
  });
  await consumer.connect();
  await consumer.subscribe(topic);
  void consumer.run({
    eachBatch: (batch) => {
      emit({ ev: 'batch', p: batch.partition });
    },
  });
  return () => consumer.close();
}

const close = await (protocol === 'classic' ? classic() : kip848());
emit({ ev: 'started' });
process.once('SIGTERM', () => {
  emit({ ev: 'leaving' });
  void close().then(
    () => {
      emit({ ev: 'left' });
      process.exit(0);
    },
    () => process.exit(1),
  );
});
