// Runs the log cleaner (cleaner.ts) for one PartitionLog: one pass at a time, stopped at its next
// yield when the log closes or is deleted, failures mapped to storage errors; and the cleaner's view
// of the log's transactions.
import { CleanerAbortedError, CleanerState, cleanLog, type CleanerHost } from './cleaner.js';
import type { CleanerTxnHost } from './cleaner-txn.js';
import { StorageError, StorageIoError } from './errors.js';
import type { CompactionResult } from './log-types.js';
import type { SegmentFdPool } from './fd-pool.js';
import type { Segment } from './segment.js';
import { assert } from '../invariant.js';
import type { ProducerStateManager } from './producer-state.js';
import type { ProducerStateFiles } from './producer-state-files.js';

/** What the log gives a pass: the cleaner's host without `usable`, which the compactor adds. */
export type CompactionHost = Omit<CleanerHost, 'usable'> & {
  /** The log is open, not deleted and not offline. */
  readonly logUsable: boolean;
  /** The log's name for error messages. */
  readonly name: string;
};

const idle = (): CompactionResult => ({ ran: false, segmentsRewritten: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesBefore: 0, bytesAfter: 0, undecodableBatches: 0 });

export class LogCompactor {
  private readonly state = new CleanerState();
  private pass: Promise<CompactionResult> | undefined;
  private stopped = false;

  /** A pass is running: it holds segments, retention waits for the next round. */
  get running(): boolean {
    return this.pass !== undefined;
  }

  /** Offsets at or past this were appended after the last pass (everything, after a restart). */
  set firstDirtyOffset(offset: number) {
    this.state.firstDirtyOffset = offset;
  }

  /** One pass (ran = false when one is already running, or it was stopped by close or deletion). */
  async run(host: CompactionHost, nowMs: number, force: boolean): Promise<CompactionResult> {
    if (this.pass !== undefined) return idle();
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const compactor = this;
    const cleanerHost: CleanerHost = Object.create(host, {
      usable: { get: () => !compactor.stopped && host.logUsable },
    }) as CleanerHost;
    const pass = cleanLog(cleanerHost, this.state, nowMs, force);
    this.pass = pass;
    try {
      return await pass;
    } catch (err) {
      if (err instanceof CleanerAbortedError) return idle();
      if (err instanceof StorageError) throw err;
      throw new StorageIoError('compact', host.name, err);
    } finally {
      this.pass = undefined;
    }
  }

  /** Stops a pass in progress at its next yield, and any later one, and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.pass?.catch(() => undefined);
  }
}

/** The cleaner's view of a log's transactions: its producer state and transaction index files. */
export function cleanerTxnHost(producers: ProducerStateManager, files: ProducerStateFiles | undefined): CleanerTxnHost {
  return {
    firstUnstableOffset: () => producers.firstUnstableOffset(),
    abortedTxns: (from, upper) => producers.abortedTxns(from, upper),
    producerLastRecord: (producerId) => {
      const entry = producers.entry(producerId);
      return entry === undefined ? undefined : { lastDataOffset: entry.batches.at(-1)?.lastOffset, epoch: entry.epoch };
    },
    replaceAborted: (oldBases, newBases, endOffset, kept) => {
      const from = oldBases[0]!;
      const before = producers.allAborted().filter((t) => t.lastOffset >= from && t.lastOffset < endOffset);
      const same = before.length === kept.length && kept.every((t) => before.includes(t));
      if (same && oldBases.length === newBases.length) return; // nothing changed: spare the index files a rewrite
      producers.replaceAborted(from, endOffset, kept);
      files?.replaceTxnIndexes(oldBases, newBases, kept);
    },
  };
}

/** Swaps a pass's cleaned segment in for the consecutive segments `old` of the log's list. */
export function replaceSegments(segments: Segment[], old: readonly Segment[], cleaned: Segment, fdPool: SegmentFdPool | undefined): void {
  const i = segments.indexOf(old[0]!);
  assert(i >= 0 && segments[i + old.length - 1] === old[old.length - 1], 'cleaned segments are not in the log');
  cleaned.adoptPool(fdPool);
  segments.splice(i, old.length, cleaned);
}
