// A broker clock a test moves by hand: `startBroker({ clock })`, then `clock.advance(ms)` fires, in
// order, every broker timer that falls due (group session and rebalance timeouts, offsets expiry,
// retention and compaction passes, segment age). Timers due now (delay 0) run on the next turn of the
// event loop without an advance, so groups still form on their own; only the passing of time is manual.
import type { Scheduler, TimerHandle } from '../group/clock.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class TestClock implements Scheduler {
  private time: number;
  private seq = 0;
  private queue: Pending[] = [];

  /** Starts at `startMs` (default: the real time now, so record timestamps and the clock agree). */
  constructor(startMs = Date.now()) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    if (delayMs <= 0) {
      const immediate = setImmediate(fn);
      return { cancel: () => clearImmediate(immediate) };
    }
    const p: Pending = { at: this.time + delayMs, seq: this.seq++, fn, cancelled: false };
    this.queue.push(p);
    return { cancel: () => { p.cancelled = true; } };
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way (timers may add timers). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance needs a non-negative number of ms, got ${ms}`);
    const end = this.time + ms;
    for (;;) {
      this.queue = this.queue.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.queue) if (p.at <= end && (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      if (next === undefined) break;
      this.time = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.time = end;
  }

  /** Timers waiting for time to pass. */
  pendingTimers(): number {
    return this.queue.filter((p) => !p.cancelled).length;
  }
}
