/** KafkaJS producer and group-consumer throughput, run inside the bench process against one target. */
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export interface KafkajsFigures {
  produceMsgsPerSec: number;
  consumeMsgsPerSec: number;
  produced: number;
  consumed: number;
}

/** Produces `count` 100 B messages (batches of 1,000, 4 in flight, acks=1), then reads them with a group consumer. */
export async function kafkajsRun(bootstrap: string, topic: string, partitions: number, count: number, timeoutMs = 60_000): Promise<KafkajsFigures> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(100, 'x');
  const batch = 1000;
  let produced = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const start = next;
      const n = Math.min(batch, count - start);
      next += n;
      const messages = Array.from({ length: n }, (_, i) => ({ value, partition: (start + i) % partitions }));
      await producer.send({ topic, acks: 1, messages });
      produced += n;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const produceSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${topic}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  let first: bigint | undefined;
  let last: bigint | undefined;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`KafkaJS consumed ${consumed}/${count} in ${timeoutMs} ms`)), timeoutMs);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch: b }) => {
        first ??= process.hrtime.bigint();
        consumed += b.messages.length;
        if (consumed >= count) {
          last = process.hrtime.bigint();
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  const consumeSeconds = Number(last! - first!) / 1e9;
  return { produceMsgsPerSec: produced / produceSeconds, consumeMsgsPerSec: consumed / consumeSeconds, produced, consumed };
}
