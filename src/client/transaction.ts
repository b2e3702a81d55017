// Transactions of a producer with a transactionalId (Java's TransactionManager, reduced to one
// transaction at a time): InitProducerId with the id at the transaction coordinator, AddPartitionsToTxn
// before a partition's first batch, AddOffsetsToTxn + TxnOffsetCommit for sendOffsets, EndTxn.
import { ApiKey, type Cluster } from './cluster.js';
import { KafkaClientError } from './errors.js';
import type { ProducerId } from './produce-sender.js';
import { ErrorCode } from '../protocol/errors.js';

const PRODUCER_FENCED = ErrorCode.PRODUCER_FENCED;
const INVALID_PRODUCER_EPOCH = ErrorCode.INVALID_PRODUCER_EPOCH;
const TRANSACTIONAL_ID_AUTHORIZATION_FAILED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
const UNKNOWN_SERVER_ERROR = ErrorCode.UNKNOWN_SERVER_ERROR;

/**
 * Another producer instance with the same transactionalId started (or the transaction timed out and the
 * broker aborted it): this producer can no longer send or commit. Close it; a new instance takes over.
 */
export class ProducerFencedError extends KafkaClientError {
  constructor(message: string) {
    super(PRODUCER_FENCED, message, { retriable: false });
    this.name = 'ProducerFencedError';
  }
}

/** Offsets a transaction commits for a consumer group: the next offset to read, per partition. */
export interface TransactionOffsets {
  groupId: string;
  offsets: Array<{ topic: string; partition: number; offset: bigint; metadata?: string | null }>;
  /** The consumer's group generation and member (guards against a zombie consumer). Default: -1 and ''. */
  generationId?: number;
  memberId?: string;
}

function check(code: number, what: string): void {
  if (code === 0) return;
  if (code === PRODUCER_FENCED || code === INVALID_PRODUCER_EPOCH) throw new ProducerFencedError(what);
  throw new KafkaClientError(code, what, code === TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? { retriable: false } : undefined);
}

/**
 * The error AddPartitionsToTxn answers for the one partition asked for. From v4 on the answer is per
 * transaction (`resultsByTransaction`, with a top-level code for the whole request) and the v3 list is
 * present but empty; a partition missing from the answer is an error too, never success: its batch
 * would go out outside the transaction (committed by the previous transaction's marker on Kafka).
 */
function addPartitionsError(version: number, body: any, transactionalId: string, topic: string, partition: number): number {
  if (version >= 4 && body.errorCode !== ErrorCode.NONE) return body.errorCode as number;
  const topics: Array<{ name: string; resultsByPartition: Array<{ partitionIndex: number; partitionErrorCode: number }> }> = version >= 4
    ? body.resultsByTransaction?.find((t: { transactionalId: string }) => t.transactionalId === transactionalId)?.topicResults ?? []
    : body.resultsByTopicV3AndBelow ?? [];
  const r = topics.find((t) => t.name === topic)?.resultsByPartition.find((x) => x.partitionIndex === partition);
  return r === undefined ? UNKNOWN_SERVER_ERROR : r.partitionErrorCode;
}

export class TransactionManager {
  private pid: ProducerId | undefined;
  private readonly added = new Set<string>();
  private adding = new Map<string, Promise<void>>();
  inTransaction = false;
  fenced: ProducerFencedError | undefined;

  constructor(private readonly cluster: Cluster, readonly transactionalId: string, private readonly timeoutMs: number) {}

  private coordinator() {
    return this.cluster.coordinator(this.transactionalId, 1);
  }

