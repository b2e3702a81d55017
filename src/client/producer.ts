// Producer: messages accumulate per partition (lingerMs, batchBytes) and each partition's batches go
// to its leader one at a time, in order, retried on retriable errors after a metadata refresh.
import { StickyPartitioner, partitionForKey } from '../partitioner.js';
import { buildCompressedBatch } from '../protocol/compression.js';
import type { RecordInput } from '../protocol/record-batch.js';
import { ApiKey, Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';
import { normalizeHeaders } from './headers.js';
import { rawSerializer, type Serializer } from './serde.js';
import type { CompressionCodec, MessageHeader, ProducerOptions, ProducerRecord, RecordMetadata } from './types.js';

/** Shared by every message sent without headers; never mutated (batch building only reads it). */
const noHeaders: MessageHeader[] = [];
Object.freeze(noHeaders);

interface PendingMessage {
  record: RecordInput;
  timestamp: number;
  resolve: (m: RecordMetadata) => void;
  reject: (e: Error) => void;
}

interface Accumulator {
  topic: string;
  partition: number;
  messages: PendingMessage[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Sends messages to Kafka topics.
 *
 * ```ts
 * const producer = new Producer({ bootstrap: 'localhost:9092' });
 * const [meta] = await producer.send({ topic: 't', messages: [{ key: 'k', value: 'v' }] });
 * await producer.close();
 * ```
 * Messages of concurrent `send` calls to the same partition share batches (`lingerMs`, `batchBytes`).
 * Batches of one partition are sent one at a time, so order within a partition holds across retries.
 */
export class Producer<K = string | Buffer, V = string | Buffer> {
  private readonly cluster: Cluster;
  private readonly sticky = new StickyPartitioner();
  private readonly accumulators = new Map<string, Accumulator>();
  /** Per partition: the promise of its last batch in flight. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly acks: number;
  private readonly codec: CompressionCodec;
  private readonly lingerMs: number;
  private readonly batchBytes: number;
  private readonly ackTimeoutMs: number;
  private readonly keySerializer: Serializer<K>;
  private readonly valueSerializer: Serializer<V>;
  private producerId: Promise<{ id: bigint; epoch: number }> | undefined;
  private readonly sequences = new Map<string, number>();
  private closing: Promise<void> | undefined;

  constructor(readonly options: ProducerOptions<K, V>) {
    this.cluster = new Cluster(options);
    this.acks = options.acks === 'all' || options.acks === undefined ? -1 : options.acks;
    this.codec = options.compression ?? 'none';
    this.lingerMs = options.lingerMs ?? 5;
    this.batchBytes = options.batchBytes ?? 16384;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.keySerializer = options.keySerializer ?? (rawSerializer as unknown as Serializer<K>);
    this.valueSerializer = options.valueSerializer ?? (rawSerializer as unknown as Serializer<V>);
    if (options.idempotent === true && this.acks !== -1) throw new TypeError('an idempotent producer needs acks=-1');
  }

  /** Connects to the bootstrap brokers and loads metadata. Optional: `send` connects when needed. */
  async connect(): Promise<void> {
    await this.cluster.retry(() => this.cluster.refreshMetadata([]));
    if (this.options.idempotent === true) await this.initProducerId();
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
        this.append(topic, partition, { record: { key, value, headers }, timestamp: m.timestamp ?? now, resolve, reject }, bytes, count);
      }));
    }
    return Promise.all(results);
  }

  private append(topic: string, partition: number, message: PendingMessage, bytes: number, partitionCount: number): void {
    const id = `${topic}\u0000${partition}`;
    let acc = this.accumulators.get(id);
    if (acc === undefined) {
      acc = { topic, partition, messages: [], bytes: 0, timer: undefined };
      this.accumulators.set(id, acc);
    }
    acc.messages.push(message);
    acc.bytes += bytes;
    if (acc.bytes >= this.batchBytes || this.lingerMs <= 0) {
      this.drain(id, partitionCount);
    } else if (acc.timer === undefined) {
      acc.timer = setTimeout(() => this.drain(id, partitionCount), this.lingerMs);
    }
  }

  /** Closes the partition's batch and queues it behind the partition's batch in flight. */
  private drain(id: string, partitionCount: number): void {
    const acc = this.accumulators.get(id);
    if (acc === undefined) return;
    this.accumulators.delete(id);
    if (acc.timer !== undefined) clearTimeout(acc.timer);
    this.sticky.onNewBatch(acc.topic, partitionCount, acc.partition);
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.sendBatch(acc)).catch((err: Error) => {
      for (const m of acc.messages) m.reject(err);
    });
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
  }

  private async initProducerId(): Promise<{ id: bigint; epoch: number }> {
    this.producerId ??= this.cluster.retry(async () => {
      const conn = await this.cluster.any();
      const { body } = await conn.request(ApiKey.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      if (body.errorCode !== 0) throw new KafkaClientError(body.errorCode, 'InitProducerId');
      return { id: body.producerId as bigint, epoch: body.producerEpoch as number };
    });
    return this.producerId;
  }

  private async sendBatch(acc: Accumulator): Promise<void> {
    const { topic, partition, messages } = acc;
    const baseTimestamp = messages[0]!.timestamp;
    // The records are the producer's own objects (made in `send`): set the delta in place, no copy per record.
    const records = messages.map((m) => {
      m.record.timestampDelta = m.timestamp - baseTimestamp;
      return m.record;
    });
    let producer = { producerId: -1, producerEpoch: -1, baseSequence: -1 };
    if (this.options.idempotent === true) {
      const pid = await this.initProducerId();
      const key = `${topic}\u0000${partition}`;
      const seq = this.sequences.get(key) ?? 0;
      this.sequences.set(key, (seq + records.length) % 0x80000000);
      producer = { producerId: Number(pid.id), producerEpoch: pid.epoch, baseSequence: seq };
    }
    const batch = await buildCompressedBatch({ baseTimestamp, records, ...producer }, this.codec);
    const result = await this.cluster.retry(async () => {
      const conn = await this.cluster.leader(topic, partition, true);
      const request = {
        transactionalId: null,
        acks: this.acks,
        timeoutMs: this.ackTimeoutMs,
        topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
      };
      if (this.acks === 0) {
        await conn.request(ApiKey.Produce, request, { noResponse: true });
        return { baseOffset: -1n, logAppendTimeMs: -1n };
      }
      const { body } = await conn.request(ApiKey.Produce, request, { timeoutMs: this.cluster.options.requestTimeoutMs + this.ackTimeoutMs });
      const p = body.responses?.find((t: any) => t.name === topic)?.partitionResponses?.find((x: any) => x.index === partition);
      if (p === undefined) throw new KafkaClientError(-1, `no produce answer for ${topic}-${partition}`);
      if (p.errorCode !== 0) throw new KafkaClientError(p.errorCode, `${topic}-${partition}${p.errorMessage ? `: ${p.errorMessage}` : ''}`);
      return { baseOffset: p.baseOffset as bigint, logAppendTimeMs: (p.logAppendTimeMs ?? -1n) as bigint };
    }, { topic });
    const logAppend = result.logAppendTimeMs >= 0n ? Number(result.logAppendTimeMs) : undefined;
    messages.forEach((m, i) => m.resolve({
      topic,
      partition,
      offset: result.baseOffset < 0n ? -1n : result.baseOffset + BigInt(i),
      timestamp: logAppend ?? m.timestamp,
    }));
  }

  /** Sends every buffered batch now and waits for them. */
  async flush(): Promise<void> {
    for (const [id, acc] of [...this.accumulators]) {
      const count = this.cluster.topics.get(acc.topic)?.partitions.length ?? acc.partition + 1;
      this.drain(id, count);
    }
    await Promise.all([...this.chains.values()]);
  }

  /** Flushes, then closes every connection and timer. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.flush();
      } finally {
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
