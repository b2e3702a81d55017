/**
 * A one-line progress bar for `produce --file`, redrawn at most every 100 ms on stderr, and only when
 * stderr is a terminal: piped or captured output (CI logs, tests) never sees control characters.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export class ProgressBar {
  private readonly enabled: boolean;
  private lastDrawMs = 0;
  private drawn = false;
  private readonly startMs = Date.now();

  constructor(
    private readonly totalBytes: number,
    private readonly stream: ProgressStream = process.stderr,
    enabled: boolean = stream.isTTY === true,
    private readonly redrawIntervalMs = 100,
  ) {
    this.enabled = enabled && totalBytes > 0;
  }

  update(doneBytes: number, messages: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDrawMs < this.redrawIntervalMs) return;
    this.lastDrawMs = now;
    this.drawn = true;
    this.stream.write(`\r${this.render(doneBytes, messages, now)}\x1b[K`);
  }

  /** Draws the final state and ends the line. */
  finish(doneBytes: number, messages: number): void {
    if (!this.enabled) return;
    this.update(doneBytes, messages, true);
    if (this.drawn) this.stream.write('\n');
  }

  render(doneBytes: number, messages: number, nowMs = Date.now()): string {
    const fraction = Math.min(1, this.totalBytes === 0 ? 1 : doneBytes / this.totalBytes);
    const seconds = Math.max(0.001, (nowMs - this.startMs) / 1000);
    const tail = ` ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(doneBytes)}/${formatBytes(this.totalBytes)} ${messages} msgs ${Math.round(messages / seconds)} msg/s`;
    const width = Math.max(10, Math.min(40, (this.stream.columns || 80) - tail.length - 3));
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