  private guard(): void {
    if (this.fenced !== undefined) throw this.fenced;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.cluster.retry(fn);
    } catch (err) {
      if (err instanceof ProducerFencedError) this.fenced = err;
      throw err;
    }
  }

  /** InitProducerId with the transactional id: fences older instances and aborts what they left open. */
  initProducerId(): Promise<ProducerId> {
    return this.call('InitProducerId', async () => {
      const conn = await this.coordinator();
      const { body } = await conn.request(ApiKey.InitProducerId, { transactionalId: this.transactionalId, transactionTimeoutMs: this.timeoutMs, producerId: -1n, producerEpoch: -1 });
      check(body.errorCode, `InitProducerId ${this.transactionalId}`);
      this.pid = { id: body.producerId as bigint, epoch: body.producerEpoch as number };
      return this.pid;
    });
  }

  begin(): void {
    this.guard();
    if (this.inTransaction) throw new KafkaClientError(48, 'a transaction is already open', { retriable: false });
    this.inTransaction = true;
    this.added.clear();
  }

  /** Adds the partition to the transaction before its first batch is sent (one request per partition, shared by concurrent callers). */
  addPartition(topic: string, partition: number): Promise<void> {
    this.guard();
    if (!this.inTransaction) return Promise.reject(new KafkaClientError(48, 'send outside a transaction: call producer.transaction() first', { retriable: false }));
    const k = `${topic}\u0000${partition}`;
    if (this.added.has(k)) return Promise.resolve();
    let p = this.adding.get(k);
    if (p === undefined) {
      p = this.call('AddPartitionsToTxn', async () => {
        const pid = this.pid!;
        const conn = await this.coordinator();
        const { version, body } = await conn.request(ApiKey.AddPartitionsToTxn, (v: number) => (v >= 4
          ? { transactions: [{ transactionalId: this.transactionalId, producerId: pid.id, producerEpoch: pid.epoch, verifyOnly: false, topics: [{ name: topic, partitions: [partition] }] }] }
          : { v3AndBelowTransactionalId: this.transactionalId, v3AndBelowProducerId: pid.id, v3AndBelowProducerEpoch: pid.epoch, v3AndBelowTopics: [{ name: topic, partitions: [partition] }] }));
        check(addPartitionsError(version, body, this.transactionalId, topic, partition), `AddPartitionsToTxn ${topic}-${partition}`);
        this.added.add(k);
      }).finally(() => this.adding.delete(k));
      this.adding.set(k, p);
    }
    return p;
  }

  async sendOffsets(o: TransactionOffsets): Promise<void> {
    this.guard();
    if (!this.inTransaction) throw new KafkaClientError(48, 'sendOffsets outside a transaction', { retriable: false });
    const pid = this.pid!;
    await this.call('AddOffsetsToTxn', async () => {
      const conn = await this.coordinator();
      const { body } = await conn.request(ApiKey.AddOffsetsToTxn, { transactionalId: this.transactionalId, producerId: pid.id, producerEpoch: pid.epoch, groupId: o.groupId });
      check(body.errorCode, `AddOffsetsToTxn ${o.groupId}`);
    });
    this.offsetsSent = true;
    const topics = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }>>();
    for (const x of o.offsets) {
      const list = topics.get(x.topic) ?? [];
      list.push({ partitionIndex: x.partition, committedOffset: x.offset, committedLeaderEpoch: -1, committedMetadata: x.metadata ?? null });
      topics.set(x.topic, list);
    }
    await this.call('TxnOffsetCommit', async () => {
      const conn = await this.cluster.coordinator(o.groupId);
      const { body } = await conn.request(ApiKey.TxnOffsetCommit, {
        transactionalId: this.transactionalId, groupId: o.groupId, producerId: pid.id, producerEpoch: pid.epoch,
        generationId: o.generationId ?? -1, memberId: o.memberId ?? '', groupInstanceId: null,
        topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of body.topics) for (const p of t.partitions) check(p.errorCode, `TxnOffsetCommit ${t.name}-${p.partitionIndex}`);
    });
  }

  /** EndTxn; a transaction that sent nothing ends locally, as in Java. */
  async end(commit: boolean): Promise<void> {
    this.guard();
    if (!this.inTransaction) throw new KafkaClientError(48, 'no transaction is open', { retriable: false });
    const pid = this.pid!;
    try {
      if (this.added.size === 0 && this.adding.size === 0 && !this.offsetsSent) return;
      await this.call('EndTxn', async () => {
        const conn = await this.coordinator();
        const { body } = await conn.request(ApiKey.EndTxn, { transactionalId: this.transactionalId, producerId: pid.id, producerEpoch: pid.epoch, committed: commit });
        check(body.errorCode, `EndTxn ${commit ? 'commit' : 'abort'}`);
      });
    } finally {
      this.inTransaction = false;
      this.offsetsSent = false;
    }
  }

  /** Set by sendOffsets: the transaction has something to end even without partitions. */
  offsetsSent = false;
}
