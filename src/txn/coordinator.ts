/**
 * The transaction coordinator (Kafka's TransactionCoordinator, one node): transactional ids, their
 * producer ids and epochs, and the state machine
 *   Empty → Ongoing (AddPartitionsToTxn / AddOffsetsToTxn) → PrepareCommit | PrepareAbort (EndTxn,
 *   timeout, fencing) → markers written to every partition → CompleteCommit | CompleteAbort → Ongoing...
 * Every change is in `__transaction_state` (fsynced) before it is acted on or answered, so a crash at
 * any point is recovered at start-up: a transaction found in PrepareCommit/PrepareAbort has its
 * markers written (again: markers are idempotent for read_committed readers) and is completed; one
 * found Ongoing is aborted when its timeout passes, as in Kafka.
 * EndTxn is answered once the markers are durable (Kafka answers after PrepareX and writes markers
 * afterwards): the next transaction of the producer cannot overlap the previous one's markers.
 */
import { TxnStatus } from '../protocol/txn-records.js';
import { buildMarkerBatch } from '../protocol/txn-records.js';
import { StorageError } from '../storage/errors.js';
import type { TopicStore } from '../storage/topic-store.js';
import type { PartitionLog } from '../storage/log.js';
import type { GroupCoordinator } from '../group/coordinator.js';
import { OFFSETS_TOPIC } from '../group/offsets-topic.js';
import type { Scheduler, TimerHandle } from '../group/clock.js';
import type { GroupLogger } from '../group/types.js';
import type { ProducerIdManager } from './producer-ids.js';
import { TransactionLog } from './transaction-log.js';
import { PRODUCER_EPOCH_MAX, fromLogValue, partitionCount, stateName, toLogValue, type TxnMetadata } from './txn-metadata.js';
import { stopOnInvariant } from '../invariant.js';

export type TxnErrorName =
  | 'NONE'
  | 'INVALID_REQUEST'
  | 'INVALID_TRANSACTION_TIMEOUT'
  | 'CONCURRENT_TRANSACTIONS'
  | 'INVALID_PRODUCER_ID_MAPPING'
  | 'INVALID_PRODUCER_EPOCH'
  | 'PRODUCER_FENCED'
  | 'INVALID_TXN_STATE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'OPERATION_NOT_ATTEMPTED'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'TRANSACTIONAL_ID_NOT_FOUND'
  | 'INVALID_GROUP_ID';

export interface TxnConfig {
  maxTimeoutMs: number;
  abortCheckIntervalMs: number;
  logPartitions: number;
}

export interface TxnPartitions {
  topic: string;
  partitions: number[];
}

