// A sleep that can be cut short: background loops wait on it and `wake()` ends the wait at once.
export class Waiter {
  private pending: { timer: NodeJS.Timeout; resolve: () => void }[] = [];

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending = this.pending.filter((e) => e !== entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pending.push(entry);
    });
  }

  /** Ends every current sleep. */
  wake(): void {
    const all = this.pending;
    this.pending = [];
    for (const e of all) {
      clearTimeout(e.timer);
      e.resolve();
    }
  }
}
