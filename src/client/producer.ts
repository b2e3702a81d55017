// Producer: batches messages per partition, sends them to each partition's leader.
import { KafkaClientError } from './errors.js';
import type { ProducerOptions, ProducerRecord, RecordMetadata } from './types.js';

/**
 * Sends messages to Kafka topics.
 *
 * ```ts
 * const producer = new Producer({ bootstrap: 'localhost:9092' });
 * const [meta] = await producer.send({ topic: 't', messages: [{ key: 'k', value: 'v' }] });
 * await producer.close();
 * ```
 * Messages of concurrent `send` calls to the same partition share batches (`lingerMs`, `batchBytes`).
 */
export class Producer<K = string | Buffer, V = string | Buffer> {
  constructor(readonly options: ProducerOptions<K, V>) {}

  /** Connects to the bootstrap brokers and loads metadata. Optional: `send` connects when needed. */
  async connect(): Promise<void> {
    throw new KafkaClientError(-1, 'not implemented');
  }

  /** Resolves with where each message was written, in the order of `record.messages`. */
  async send(record: ProducerRecord<K, V>): Promise<RecordMetadata[]> {
    void record;
    throw new KafkaClientError(-1, 'not implemented');
  }

  /** Sends every buffered batch now and waits for them. */
  async flush(): Promise<void> {}

  /** Flushes, then closes every connection and timer. Idempotent. */
  async close(): Promise<void> {}

  /** Same as `close`. */
  disconnect(): Promise<void> {
    return this.close();
  }
}
