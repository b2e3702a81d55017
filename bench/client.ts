/** Our own client's (src/client) producer and group-consumer throughput, run inside the bench process against one target. */
import { Consumer, Producer, type ClientOptions } from '../src/client/index.js';
import { Kip848Member } from '../src/client/group-member.js';
import { OffsetTracker, type ClientFigures } from './tracker.js';

export interface OwnClientFigures extends ClientFigures {
  /** The group protocol the consumer ended up speaking ('auto': KIP-848 where the broker has it). */
  groupProtocol: 'consumer' | 'classic';
}

/**
 * Produces `count` 100 B messages (sends of 1,000 with explicit partitions, 4 in flight, acks=1,
 * default lingerMs 5 and batchBytes 16384), then reads them with a group consumer (groupProtocol
 * 'auto', from the earliest offset) until every (partition, offset) came back once. Rejects after
 * `timeoutMs` per half.
 */
export async function clientRun(bootstrap: string, topic: string, partitions: number, count: number, timeoutMs = 60_000, security: Pick<ClientOptions, 'ssl' | 'sasl'> = {}): Promise<OwnClientFigures> {
  const base = { bootstrap, clientId: 'bench-client', requestTimeoutMs: 10_000, retries: 3, retryBackoffMs: 100, ...security };
  const producer = new Producer<Buffer, Buffer>({ ...base, acks: 1 });
  await producer.connect();
  const value = Buffer.alloc(100, 'x');
  const batch = 1000;
  let produced = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  const worker = async (): Promise<void> => {
    while (next < count) {
      if (Date.now() > deadline) throw new Error(`our client produced ${produced}/${count} in ${timeoutMs} ms`);
      const start = next;
      const n = Math.min(batch, count - start);
      next += n;
      const messages = Array.from({ length: n }, (_, i) => ({ value, partition: (start + i) % partitions }));
      await producer.send({ topic, messages });
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
  const consumer = new Consumer<Buffer, Buffer>({ ...base, groupId: `bench-client-${topic}`, autoOffsetReset: 'earliest', autoCommit: false, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 });
  let first: bigint | undefined;
  let last: bigint | undefined;
  let groupProtocol: OwnClientFigures['groupProtocol'] = 'classic';
  try {
    await consumer.subscribe(topic);
    // 'auto' decides in subscribe; the member is private, read here only to label the row.
    groupProtocol = (consumer as unknown as { member: unknown }).member instanceof Kip848Member ? 'consumer' : 'classic';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`our client consumed ${tracker.distinct}/${count} in ${timeoutMs} ms`)), timeoutMs);
    });
    const running = consumer.run({
      eachBatch: (b) => {
        first ??= process.hrtime.bigint();
        for (const m of b.messages) tracker.add(m.partition, m.offset, m.value?.length ?? -1);
        if (tracker.complete() && last === undefined) {
          last = process.hrtime.bigint();
          void consumer.close();
        }
      },
    });
    try {
      await Promise.race([running, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await consumer.close();
  }
  tracker.assertComplete(value.length);
  return { produceMsgsPerSec: produced / produceSeconds, consumeMsgsPerSec: count / (Number(last! - first!) / 1e9), produced, consumed: tracker.distinct, groupProtocol };
}