export interface DescribedTxn {
  transactionalId: string;
  state: string;
  timeoutMs: number;
  startMs: number;
  producerId: number;
  producerEpoch: number;
  partitions: TxnPartitions[];
}

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();
  /** Producer id → its transactional id's metadata (Produce checks transactional batches against it). */
  private readonly byProducer = new Map<number, TxnMetadata>();
  private readonly txnLog: TransactionLog;
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly store: TopicStore,
    private readonly groups: GroupCoordinator,
    private readonly producerIds: ProducerIdManager,
    private readonly log: GroupLogger,
    private readonly config: TxnConfig,
    private readonly scheduler: Scheduler,
  ) {
    this.txnLog = new TransactionLog(store, config.logPartitions, () => scheduler.now(), log);
  }

  /** Loads `__transaction_state`, completes transactions a crash caught in PrepareCommit/PrepareAbort, and starts the timeout check. */
  static async open(store: TopicStore, groups: GroupCoordinator, producerIds: ProducerIdManager, log: GroupLogger, config: TxnConfig, scheduler: Scheduler): Promise<TransactionCoordinator> {
    const c = new TransactionCoordinator(store, groups, producerIds, log, config, scheduler);
    await c.load();
    c.arm();
    return c;
  }

  private async load(): Promise<void> {
    let skipped = 0;
    for (const [id, value] of this.txnLog.load()) {
      const meta = fromLogValue(id, value);
      if (typeof meta === 'string') {
        skipped += 1;
        this.log.error({ transactionalIdChars: id.length, problem: meta }, 'skipping invalid __transaction_state record');
        continue;
      }
      this.txns.set(id, meta);
      this.byProducer.set(meta.producerId, meta);
    }
    let completed = 0;
    for (const meta of this.txns.values()) {
      const commit = meta.state === TxnStatus.PrepareCommit;
      if (commit || meta.state === TxnStatus.PrepareAbort || meta.state === TxnStatus.PrepareEpochFence) {
        try {
          await this.finish(meta, commit);
          completed += 1;
        } catch (err) {
          if (!(err instanceof StorageError)) throw err;
          this.log.error({ producerId: meta.producerId, err }, 'completing a transaction after restart failed; retried by the timeout check');
        }
      }
    }
    if (this.txns.size > 0) this.log.info({ transactionalIds: this.txns.size, completed, skipped }, 'transaction state loaded from __transaction_state');
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }

  // ------------------------------------------------------------------ requests

  async initProducerId(transactionalId: string, timeoutMs: number, reqProducerId: number, reqEpoch: number): Promise<{ error: TxnErrorName; producerId: number; producerEpoch: number }> {
    const fail = (error: TxnErrorName) => ({ error, producerId: -1, producerEpoch: -1 });
    if (transactionalId === '') return fail('INVALID_REQUEST');
    if (timeoutMs <= 0 || timeoutMs > this.config.maxTimeoutMs) return fail('INVALID_TRANSACTION_TIMEOUT');
    const now = this.scheduler.now();
    let meta = this.txns.get(transactionalId);
    if (meta === undefined) {
      meta = {
        transactionalId, producerId: this.producerIds.allocate(), lastProducerId: -1, producerEpoch: -1, lastProducerEpoch: -1,
        timeoutMs, state: TxnStatus.Empty, partitions: new Map(), startMs: -1, lastUpdateMs: now, busy: false,
      };
      this.txns.set(transactionalId, meta);
      this.byProducer.set(meta.producerId, meta);
    }
    if (meta.busy || meta.state === TxnStatus.PrepareCommit || meta.state === TxnStatus.PrepareAbort || meta.state === TxnStatus.PrepareEpochFence) {
      return fail('CONCURRENT_TRANSACTIONS');
    }
    // KIP-360: a producer naming its id and epoch must be the current one (or the one just before a bump),
    // unless the transactional id has no epoch yet. Kafka accepts any pair then: Java and librdkafka send
    // -1/-1 on a first InitProducerId, but @platformatic/kafka 2.x (like the 1.22 we test with) sends the
    // producerId/producerEpoch options it was given, 0/0 by default.
    if (reqProducerId >= 0 && meta.producerEpoch >= 0) {
      const current = reqProducerId === meta.producerId && reqEpoch === meta.producerEpoch;
      const previous = (reqProducerId === meta.producerId || reqProducerId === meta.lastProducerId) && reqEpoch === meta.lastProducerEpoch;
      if (!current && !previous) return fail('PRODUCER_FENCED');
      // A retry of the bump that made the current epoch: answered again, not bumped twice.
      if (previous && !current && meta.state !== TxnStatus.Ongoing) return { error: 'NONE' as const, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
    }
    return this.exclusive(meta, fail, async () => {
      if (meta.state === TxnStatus.Ongoing) await this.abortFencing(meta);
      this.bumpEpoch(meta);
      meta.state = TxnStatus.Empty;
      meta.timeoutMs = timeoutMs;
      meta.partitions = new Map();
      meta.startMs = -1;
      await this.persist(meta);
      return { error: 'NONE' as const, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
    });
  }

  /** AddPartitionsToTxn; `verifyOnly` (v4+) checks instead of adding. Answers per partition. */
  async addPartitions(transactionalId: string, producerId: number, epoch: number, topics: TxnPartitions[], verifyOnly: boolean): Promise<Map<string, Map<number, TxnErrorName>>> {
    const answer = (f: (topic: string, p: number) => TxnErrorName) => new Map(topics.map((t) => [t.topic, new Map(t.partitions.map((p) => [p, f(t.topic, p)]))]));
    const meta = this.txns.get(transactionalId);
    const problem = this.checkProducer(meta, producerId, epoch);
    if (problem !== 'NONE') return answer(() => problem);
    if (verifyOnly) return answer((t, p) => (meta!.state === TxnStatus.Ongoing && meta!.partitions.get(t)?.has(p) === true ? 'NONE' : 'INVALID_TXN_STATE'));
    const unknown = (t: string, p: number) => { const topic = this.store.topic(t); return topic === undefined || p < 0 || p >= topic.partitions; };
    if (topics.some((t) => t.partitions.some((p) => unknown(t.topic, p)))) {
      return answer((t, p) => (unknown(t, p) ? 'UNKNOWN_TOPIC_OR_PARTITION' : 'OPERATION_NOT_ATTEMPTED'));
    }
    const error = await this.addToTxn(meta!, topics);
    return answer(() => error);
  }

  /** AddOffsetsToTxn: the group's `__consumer_offsets` partition joins the transaction. */
  async addOffsets(transactionalId: string, producerId: number, epoch: number, groupId: string): Promise<TxnErrorName> {
    if (groupId === '') return 'INVALID_GROUP_ID';
    const meta = this.txns.get(transactionalId);
    const problem = this.checkProducer(meta, producerId, epoch);
    if (problem !== 'NONE') return problem;
    const { topic, partition } = this.groups.offsetsPartitionFor(groupId);
    return this.addToTxn(meta!, [{ topic, partitions: [partition] }]);
  }

  /** TxnOffsetCommit may go ahead: the producer is current and its transaction holds the group's partition. */
  checkTxnOffsetCommit(transactionalId: string, producerId: number, epoch: number, groupId: string): TxnErrorName {
    const meta = this.txns.get(transactionalId);
    const problem = this.checkProducer(meta, producerId, epoch);
    if (problem !== 'NONE') return problem;
    const { topic, partition } = this.groups.offsetsPartitionFor(groupId);
    if (meta!.state !== TxnStatus.Ongoing || meta!.partitions.get(topic)?.has(partition) !== true) return 'INVALID_TXN_STATE';
    return 'NONE';
  }

  async endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean): Promise<TxnErrorName> {
    const meta = this.txns.get(transactionalId);
    const problem = this.checkProducer(meta, producerId, epoch);
    if (problem !== 'NONE') return problem;
    const m = meta!;
    switch (m.state) {
      case TxnStatus.Ongoing:
        return this.exclusive(m, (e) => e, async () => {
          await this.finish(m, commit);
          return 'NONE' as const;
        });
      case TxnStatus.CompleteCommit:
        return commit ? 'NONE' : 'INVALID_TXN_STATE'; // a retry of the EndTxn that completed it
      case TxnStatus.CompleteAbort:
        return commit ? 'INVALID_TXN_STATE' : 'NONE';
      case TxnStatus.PrepareCommit:
        return commit ? 'CONCURRENT_TRANSACTIONS' : 'INVALID_TXN_STATE';
      case TxnStatus.PrepareAbort:
        return commit ? 'INVALID_TXN_STATE' : 'CONCURRENT_TRANSACTIONS';
      default:
        return 'INVALID_TXN_STATE';
    }
  }

  describe(transactionalId: string): DescribedTxn | undefined {
    const m = this.txns.get(transactionalId);
    if (m === undefined) return undefined;
    return {
      transactionalId, state: stateName(m.state), timeoutMs: m.timeoutMs, startMs: m.startMs, producerId: m.producerId, producerEpoch: m.producerEpoch,
      partitions: [...m.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) })),
    };
  }

  /** ListTransactions: filters as Kafka's (empty = all); durationMs >= 0: running at least that long. */
  list(states: readonly string[], producerIds: readonly number[], durationMs: number): Array<{ transactionalId: string; producerId: number; state: string }> {
    const now = this.scheduler.now();
    const out: Array<{ transactionalId: string; producerId: number; state: string }> = [];
    for (const m of this.txns.values()) {
      const state = stateName(m.state);
      if (states.length > 0 && !states.includes(state)) continue;
      if (producerIds.length > 0 && !producerIds.includes(m.producerId)) continue;
      if (durationMs >= 0 && (m.state !== TxnStatus.Ongoing || now - m.startMs < durationMs)) continue;
      out.push({ transactionalId: m.transactionalId, producerId: m.producerId, state });
    }
    return out;
  }

  /** Whether a transactional batch of this producer may go to the partition (it was added to an ongoing transaction). */
  /** The current epoch of the transactional id holding producerId, undefined when none holds it. */
  currentEpoch(producerId: number): number | undefined {
    return this.byProducer.get(producerId)?.producerEpoch;
  }

  partitionInTxn(producerId: number, epoch: number, topic: string, partition: number): boolean {
    const m = this.byProducer.get(producerId);
    return m !== undefined && m.producerEpoch === epoch && m.state === TxnStatus.Ongoing && m.partitions.get(topic)?.has(partition) === true;
  }

  // ------------------------------------------------------------------ state changes

  private checkProducer(meta: TxnMetadata | undefined, producerId: number, epoch: number): TxnErrorName {
    if (meta === undefined || meta.producerId !== producerId) return 'INVALID_PRODUCER_ID_MAPPING';
    if (meta.producerEpoch !== epoch) return 'PRODUCER_FENCED';
    if (meta.busy) return 'CONCURRENT_TRANSACTIONS';
    return 'NONE';
  }

  private async addToTxn(meta: TxnMetadata, topics: TxnPartitions[]): Promise<TxnErrorName> {
    if (meta.state === TxnStatus.PrepareCommit || meta.state === TxnStatus.PrepareAbort || meta.state === TxnStatus.PrepareEpochFence) return 'CONCURRENT_TRANSACTIONS';
    if (meta.state === TxnStatus.Dead) return 'INVALID_TXN_STATE';
    const adds = topics.some((t) => t.partitions.some((p) => meta.partitions.get(t.topic)?.has(p) !== true));
    if (meta.state === TxnStatus.Ongoing && !adds) return 'NONE';
    return this.exclusive(meta, (e) => e, async () => {
      const now = this.scheduler.now();
      if (meta.state !== TxnStatus.Ongoing) {
        meta.partitions = new Map();
        meta.startMs = now;
      }
      for (const t of topics) {
        let set = meta.partitions.get(t.topic);
        if (set === undefined) meta.partitions.set(t.topic, (set = new Set()));
        for (const p of t.partitions) set.add(p);
      }
      meta.state = TxnStatus.Ongoing;
      meta.lastUpdateMs = now;
      await this.persist(meta);
      return 'NONE' as const;
    });
  }

  /** Runs `fn` with the transactional id marked busy; a storage failure answers COORDINATOR_NOT_AVAILABLE (retriable). */
  private async exclusive<T>(meta: TxnMetadata, fail: (e: TxnErrorName) => T, fn: () => Promise<T>): Promise<T> {
    if (meta.busy) return fail('CONCURRENT_TRANSACTIONS');
    meta.busy = true;
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      this.log.error({ transactionalIdChars: meta.transactionalId.length, producerId: meta.producerId, err }, 'transaction state change failed');
      return fail('COORDINATOR_NOT_AVAILABLE');
    } finally {
      meta.busy = false;
    }
  }

  private bumpEpoch(meta: TxnMetadata): void {
    meta.lastProducerEpoch = meta.producerEpoch;
    if (meta.producerEpoch >= PRODUCER_EPOCH_MAX) {
      meta.lastProducerId = meta.producerId;
      this.byProducer.delete(meta.producerId);
      meta.producerId = this.producerIds.allocate();
      this.byProducer.set(meta.producerId, meta);
      meta.producerEpoch = 0;
    } else {
      meta.producerEpoch += 1;
    }
  }

  /** Aborts an ongoing transaction with a bumped epoch, so its producer is fenced (InitProducerId of a newer instance, timeout). */
  private async abortFencing(meta: TxnMetadata): Promise<void> {
    this.bumpEpoch(meta);
    await this.finish(meta, false);
  }

  /** PrepareX (durable), markers on every partition (durable), then CompleteX. */
  private async finish(meta: TxnMetadata, commit: boolean): Promise<void> {
    const now = this.scheduler.now();
    meta.state = commit ? TxnStatus.PrepareCommit : TxnStatus.PrepareAbort;
    meta.lastUpdateMs = now;
    await this.persist(meta);
    await this.writeMarkers(meta, commit);
    meta.state = commit ? TxnStatus.CompleteCommit : TxnStatus.CompleteAbort;
    meta.partitions = new Map();
    meta.lastUpdateMs = this.scheduler.now();
    await this.persist(meta);
  }

  private async writeMarkers(meta: TxnMetadata, commit: boolean): Promise<void> {
    const marker = buildMarkerBatch({ producerId: meta.producerId, producerEpoch: meta.producerEpoch, coordinatorEpoch: 0, commit, timestampMs: this.scheduler.now() });
    const logs: PartitionLog[] = [];
    let offsetsPartition = false;
    for (const [topic, parts] of meta.partitions) {
      const t = this.store.topic(topic);
      if (t === undefined) continue; // deleted meanwhile: nothing to mark
      for (const p of parts) {
        if (p >= t.partitions) continue;
        const log = this.store.partition(topic, p);
        try {
          log.append(Buffer.from(marker), { origin: 'coordinator' });
        } catch (err) {
          // A partition that saw a newer epoch of this producer id cannot take the marker; any other failure is retried.
          if (err instanceof StorageError && (err.code === 'INVALID_PRODUCER_EPOCH' || err.code === 'UNKNOWN_TOPIC_OR_PARTITION')) {
            this.log.warn({ topic, partition: p, producerId: meta.producerId, reason: err.message }, 'transaction marker not written');
            continue;
          }
          throw err;
        }
        logs.push(log);
        if (topic === OFFSETS_TOPIC) offsetsPartition = true;
      }
    }
    await Promise.all(logs.map((l) => l.flush()));
    if (offsetsPartition) this.groups.completeTxnOffsets(meta.producerId, commit);
  }

  private async persist(meta: TxnMetadata): Promise<void> {
    await this.txnLog.write(meta.transactionalId, toLogValue(meta));
  }

  // ------------------------------------------------------------------ timeouts

  /**
   * The timeout check runs at a fixed rate (as Kafka's scheduler does): the next run is scheduled when this
   * one starts, so a test clock advanced past several intervals runs each of them. Runs may overlap: a
   * transaction being completed is `busy` and skipped by the others.
   */
  private arm(): void {
    if (this.closed) return;
    this.timer = this.scheduler.schedule(this.config.abortCheckIntervalMs, () => {
      this.arm();
      this.abortExpired().catch((err: unknown) => stopOnInvariant(err, this.log) || this.log.error({ err }, 'aborting timed-out transactions failed'));
    });
  }

  /** Aborts (fencing the producer) every transaction running longer than its timeout; retries stuck completions. Returns how many. */
  async abortExpired(): Promise<number> {
    const now = this.scheduler.now();
    let n = 0;
    for (const meta of [...this.txns.values()]) {
      if (this.closed || meta.busy) continue;
      const stuck = meta.state === TxnStatus.PrepareCommit || meta.state === TxnStatus.PrepareAbort || meta.state === TxnStatus.PrepareEpochFence;
      const expired = meta.state === TxnStatus.Ongoing && now - meta.startMs > meta.timeoutMs;
      if (!stuck && !expired) continue;
      await this.exclusive(meta, () => undefined, async () => {
        if (expired) {
          this.log.info({ producerId: meta.producerId, timeoutMs: meta.timeoutMs, partitions: partitionCount(meta) }, 'aborting a transaction past transaction.timeout.ms');
          await this.abortFencing(meta);
        } else {
          await this.finish(meta, meta.state === TxnStatus.PrepareCommit);
        }
        n += 1;
        return undefined;
      });
    }
    return n;
  }
}
