// Runs the log cleaner (cleaner.ts) for one PartitionLog: one pass at a time, stopped at its next
// yield when the log closes or is deleted, failures mapped to storage errors.
import { CleanerAbortedError, CleanerState, cleanLog, type CleanerHost } from './cleaner.js';
import { StorageError, StorageIoError } from './errors.js';
import type { CompactionResult } from './log-types.js';

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
