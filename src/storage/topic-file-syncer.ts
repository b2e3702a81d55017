// TopicFileSyncer: makes new topics durable off the event loop (see topic-store.ts for why), in
// batches: every topic.json added while a pass runs is fsynced by the next pass, with its topic dir,
// and the data dir once per pass.
import type { StorageFs } from './fs.js';

/** fsyncs in flight at once: each holds a descriptor while it runs. */
const SYNC_CONCURRENCY = 16;

export class TopicFileSyncer {
  private pending: string[] = [];
  private next: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  private running = false;

  constructor(
    private readonly fs: StorageFs,
    private readonly dataDir: string,
  ) {}

  /** Resolves once `topicDir`'s topic.json and both dir entries are durable. */
  add(topicDir: string): Promise<void> {
    this.pending.push(topicDir);
    if (this.next === undefined) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => undefined); // observed by the caller; never an unhandled rejection
      this.next = { promise, resolve, reject };
      if (!this.running) setImmediate(() => void this.run());
    }
    return this.next.promise;
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.next !== undefined) {
      const batch = this.pending;
      const waiters = this.next;
      this.pending = [];
      this.next = undefined;
      try {
        // A bounded number at a time: each holds a descriptor while its fsync runs.
        for (let i = 0; i < batch.length; i += SYNC_CONCURRENCY) {
          await Promise.all(batch.slice(i, i + SYNC_CONCURRENCY).map((dir) => this.syncTopic(dir)));
        }
        await this.fs.syncDir(this.dataDir);
        waiters.resolve();
      } catch (err) {
        waiters.reject(err);
      }
    }
    this.running = false;
  }

  private async syncTopic(dir: string): Promise<void> {
    // Deleted meanwhile: nothing left to make durable.
    if (!this.fs.exists(dir)) return;
    const fd = this.fs.open(`${dir}/topic.json`, 'r');
    try {
      await this.fs.fsync(fd);
    } finally {
      this.fs.close(fd);
    }
    await this.fs.syncDir(dir);
  }
}
