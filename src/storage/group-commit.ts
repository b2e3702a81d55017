// Group commit: flush() calls made while a flush runs share one follow-up flush, so one fdatasync
// covers every batch that arrived meanwhile (invariant 3).

export class GroupCommit {
  private flushing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  /** `run` makes durable every append made before it started. */
  constructor(private readonly run: () => Promise<void>) {}

  /** True while a flush runs or one is queued behind it. */
  get busy(): boolean {
    return this.flushing !== undefined || this.queued !== undefined;
  }

  /** The flush running now, if any. */
  get current(): Promise<void> | undefined {
    return this.flushing;
  }

  flush(): Promise<void> {
    if (this.flushing === undefined) return this.start();
    if (this.queued === undefined) {
      const queued = this.flushing
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.flushing ?? this.start();
        });
      this.queued = queued;
    }
    return this.queued;
  }

  /** Waits until no flush runs or is queued (failures included). */
  async settle(): Promise<void> {
    while (this.busy) await Promise.allSettled([this.flushing, this.queued]);
  }

  private start(): Promise<void> {
    const p = this.run().finally(() => {
      if (this.flushing === p) this.flushing = undefined;
    });
    this.flushing = p;
    return p;
  }
}
