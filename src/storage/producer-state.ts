// Producer state of one partition: for each producer id its epoch, the sequence ranges and offsets
// of its last 5 batches (deduplication of retries), and its open transaction; the transactions in
// progress (the last stable offset) and the aborted ones (read_committed fetches skip them).
//
// An append is checked first (check: no state changes, throws the Kafka error) and applied after
// the log assigned its offsets (apply). Kafka's rules (ProducerStateManager / ProducerAppendInfo):
//   - a batch equal to one of the producer's last 5 (same epoch, same first and last sequence) is a
//     retry: answered with the offsets it got the first time, stored again never;
//   - an epoch below the producer's current one: INVALID_PRODUCER_EPOCH;
//   - a new epoch must start at sequence 0; the same epoch must continue at last sequence + 1
//     (wrapping after 2^31-1): else OUT_OF_ORDER_SEQUENCE_NUMBER. A producer we know nothing of
//     (new, or expired) may start anywhere;
//   - a non-transactional batch from a producer with an open transaction: INVALID_TXN_STATE;
//   - control batches (commit/abort markers) come from the transaction coordinator only.
// Persistence (snapshots, transaction index files) is in producer-state-files.ts.
import { batchAttributesAt, batchHasProducerIdAt, batchMaxTimestampAt, batchRecordCountAt, batchSizeAt, isControlBatch, isTransactionalBatch, readBatchProducerFields } from '../protocol/record-batch.js';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, CONTROL_ABORT, controlBatchType } from '../protocol/txn-records.js';
import { StorageError } from './errors.js';
import { assert } from '../invariant.js';

/** Batches remembered per producer for deduplication (Kafka: 5, the most a producer has in flight). */
export const PRODUCER_BATCHES_KEPT = 5;
const INT32_MAX = 0x7fffffff;
/** A control batch without records: what the log cleaner leaves of a producer's last marker (Kafka does the same). */
const EMPTY_CONTROL = -1;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /**
   * The batch's maxTimestamp as stored (the client's CreateTime, or the broker's LogAppendTime), -1
   * when it has none or a negative one: what DescribeProducers answers, as Kafka's BatchMetadata.timestamp.
   * Never used for expiration (lastUpdateMs is).
   */
  timestampMs: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first, at most PRODUCER_BATCHES_KEPT. */
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction in this partition, -1 when none. */
  currentTxnFirstOffset: number;
  /**
   * Broker time of the producer's last append here, or of the load that restored it (producer.id.expiration.ms
   * counts from it). Kafka counts from the batch timestamp; the broker's clock keeps a client's clock out of expiry.
   */
  lastUpdateMs: number;
}

/** One aborted transaction as Kafka's .txnindex and Fetch's AbortedTransactions carry it. */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
  lastStableOffset: number;
}

/** How one batch of an append changes producer state (producerId -1: a batch without one). */
interface BatchPlan {
  producerId: number;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  offsetCount: number;
  transactional: boolean;
  /** CONTROL_ABORT / CONTROL_COMMIT / EMPTY_CONTROL for a marker, undefined for data. */
  control: number | undefined;
  /** The batch's maxTimestamp as it came (LogAppendTime replaces it in apply), see BatchMetadata.timestampMs. */
  maxTimestampMs: number;
}

export type AppendCheck =
  | { duplicate: true; firstOffset: number; lastOffset: number }
  | { duplicate: false; plans: readonly BatchPlan[] };

/** The check of an append none of whose batches has a producer id: nothing to check or record (shared, never changed). */
const NO_PRODUCERS: AppendCheck = Object.freeze({ duplicate: false, plans: Object.freeze([]) });

/** True when some batch carries a producer id, or transactional or control attributes (those need the full check). */
function hasProducerFields(batches: Buffer): boolean {
  for (let pos = 0; pos < batches.length; pos += batchSizeAt(batches, pos)) {
    if (batchHasProducerIdAt(batches, pos)) return true;
    if ((batchAttributesAt(batches, pos) & (ATTR_TRANSACTIONAL | ATTR_CONTROL)) !== 0) return true;
  }
  return false;
}

