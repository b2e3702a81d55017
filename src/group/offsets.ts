/** Committed offsets in memory: group → topic-partition → the latest commit (the log is the source of truth). */
import { tpKey } from './types.js';

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** Any int64 the client committed. */
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** From OffsetCommitValue v1 only; -1 otherwise. */
  expireTimestampMs: number;
}

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, CommittedOffset>>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(tpKey(topic, partition));
  }

  put(groupId: string, c: CommittedOffset): void {
    let m = this.byGroup.get(groupId);
    if (m === undefined) this.byGroup.set(groupId, (m = new Map()));
    m.set(tpKey(c.topic, c.partition), c);
  }

  delete(groupId: string, topic: string, partition: number): boolean {
    const m = this.byGroup.get(groupId);
    if (m === undefined) return false;
    const deleted = m.delete(tpKey(topic, partition));
    if (m.size === 0) this.byGroup.delete(groupId);
    return deleted;
  }

  all(groupId: string): CommittedOffset[] {
    return [...(this.byGroup.get(groupId)?.values() ?? [])];
  }

  has(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  dropGroup(groupId: string): CommittedOffset[] {
    const all = this.all(groupId);
    this.byGroup.delete(groupId);
    return all;
  }
}
