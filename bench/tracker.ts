/** Proof that a consume phase got every message back: one flag per (partition, offset) of a fresh topic. */

export interface ClientFigures {
  produceMsgsPerSec: number;
  consumeMsgsPerSec: number;
  produced: number;
  consumed: number;
}

export class OffsetTracker {
  /** Distinct (partition, offset) pairs seen with the expected value size. */
  distinct = 0;
  duplicates = 0;
  /** Offsets outside 0..perPartition-1, unknown partitions, or values of the wrong size. */
  strays = 0;
  private readonly seen: Uint8Array[];

  constructor(readonly partitions: number, readonly perPartition: number, private readonly valueBytes = 100) {
    this.seen = Array.from({ length: partitions }, () => new Uint8Array(perPartition));
  }

  add(partition: number, offset: bigint, valueBytes: number): void {
    const flags = this.seen[partition];
    const o = Number(offset);
    if (flags === undefined || o < 0 || o >= this.perPartition || valueBytes !== this.valueBytes) {
      this.strays++;
      return;
    }
    if (flags[o] === 1) {
      this.duplicates++;
      return;
    }
    flags[o] = 1;
    this.distinct++;
  }

  complete(): boolean {
    return this.distinct === this.partitions * this.perPartition;
  }

  /** Throws unless every message came back once (duplicates are allowed by at-least-once, but reported). */
  assertComplete(valueBytes: number): void {
    if (valueBytes !== this.valueBytes) throw new Error(`tracker expects ${this.valueBytes} B values, not ${valueBytes}`);
    if (!this.complete() || this.strays > 0) {
      throw new Error(`received ${this.distinct}/${this.partitions * this.perPartition} distinct messages, ${this.strays} unexpected, ${this.duplicates} duplicates`);
    }
  }
}
