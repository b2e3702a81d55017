/**
 * A KafkaJS group member in its own process (so a test can SIGKILL it): prints one JSON line per
 * message {"p":partition,"o":offset,"v":value,"t":ms} and {"assigned":[...]} on every group join.
 * argv: bootstrap topic groupId sessionTimeoutMs
 */
import kafkajs from 'kafkajs';

const [bootstrap, topic, groupId, sessionTimeout] = process.argv.slice(2) as [string, string, string, string];
const kafka = new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'kjs-member', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 500, maxWaitTimeInMs: 100, rebalanceTimeout: 20_000 });
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  process.stdout.write(JSON.stringify({ assigned: e.payload.memberAssignment[topic] ?? [], t: Date.now() }) + '\n');
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  autoCommitInterval: 200,
  eachMessage: async ({ partition, message }) => {
    process.stdout.write(JSON.stringify({ p: partition, o: message.offset, v: message.value?.toString(), t: Date.now() }) + '\n');
  },
});
process.on('SIGTERM', () => {
  void consumer.disconnect().finally(() => process.exit(0));
});
