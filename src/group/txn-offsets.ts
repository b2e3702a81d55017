/**
 * Offsets committed inside a transaction (TxnOffsetCommit): written to `__consumer_offsets` at once as
 * a transactional batch of the producer, but visible to OffsetFetch only once the transaction commits
 * (its commit marker is written to that partition); an abort drops them. While pending, OffsetFetch
 * with RequireStable answers UNSTABLE_OFFSET_COMMIT for their partitions.
 */
import type { CommittedOffset, OffsetStore } from './offsets.js';

export class PendingTxnOffsets {
  /** producer id → group id → offsets, in commit order. */
  private readonly pending = new Map<number, Map<string, CommittedOffset[]>>();

  add(producerId: number, groupId: string, offsets: readonly CommittedOffset[]): void {
    let byGroup = this.pending.get(producerId);
    if (byGroup === undefined) this.pending.set(producerId, (byGroup = new Map()));
    const list = byGroup.get(groupId);
    if (list === undefined) byGroup.set(groupId, [...offsets]);
    else list.push(...offsets);
  }

  /** Applies (commit) or drops (abort) the producer's pending offsets; returns how many there were. */
  complete(producerId: number, commit: boolean, store: OffsetStore): number {
    const byGroup = this.pending.get(producerId);
    if (byGroup === undefined) return 0;
    this.pending.delete(producerId);
    let n = 0;
    for (const [groupId, list] of byGroup) {
      n += list.length;
      if (commit) for (const c of list) store.put(groupId, c);
    }
    return n;
  }

  isPending(groupId: string, topic: string, partition: number): boolean {
    for (const byGroup of this.pending.values()) {
      const list = byGroup.get(groupId);
      if (list?.some((c) => c.topic === topic && c.partition === partition)) return true;
    }
    return false;
  }

  get producers(): number {
    return this.pending.size;
  }
}
