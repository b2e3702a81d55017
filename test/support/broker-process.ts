import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { cliPath } from './paths.js';
import { track, exited, stopChild, type Exit } from './children.js';

export interface BrokerProcess {
  bootstrap: string;
  host: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Every stdout line so far (JSON log lines from the broker). */
  readonly logs: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  stopped: Promise<Exit>;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL. */
  stop(graceMs?: number): Promise<Exit>;
}

export interface SpawnBrokerOptions {
  dataDir: string;
  config?: Record<string, string | number | boolean>;
  port?: number;
  startTimeoutMs?: number;
  /** More `minikafka start` arguments; with any, the default `--no-http` is left out. */
  args?: string[];
}

/**
 * Runs `minikafka start` as a child process (for restart and crash tests) and waits for its
 * `"msg":"listening"` log line. Rejects, with the broker's output, if it exits or is slow.
 */
export async function spawnBroker({ dataDir, config = {}, port = 0, startTimeoutMs = 15_000, args: extra }: SpawnBrokerOptions): Promise<BrokerProcess> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} not built: run npm run build`);
  const args = [cliPath, 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, ...(extra ?? ['--no-http'])];
  for (const [name, value] of Object.entries(config)) args.push('--set', `${name}=${value}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const logs: string[] = [];
  let stderrText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrText += chunk;
  });
  const stopped = exited(child);
  const lines = createInterface({ input: child.stdout });
  const listening = new Promise<{ host: string; port: number; bootstrap: string }>((resolve, reject) => {
    lines.on('line', (line) => {
      logs.push(line);
      const entry = parseJson(line);
      if (entry?.msg === 'listening' && typeof entry.port === 'number') {
        const host = typeof entry.host === 'string' ? entry.host : '127.0.0.1';
        const bootstrap = typeof entry.bootstrap === 'string' ? entry.bootstrap : `${host}:${entry.port}`;
        resolve({ host, port: entry.port, bootstrap });
      }
    });
    void stopped.then(({ code, signal }) =>
      reject(new Error(`broker exited (${code ?? signal}) before listening\nstdout:\n${logs.join('\n')}\nstderr:\n${stderrText}`)),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`broker not listening after ${startTimeoutMs} ms\nstdout:\n${logs.join('\n')}\nstderr:\n${stderrText}`)),
      startTimeoutMs,
    );
  });
  try {
    const address = await Promise.race([listening, timeout]);
    return {
      ...address,
      pid: child.pid!,
      dataDir,
      logs,
      stderr: () => stderrText,
      kill: (signal) => {
        child.kill(signal);
      },
      stopped,
      stop: (graceMs = 10_000) => stopChild(child, 'SIGTERM', graceMs),
    };
  } catch (error) {
    child.kill('SIGKILL');
    await stopped;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
