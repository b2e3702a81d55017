// Transactions as the log cleaner meets them, Kafka's rules (LogCleaner's CleanedTransactionMetadata
// and its batch retention), over a group of segments cleaned into one (or the whole range, pass 1):
//   - a data batch of an aborted transaction (the .txnindex ranges overlapping the segment) loses
//     its records; a transactional batch of any other transaction is committed (the cleaner stays
//     below the LSO, so every transaction it sees has ended) and is compacted like plain data;
//   - an abort marker stays while the group held batches of its transaction (then the cleaned
//     segment's .txnindex keeps the transaction), a commit marker while the group held batches of
//     its transaction; otherwise the marker may go: it first gets a delete horizon (cleaning time +
//     delete.retention.ms, KIP-534) and is removed by the first pass after it, so a reader that was
//     past its transaction's data still sees it;
//   - a producer's last batch stays, emptied if its records go: the batch holding its last data
//     offset, or, when its last write was a marker, its markers of the current epoch (sequence and
//     epoch survive a restart that rebuilds producer state from the log).
import { isTransactionalBatch, type BatchHeader } from '../protocol/record-batch.js';
import { CONTROL_ABORT, CONTROL_COMMIT } from '../protocol/txn-records.js';
import type { AbortedTxn } from './producer-state.js';

/** What Kafka's lastRecordsOfActiveProducers holds for one producer. */
export interface ProducerLastRecord {
  /** Last offset of its last data batch; undefined when its last write was a marker of a new epoch. */
  lastDataOffset: number | undefined;
  epoch: number;
}

/** What the cleaner needs to know of the log's transactions. */
export interface CleanerTxnHost {
  /** First offset of the oldest open transaction (the LSO): its segment and later ones are never cleaned. */
  firstUnstableOffset(): number | undefined;
  /** Aborted transactions overlapping [fromOffset, upperOffset), by their last offset. */
  abortedTxns(fromOffset: number, upperOffset: number): readonly AbortedTxn[];
  /** Undefined for a producer the log no longer tracks (expired). */
  producerLastRecord(producerId: number): ProducerLastRecord | undefined;
  /** After the segments `oldBases` (up to endOffset) were cleaned into `newBases`: the aborted transactions their markers still carry. */
  replaceAborted(oldBases: readonly number[], newBases: readonly number[], endOffset: number, kept: readonly AbortedTxn[]): void;
}

/** A control batch left without its record (Kafka's empty control batch: a cleaned marker kept for its producer). */
export const EMPTY_MARKER = -1;

/** Transactions while the cleaner reads a group of segments, oldest first. */
export class GroupTransactions {
  /** Aborted transactions not reached yet, by first offset. */
  private pending: AbortedTxn[] = [];
  private next = 0;
  private readonly added = new Set<AbortedTxn>();
  private readonly committed = new Set<number>();
  private readonly aborted = new Map<number, { txn: AbortedTxn; observed: boolean }>();
  /** Aborted transactions whose marker stays with data of theirs read here: the cleaned .txnindex keeps them. */
  readonly kept: AbortedTxn[] = [];

  /** The aborted transactions overlapping the next segment (each is taken once, however many segments it spans). */
  addAborted(aborted: readonly AbortedTxn[]): void {
    const fresh = aborted.filter((t) => !this.added.has(t));
    if (fresh.length === 0) return;
    for (const t of fresh) this.added.add(t);
    this.pending = [...this.pending.slice(this.next), ...fresh].sort((a, b) => a.firstOffset - b.firstOffset);
    this.next = 0;
  }

  private consumeUpTo(offset: number): void {
    while (this.next < this.pending.length && this.pending[this.next]!.firstOffset <= offset) {
      const txn = this.pending[this.next++]!;
      this.aborted.set(txn.producerId, { txn, observed: false });
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (its records go). */
  onBatch(h: BatchHeader): boolean {
    this.consumeUpTo(h.baseOffset + h.lastOffsetDelta);
    if (!isTransactionalBatch(h.attributes)) return false;
    const aborted = this.aborted.get(h.producerId);
    if (aborted !== undefined) {
      aborted.observed = true;
      return true;
    }
    this.committed.add(h.producerId);
    return false;
  }

  /** A control batch of `type` (CONTROL_ABORT, CONTROL_COMMIT, EMPTY_MARKER, else unknown): true when the marker may go. */
  onMarker(h: BatchHeader, type: number | undefined): boolean {
    this.consumeUpTo(h.baseOffset + h.lastOffsetDelta);
    if (type === CONTROL_ABORT) {
      const aborted = this.aborted.get(h.producerId);
      this.aborted.delete(h.producerId);
      if (aborted?.observed !== true) return true;
      this.kept.push(aborted.txn);
      return false;
    }
    if (type === CONTROL_COMMIT) return !this.committed.delete(h.producerId);
    return type === EMPTY_MARKER;
  }
}

/** Kafka's RETAIN_EMPTY: the batch holds what the producer state needs of `last` (see the file comment). */
export function isProducersLastBatch(h: BatchHeader, control: boolean, last: ProducerLastRecord | undefined): boolean {
  if (h.producerId < 0 || last === undefined) return false;
  if (last.lastDataOffset !== undefined) return h.baseOffset + h.lastOffsetDelta === last.lastDataOffset;
  return control && h.producerEpoch === last.epoch;
}