/** Who writes: a client's Produce, the transaction coordinator's markers, or recovery replaying the log. */
export type AppendOrigin = 'client' | 'coordinator' | 'replay';

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /** Producer id → first offset of its open transaction. */
  private readonly ongoing = new Map<number, number>();
  /** Ordered by lastOffset (markers are appended in offset order). */
  private aborted: AbortedTxn[] = [];
  /** Called with each transaction aborted by an append (persisted by the log). */
  onAbort: ((txn: AbortedTxn) => void) | undefined;

  get producerCount(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  allEntries(): IterableIterator<ProducerEntry> {
    return this.producers.values();
  }

  /** Validates the batches of one append against the state; throws a StorageError naming the Kafka error. */
  check(batches: Buffer, origin: AppendOrigin): AppendCheck {
    if (!hasProducerFields(batches)) return NO_PRODUCERS;
    const plans: BatchPlan[] = [];
    // Several batches of one producer in one append: later ones see the earlier ones' effects.
    const staged = new Map<number, { epoch: number; lastSeq: number | undefined; inTxn: boolean }>();
    for (let pos = 0; pos < batches.length; pos += batchSizeAt(batches, pos)) {
      const h = readBatchProducerFields(batches, pos);
      const control = isControlBatch(h.attributes);
      if (control && origin === 'client') throw new StorageError('INVALID_RECORD', 'control batches are written by the broker only');
      if (h.producerId < 0) {
        if (isTransactionalBatch(h.attributes)) throw new StorageError('INVALID_RECORD', 'a transactional batch needs a producer id');
        plans.push({ producerId: -1, epoch: -1, firstSeq: -1, lastSeq: -1, offsetCount: h.lastOffsetDelta + 1, transactional: false, control: undefined, maxTimestampMs: -1 });
        continue;
      }
      const offsetCount = h.lastOffsetDelta + 1;
      const lastSeq = control ? -1 : addSequence(h.baseSequence, h.lastOffsetDelta);
      const plan: BatchPlan = {
        producerId: h.producerId,
        epoch: h.producerEpoch,
        firstSeq: control ? -1 : h.baseSequence,
        lastSeq,
        offsetCount,
        transactional: isTransactionalBatch(h.attributes),
        control: control ? (batchRecordCountAt(batches, pos) === 0 ? EMPTY_CONTROL : (controlBatchType(batches, pos) ?? CONTROL_ABORT)) : undefined,
        maxTimestampMs: batchTimestampMs(batchMaxTimestampAt(batches, pos)), // the log checked it fits in 2^53
      };
      if (origin !== 'replay') {
        const known = this.producers.get(h.producerId);
        const current = staged.get(h.producerId) ?? (known === undefined ? undefined : {
          epoch: known.epoch,
          lastSeq: known.batches.at(-1)?.lastSeq,
          inTxn: known.currentTxnFirstOffset >= 0,
        });
        if (origin === 'client' && known !== undefined && !staged.has(h.producerId)) {
          const dup = known.epoch === h.producerEpoch
            ? known.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq)
            : undefined;
          if (dup !== undefined) return { duplicate: true, firstOffset: dup.firstOffset, lastOffset: dup.lastOffset };
        }
        checkBatch(plan, current, origin);
        staged.set(h.producerId, {
          epoch: plan.epoch,
          lastSeq: control ? (plan.epoch === current?.epoch ? current.lastSeq : undefined) : lastSeq,
          inTxn: control ? false : plan.transactional || (current?.inTxn ?? false),
        });
      }
      plans.push(plan);
    }
    return { duplicate: false, plans };
  }

  /**
   * Records an append checked by `check`, now that its first batch got `baseOffset` (offsets are dense
   * within an append). `nowMs` is the broker's clock (expiry); `logAppendTimeMs` the time the log
   * stamped the batches with on a LogAppendTime topic (their maxTimestamp now).
   */
  apply(result: AppendCheck, baseOffset: number, nowMs: number, logAppendTimeMs?: number): void {
    assert(!result.duplicate, 'a duplicate batch is never appended');
    let offset = baseOffset;
    for (const plan of result.plans) {
      const first = offset;
      offset += plan.offsetCount;
      if (plan.producerId >= 0) this.applyBatch(plan, first, offset - 1, nowMs, logAppendTimeMs ?? plan.maxTimestampMs);
    }
  }

  private applyBatch(plan: BatchPlan, first: number, last: number, nowMs: number, timestampMs: number): void {
    let entry = this.producers.get(plan.producerId);
    if (entry === undefined) {
      entry = { producerId: plan.producerId, epoch: plan.epoch, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1, lastUpdateMs: nowMs };
      this.producers.set(plan.producerId, entry);
    }
    if (entry.epoch !== plan.epoch) {
      entry.epoch = plan.epoch;
      entry.batches = [];
    }
    entry.lastUpdateMs = nowMs;
    if (plan.control === EMPTY_CONTROL) return; // a marker the cleaner emptied: its transaction's data is gone
    if (plan.control !== undefined) {
      this.completeTxn(entry, plan.control === CONTROL_ABORT, first);
      return;
    }
    if (plan.firstSeq >= 0) {
      entry.batches.push({ firstSeq: plan.firstSeq, lastSeq: plan.lastSeq, firstOffset: first, lastOffset: last, timestampMs });
      if (entry.batches.length > PRODUCER_BATCHES_KEPT) entry.batches.shift();
    }
    if (plan.transactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = first;
      this.ongoing.set(plan.producerId, first);
    }
  }

  private completeTxn(entry: ProducerEntry, abort: boolean, markerOffset: number): void {
    const first = entry.currentTxnFirstOffset;
    entry.currentTxnFirstOffset = -1;
    this.ongoing.delete(entry.producerId);
    if (first < 0 || !abort) return;
    const txn: AbortedTxn = {
      producerId: entry.producerId,
      firstOffset: first,
      lastOffset: markerOffset,
      lastStableOffset: this.firstUnstableOffset() ?? markerOffset + 1,
    };
    this.aborted.push(txn);
    this.onAbort?.(txn);
  }

  /** First offset of the oldest open transaction; undefined when none is open. */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const first of this.ongoing.values()) if (min === undefined || first < min) min = first;
    return min;
  }

  /** Kafka's LSO: read_committed consumers read below it. */
  lastStableOffset(highWatermark: number): number {
    const first = this.firstUnstableOffset();
    return first === undefined ? highWatermark : Math.min(first, highWatermark);
  }

  get openTransactions(): number {
    return this.ongoing.size;
  }

  /** Aborted transactions overlapping [fromOffset, upperOffset): what a read_committed Fetch returns. */
  abortedTxns(fromOffset: number, upperOffset: number): AbortedTxn[] {
    let lo = 0;
    let hi = this.aborted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.aborted[mid]!.lastOffset < fromOffset) lo = mid + 1;
      else hi = mid;
    }
    const out: AbortedTxn[] = [];
    for (let i = lo; i < this.aborted.length; i++) {
      const t = this.aborted[i]!;
      if (t.firstOffset < upperOffset) out.push(t);
    }
    return out;
  }

  allAborted(): readonly AbortedTxn[] {
    return this.aborted;
  }

  /** Loads aborted transactions read from index files (ascending by lastOffset). */
  restoreAborted(txns: readonly AbortedTxn[]): void {
    const merged = [...this.aborted, ...txns].sort((a, b) => a.lastOffset - b.lastOffset);
    this.aborted = merged;
  }

  /** Restores a producer from a snapshot. */
  restoreEntry(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset >= 0) this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
  }

  /** The log cleaner rewrote [fromOffset, endOffset): of the aborted transactions whose markers lie there, `kept` remain. */
  replaceAborted(fromOffset: number, endOffset: number, kept: readonly AbortedTxn[]): void {
    const outside = this.aborted.filter((t) => t.lastOffset < fromOffset || t.lastOffset >= endOffset);
    this.aborted = [...outside, ...kept].sort((a, b) => a.lastOffset - b.lastOffset);
  }

  /** Forgets aborted transactions wholly below the log start (retention, DeleteRecords). */
  truncateBefore(logStartOffset: number): void {
    const i = this.aborted.findIndex((t) => t.lastOffset >= logStartOffset);
    if (i !== 0) this.aborted = i < 0 ? [] : this.aborted.slice(i);
  }

  /** Removes producers idle for expirationMs with no open transaction (producer.id.expiration.ms). */
  expire(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.producers) {
      if (entry.currentTxnFirstOffset < 0 && nowMs - entry.lastUpdateMs >= expirationMs) {
        this.producers.delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}

type Current = { epoch: number; lastSeq: number | undefined; inTxn: boolean } | undefined;

function checkBatch(plan: BatchPlan, current: Current, origin: AppendOrigin): void {
  if (current !== undefined && plan.epoch < current.epoch) {
    throw new StorageError('INVALID_PRODUCER_EPOCH', `producer ${plan.producerId}: epoch ${plan.epoch} is older than the current ${current.epoch}`);
  }
  // Markers, and the coordinators' own transactional writes (TxnOffsetCommit), carry no sequence numbers.
  if (plan.control !== undefined || origin === 'coordinator') return;
  if (current !== undefined && current.inTxn && !plan.transactional && plan.epoch === current.epoch) {
    throw new StorageError('INVALID_TXN_STATE', `producer ${plan.producerId}: a non-transactional batch inside an open transaction`);
  }
  if (plan.firstSeq < 0) throw new StorageError('INVALID_RECORD', `producer ${plan.producerId}: a batch with a producer id needs a sequence number`);
  if (current === undefined) return; // unknown producer: any sequence starts it
  if (plan.epoch !== current.epoch) {
    if (plan.firstSeq !== 0) {
      throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${plan.producerId}: new epoch ${plan.epoch} must start at sequence 0, not ${plan.firstSeq}`);
    }
    return;
  }
  const expected = current.lastSeq === undefined ? 0 : addSequence(current.lastSeq, 1);
  if (plan.firstSeq !== expected) {
    throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', `producer ${plan.producerId}: sequence ${plan.firstSeq} where ${expected} was expected`);
  }
}

/** A batch timestamp as kept: a negative one (Kafka's NO_TIMESTAMP is -1; others are a client's nonsense) is -1. */
export function batchTimestampMs(ms: number): number {
  return ms >= 0 && Number.isSafeInteger(ms) ? ms : -1;
}

/** Sequence arithmetic wraps after INT32_MAX to 0, as in Kafka. */
export function addSequence(seq: number, delta: number): number {
  const sum = seq + delta;
  return sum > INT32_MAX ? sum - INT32_MAX - 1 : sum;
}
