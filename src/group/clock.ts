/**
 * Time for the coordinator: every session, rebalance and join timer goes through a Scheduler so that
 * unit tests drive time by hand (ManualScheduler) and the broker uses real timers (realScheduler).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  now(): number;
  /** Runs fn once after delayMs (>= 0). */
  schedule(delayMs: number, fn: () => void): TimerHandle;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Deterministic time for tests: advance(ms) fires due timers in order. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private queue: Pending[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const p: Pending = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.queue.push(p);
    return { cancel: () => { p.cancelled = true; } };
  }

  /** Moves time forward, running every timer that falls due (timers may schedule more). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
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

  pendingTimers(): number {
    return this.queue.filter((p) => !p.cancelled).length;
  }
}
