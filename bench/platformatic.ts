/** @platformatic/kafka producer and group-consumer throughput, run inside the bench process against one target. */
import { Consumer, Producer, type MessageToProduce } from '@platformatic/kafka';
import { closeForced } from '../test/support/platformatic.js';
import { OffsetTracker, type ClientFigures } from './tracker.js';

/**
 * Produces `count` 100 B messages (sends of 1,000 with explicit partitions, 4 in flight, acks=1), then
 * reads them with a group consumer (classic protocol, from the earliest offset) until every
 * (partition, offset) came back once. Rejects after `timeoutMs` per half.
 */
export async function platformaticRun(bootstrap: string, topic: string, partitions: number, count: number, timeoutMs = 60_000): Promise<ClientFigures> {
  const base = { clientId: 'bench-platformatic', bootstrapBrokers: [bootstrap], timeout: 10_000, retries: 3, retryDelay: 100 };
  const producer = new Producer({ ...base, autocreateTopics: false });
  const value = Buffer.alloc(100, 'x');
  const batch = 1000;
  let produced = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  const worker = async (): Promise<void> => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`@platformatic/kafka produced ${produced}/${count} in ${timeoutMs} ms`);
      const start = next;
      const n = Math.min(batch, count - start);
      next += n;
      const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = Array.from({ length: n }, (_, i) => ({ topic, value, partition: (start + i) % partitions }));
      await producer.send({ messages, acks: 1 });
      produced += n;
    }
  };
  try {
    await Promise.all([worker(), worker(), worker(), worker()]);
  } finally {
    await producer.close();
  }
  const produceSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  const tracker = new OffsetTracker(partitions, count / partitions);
  const consumer = new Consumer({ ...base, groupId: `bench-platformatic-${topic}`, autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTime: 500 });
  let first: bigint | undefined;
  let last: bigint | undefined;
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`@platformatic/kafka consumed ${tracker.distinct}/${count} in ${timeoutMs} ms`)), timeoutMs);
      stream.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
      stream.on('data', (m: { partition: number; offset: bigint; value: Buffer | undefined }) => {
        first ??= process.hrtime.bigint();
        tracker.add(m.partition, m.offset, m.value?.length ?? -1);
        if (tracker.complete()) {
          last = process.hrtime.bigint();
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await stream.close();
  } finally {
    await closeForced(consumer);
  }
  tracker.assertComplete(value.length);
  return { produceMsgsPerSec: produced / produceSeconds, consumeMsgsPerSec: count / (Number(last! - first!) / 1e9), produced, consumed: tracker.distinct };
}
