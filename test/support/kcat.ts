import { spawn } from 'node:child_process';
import { track, exited } from './children.js';

export interface KcatResult {
  stdout: string;
  /** stdout as bytes, for binary output formats. */
  stdoutBytes: Buffer;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

export interface KcatOptions {
  input?: string | Buffer;
  timeoutMs: number;
}

/**
 * Runs kcat with a hard timeout (SIGKILL at the deadline) and collects its output.
 * Never rejects for a non-zero exit: callers assert on `code` and `stderr`.
 */
export async function runKcat(args: readonly string[], { input, timeoutMs }: KcatOptions): Promise<KcatResult> {
  const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  child.stdin.on('error', () => {}); // kcat may exit before reading all input
  child.stdin.end(input ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const { code, signal } = await Promise.race([exited(child), spawnError]);
    await Promise.all([streamDone(child.stdout), streamDone(child.stderr)]);
    const stdoutBytes = Buffer.concat(out);
    return {
      stdout: stdoutBytes.toString('utf8'),
      stdoutBytes,
      stderr: Buffer.concat(err).toString('utf8'),
      code,
      signal,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

function streamDone(stream: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean }): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

/** Throws with kcat's stderr when it failed or timed out; returns stdout. */
export function kcatOk(result: KcatResult, what: string): string {
  if (result.timedOut || result.code !== 0) {
    const why = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`;
    throw new Error(`kcat ${what} ${why}\nstderr:\n${result.stderr}\nstdout:\n${result.stdout.slice(0, 2000)}`);
  }
  return result.stdout;
}
