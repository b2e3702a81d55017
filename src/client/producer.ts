// Producer: messages accumulate per partition (lingerMs, batchBytes); the sender (produce-sender.ts)
// sends the ready batches of all partitions that share a leader in one Produce request.
import { StickyPartitioner, partitionForKey } from '../partitioner.js';
import { ApiKey, Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';
import { normalizeHeaders } from './headers.js';
import { ProduceSender, type ProducerId } from './produce-sender.js';
import { rawSerializer, type Serializer } from './serde.js';
import type { MessageHeader, ProducerOptions, ProducerRecord, RecordMetadata } from './types.js';

/** Shared by every message sent without headers; never mutated (batch building only reads it). */
const noHeaders: MessageHeader[] = [];
Object.freeze(noHeaders);

/** Kafka's max.in.flight.requests.per.connection bound for idempotence. */
const idempotentInFlightMax = 5;

/**
 * Sends messages to Kafka topics.
 *
 * ```ts
 * const producer = new Producer({ bootstrap: 'localhost:9092' });
 * const [meta] = await producer.send({ topic: 't', messages: [{ key: 'k', value: 'v' }] });
 * await producer.close();
 * ```
 * Messages of concurrent `send` calls to the same partition share batches (`lingerMs`, `batchBytes`);
 * the batches of every partition led by one broker share Produce requests (`maxRequestBytes`, at most
 * `maxInFlight` per connection). A partition has one batch in flight at a time, so order within a
 * partition holds across retries.
 */
export class Producer<K = string | Buffer, V = string | Buffer> {
  private readonly cluster: Cluster;
  private readonly sticky = new StickyPartitioner();
  private readonly sender: ProduceSender;
  private readonly keySerializer: Serializer<K>;
  private readonly valueSerializer: Serializer<V>;
  private closing: Promise<void> | undefined;

  constructor(readonly options: ProducerOptions<K, V>) {
    this.cluster = new Cluster(options);
    const acks = options.acks === 'all' || options.acks === undefined ? -1 : options.acks;
    const idempotent = options.idempotent === true;
    const maxInFlight = options.maxInFlight ?? 5;
    const maxRequestBytes = options.maxRequestBytes ?? 1_048_576;
    if (idempotent && acks !== -1) throw new TypeError('an idempotent producer needs acks=-1');
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new TypeError('maxInFlight must be a positive integer');
    if (idempotent && maxInFlight > idempotentInFlightMax) throw new TypeError(`an idempotent producer allows at most ${idempotentInFlightMax} requests in flight`);
    if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 1) throw new TypeError('maxRequestBytes must be a positive integer');
    this.keySerializer = options.keySerializer ?? (rawSerializer as unknown as Serializer<K>);
    this.valueSerializer = options.valueSerializer ?? (rawSerializer as unknown as Serializer<V>);
    this.sender = new ProduceSender(this.cluster, {
      acks,
      codec: options.compression ?? 'none',
      lingerMs: options.lingerMs ?? 5,
      batchBytes: options.batchBytes ?? 16384,
      ackTimeoutMs: options.ackTimeoutMs ?? 30_000,
      maxRequestBytes,
      maxInFlight,
      initProducerId: idempotent ? () => this.initProducerId() : undefined,
      onBatchClosed: (topic, partition) => {
        const count = this.cluster.topics.get(topic)?.partitions.length ?? partition + 1;
        this.sticky.onNewBatch(topic, count, partition);
      },
    });
  }

  /** Connects to the bootstrap brokers and loads metadata. Optional: `send` connects when needed. */
  async connect(): Promise<void> {
    await this.cluster.retry(() => this.cluster.refreshMetadata([]));
    const init = this.options.idempotent === true ? () => this.initProducerId() : undefined;
    if (init !== undefined) await this.sender.producerId(init);
  }

  /** Resolves with where each message was written, in the order of `record.messages`. */
  async send(record: ProducerRecord<K, V>): Promise<RecordMetadata[]> {
    if (this.closing !== undefined) throw new KafkaClientError(-100, 'the producer is closed', { retriable: false });
    const { topic } = record;
    const info = await this.cluster.retry(() => this.cluster.topic(topic, { autoCreate: true }), { topic });
    const count = info.partitions.length;
    const now = Date.now();
    const results: Promise<RecordMetadata>[] = [];
    for (const m of record.messages) {
      const key = m.key === undefined || m.key === null ? null : this.keySerializer.serialize(m.key);
      const value = m.value === null ? null : this.valueSerializer.serialize(m.value);
      let partition: number;
      if (m.partition !== undefined) {
        if (!Number.isInteger(m.partition) || m.partition < 0 || m.partition >= count) {
          throw new KafkaClientError(3, `${topic} has no partition ${m.partition}`, { retriable: false });
        }
        partition = m.partition;
      } else {
        partition = key === null ? this.sticky.partition(topic, null, count) : partitionForKey(key, count);
      }
      const headers = m.headers === undefined ? noHeaders : normalizeHeaders(m.headers);
      let bytes = 24 + (key?.length ?? 0) + (value?.length ?? 0);
      for (const h of headers) bytes += h.key.length + (h.value?.length ?? 0) + 4;
      results.push(new Promise<RecordMetadata>((resolve, reject) => {
        this.sender.append(topic, partition, { record: { key, value, headers }, timestamp: m.timestamp ?? now, resolve, reject }, bytes);
      }));
    }
    return Promise.all(results);
  }

  /** Asks for a producer id; the sender keeps it, and asks again after giving one up. */
  private initProducerId(): Promise<ProducerId> {
    return this.cluster.retry(async () => {
      const conn = await this.cluster.any();
      const { body } = await conn.request(ApiKey.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      if (body.errorCode !== 0) throw new KafkaClientError(body.errorCode, 'InitProducerId');
      return { id: body.producerId as bigint, epoch: body.producerEpoch as number };
    });
  }

  /** Sends every buffered batch now and waits for them. */
  async flush(): Promise<void> {
    await this.sender.flush();
  }

  /** Flushes, then closes every connection and timer. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.flush();
      } finally {
        this.sender.stop();
        await this.cluster.close();
      }
    })();
    return this.closing;
  }

  /** Same as `close`. */
  disconnect(): Promise<void> {
    return this.close();
  }
}
