/**
 * Where Fetch requests with MaxWaitMs/MinBytes wait (Kafka's purgatory). A waiter is woken by
 * appends to the partitions it watches once enough bytes arrived, or by its deadline; nothing polls.
 */

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

interface Waiter {
  keys: string[];
  bytesNeeded: number;
  bytesSeen: number;
  timer: NodeJS.Timeout;
  fire: () => void;
}

export class FetchPurgatory {
  private readonly byKey = new Map<string, Set<Waiter>>();
  private readonly all = new Set<Waiter>();

  /** Parks until `bytesNeeded` more bytes are appended to any of `keys`, or `waitMs` passes; then calls `fire` once. */
  park(keys: string[], bytesNeeded: number, waitMs: number, fire: () => void): void {
    const waiter: Waiter = { keys, bytesNeeded, bytesSeen: 0, fire, timer: setTimeout(() => this.wake(waiter), waitMs) };
    this.all.add(waiter);
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (set === undefined) this.byKey.set(key, (set = new Set()));
      set.add(waiter);
    }
  }

  /** Called by storage after every append. */
  onAppend(key: string, bytes: number): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const waiter of set) {
      waiter.bytesSeen += bytes;
      if (waiter.bytesSeen >= waiter.bytesNeeded) this.wake(waiter);
    }
  }

  /** Wakes everyone watching a partition regardless of bytes (topic deleted, partition moved). */
  wakeKey(key: string): void {
    const set = this.byKey.get(key);
    if (set !== undefined) for (const waiter of set) this.wake(waiter);
  }

  /** Shutdown: answer every parked fetch now. */
  wakeAll(): void {
    for (const waiter of this.all) this.wake(waiter);
  }

  get size(): number {
    return this.all.size;
  }

  private wake(waiter: Waiter): void {
    if (!this.all.delete(waiter)) return;
    clearTimeout(waiter.timer);
    for (const key of waiter.keys) {
      const set = this.byKey.get(key);
      if (set === undefined) continue;
      set.delete(waiter);
      if (set.size === 0) this.byKey.delete(key);
    }
    waiter.fire();
  }
}
