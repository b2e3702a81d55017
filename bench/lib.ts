/** Helpers for bench/run.ts: the load generator's build and runs, /proc readings, the start-up probe. */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { cliPath, distDir, repoRoot } from '../test/support/paths.js';
import { track } from '../test/support/children.js';

export const loadgenPath = join(distDir, 'bench', 'loadgen');
const loadgenSource = join(repoRoot, 'bench', 'loadgen.c');

export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const rdkafkaHeader = '/usr/include/librdkafka/rdkafka.h';

function have(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles bench/loadgen.c. librdkafka-dev and a C compiler are installed with apt-get when we run
 * as root and apt is there (CI, fresh containers); otherwise the reason is returned and the phases
 * that need librdkafka are reported as not measured.
 */
export function buildLoadgen(): string | undefined {
  const missing = (): string[] => [...(have('cc') ? [] : ['cc']), ...(existsSync(rdkafkaHeader) ? [] : ['librdkafka-dev'])];
  if (missing().length > 0 && process.getuid?.() === 0 && have('apt-get')) {
    progress(`installing ${missing().join(', ')} with apt-get (running as root)`);
    try {
      execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
      execFileSync('apt-get', ['install', '-y', '-q', 'librdkafka-dev', 'gcc', 'libc6-dev'], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 600_000,
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (error) {
      progress(`apt-get failed: ${(error as Error).message}`);
    }
  }
  if (missing().length > 0) {
    return `${missing().join(' and ')} missing: install with 'sudo apt-get install -y librdkafka-dev gcc' (Debian/Ubuntu) and rerun`;
  }
  if (existsSync(loadgenPath) && statSync(loadgenPath).mtimeMs >= statSync(loadgenSource).mtimeMs) return undefined;
  mkdirSync(join(distDir, 'bench'), { recursive: true });
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', loadgenPath, loadgenSource, '-lrdkafka', '-lpthread'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    return `compiling bench/loadgen.c failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`;
  }
  return undefined;
}

export type LoadgenResult = Record<string, unknown> & { exitCode: number };

/** Runs the load generator; its JSON line is the result. Killed after `timeoutMs`. */
export function loadgen(args: string[], timeoutMs = 90_000): Promise<LoadgenResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(loadgenPath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        const exitCode = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ ...parsed, exitCode: typeof exitCode === 'number' ? exitCode : 1 });
      } catch {
        reject(new Error(`loadgen ${args[0]} ${args.join(' ')}: no result (${error?.message ?? ''})\n${stderr}`));
      }
    });
    track(child);
  });
}

const clockTicksPerSec = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSec;
}

export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Samples a process's RSS every `intervalMs` and keeps the largest. */
export class RssSampler {
  maxBytes = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number, intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }
  sample(): void {
    try {
      this.maxBytes = Math.max(this.maxBytes, rssBytes(this.pid));
    } catch {
      /* the process is gone */
    }
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.maxBytes;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** p50/p99 of an fdatasync after writing 64 KiB, in the directory the broker writes to. */
export function fsyncProbe(dir: string, iterations = 200): { p50Ms: number; p99Ms: number; maxMs: number } {
  const path = join(dir, `fsync-probe-${process.pid}`);
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 7);
  const times: number[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      writeSync(fd, chunk);
      const t0 = process.hrtime.bigint();
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1]! };
}

/** An ApiVersions v0 request frame (client id "bench"). */
export function apiVersionsFrame(correlationId: number): Buffer {
  const clientId = Buffer.from('bench');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Connects and resolves once one ApiVersions answer (any complete frame) came back. */
export function apiVersionsOnce(port: number, keepOpen = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = 0;
    let need = -1;
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      if (need < 0 && chunk.length >= 4) need = chunk.readInt32BE(0) + 4;
      got += chunk.length;
      if (need >= 0 && got >= need) {
        socket.removeAllListeners('data');
        if (!keepOpen) socket.destroy();
        resolve(socket);
      }
    });
    socket.once('connect', () => socket.write(apiVersionsFrame(1)));
  });
}

/** Milliseconds from exec of `minikafka start` to its first ApiVersions answer. */
export async function measureStartup(dataDir: string, port: number, timeoutMs = 30_000): Promise<{ ms: number; pid: number }> {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [cliPath, 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, '--http-port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  track(child);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode} during start-up`);
    try {
      await apiVersionsOnce(port);
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, pid: child.pid! };
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`no ApiVersions answer after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

/** Sends `signal` to a pid and waits until it is gone. */
export async function killAndWait(pid: number, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  let deadline = Date.now() + timeoutMs;
  while (existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z')) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      deadline = Infinity;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
