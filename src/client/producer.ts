// Producer: messages accumulate per partition (lingerMs, batchBytes); the sender (produce-sender.ts)
// sends the ready batches of all partitions that share a leader in one Produce request.
import { StickyPartitioner, partitionForKey } from '../partitioner.js';
import { ApiKey, Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';
import { normalizeHeaders } from './headers.js';
import { ProduceSender, type ProducerId } from './produce-sender.js';
import { rawSerializer, type Serializer } from './serde.js';
import { ProducerFencedError, TransactionManager, type TransactionOffsets } from './transaction.js';
import type { MessageHeader, ProducerOptions, ProducerRecord, RecordMetadata } from './types.js';
import { ErrorCode } from '../protocol/errors.js';

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
  private readonly txn: TransactionManager | undefined;
  private readonly idempotent: boolean;

  constructor(readonly options: ProducerOptions<K, V>) {
    this.cluster = new Cluster(options);
    const acks = options.acks === 'all' || options.acks === undefined ? -1 : options.acks;
    const maxInFlight = options.maxInFlight ?? 5;
    const transactional = options.transactionalId !== undefined;
    if (transactional && options.idempotent === false) throw new TypeError('a transactional producer is idempotent');
    if (transactional && options.transactionalId === '') throw new TypeError('transactionalId must not be empty');
    // Java's default since 3.0: idempotent unless the settings rule it out (then it is off, not an error).
    const idempotent = this.idempotent = options.idempotent ?? (transactional || (acks === -1 && maxInFlight <= idempotentInFlightMax));
    const maxRequestBytes = options.maxRequestBytes ?? 1_048_576;
    if (idempotent && acks !== -1) throw new TypeError('an idempotent producer needs acks=-1');
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new TypeError('maxInFlight must be a positive integer');
    if (idempotent && maxInFlight > idempotentInFlightMax) throw new TypeError(`an idempotent producer allows at most ${idempotentInFlightMax} requests in flight`);
    if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 1) throw new TypeError('maxRequestBytes must be a positive integer');
    this.txn = transactional ? new TransactionManager(this.cluster, options.transactionalId!, options.transactionTimeoutMs ?? 60_000) : undefined;
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
      ...(this.txn === undefined ? {} : { transactionalId: this.txn.transactionalId, beforeBatch: (topic: string, partition: number) => this.txn!.addPartition(topic, partition) }),
      onBatchClosed: (topic, partition) => {
        const count = this.cluster.topics.get(topic)?.partitions.length ?? partition + 1;
        this.sticky.onNewBatch(topic, count, partition);
      },
    });
  }

  /** Connects to the bootstrap brokers and loads metadata. Optional: `send` connects when needed. */
  async connect(): Promise<void> {
    await this.cluster.retry(() => this.cluster.refreshMetadata([]));
    const init = this.idempotent ? () => this.initProducerId() : undefined;
    if (init !== undefined) await this.sender.producerId(init);
  }

  /**
   * Starts a transaction (the producer needs a `transactionalId`): what is sent through it, and the
   * consumer offsets given to `sendOffsets`, become visible to read_committed consumers together at
   * `commit`, or never after `abort`. One transaction at a time. A `ProducerFencedError` means another
   * instance with the same transactionalId took over: close this producer.
   */
  async transaction(): Promise<Transaction<K, V>> {
    const txn = this.txn;
    if (txn === undefined) throw new TypeError('transactions need a producer with a transactionalId');
    if (this.closing !== undefined) throw new KafkaClientError(-100, 'the producer is closed', { retriable: false });
    await this.sender.producerId(() => this.initProducerId());
    txn.begin();
    return new Transaction(this, txn);
  }

  /** @internal Sends for a transaction: a fencing error becomes a ProducerFencedError. */
  async sendInTransaction(record: ProducerRecord<K, V>): Promise<RecordMetadata[]> {
    try {
      return await this.send(record);
    } catch (err) {
      if (err instanceof KafkaClientError && (err.code === 47 || err.code === 90)) {
        this.txn!.fenced ??= new ProducerFencedError(err.message);
        throw this.txn!.fenced;
      }
      throw err;
    }
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
    if (this.txn !== undefined) return this.txn.initProducerId();
    return this.cluster.retry(async () => {
      const conn = await this.cluster.any();
      const { body } = await conn.request(ApiKey.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      if (body.errorCode !== ErrorCode.NONE) throw new KafkaClientError(body.errorCode, 'InitProducerId');
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

/** One transaction of a transactional producer (`producer.transaction()`). */
export class Transaction<K, V> {
  private ended = false;
  /** The first send that failed: the transaction can then only abort. */
  private failure: unknown;

  constructor(private readonly producer: Producer<K, V>, private readonly txn: TransactionManager) {}

  private open(): void {
    if (this.ended) throw new KafkaClientError(48, 'the transaction has ended', { retriable: false });
  }

  /** Like `producer.send`, inside the transaction. */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata[]> {
    if (this.ended) return Promise.reject(new KafkaClientError(48, 'the transaction has ended', { retriable: false }));
    const sent = this.producer.sendInTransaction(record);
    sent.catch((err: unknown) => { this.failure ??= err; });
    return sent;
  }

  /** Commits these consumer-group offsets with the transaction (consume-transform-produce). */
  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    this.open();
    await this.txn.sendOffsets(offsets);
  }

  /** Sends what is buffered, then commits. If a send failed, the commit fails: abort instead. */
  async commit(): Promise<void> {
    this.open();
    await this.producer.flush();
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
    this.ended = true;
    await this.txn.end(true);
  }

  /** Aborts: nothing sent in the transaction becomes visible to read_committed consumers. */
  async abort(): Promise<void> {
    this.open();
    this.ended = true;
    await this.producer.flush().catch(() => undefined); // failed sends are aborted anyway
    await this.txn.end(false);
  }
}
