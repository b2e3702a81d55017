import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { distDir, repoRoot } from './paths.js';
import { track, exited, stopChild } from './children.js';

const execFileAsync = promisify(execFile);

const sourcePath = join(repoRoot, 'test', 'support', 'mock-cluster.c');
const binaryPath = join(distDir, 'test', 'support', 'mock-cluster');

let building: Promise<string> | undefined;

/** Compiles test/support/mock-cluster.c against librdkafka when the binary is missing or stale. */
export function buildMockCluster(): Promise<string> {
  building ??= build().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

async function build(): Promise<string> {
  if (existsSync(binaryPath) && statSync(binaryPath).mtimeMs >= statSync(sourcePath).mtimeMs) return binaryPath;
  mkdirSync(join(distDir, 'test', 'support'), { recursive: true });
  const tmp = `${binaryPath}.${process.pid}.tmp`;
  try {
    await execFileAsync('cc', ['-O1', '-Wall', '-o', tmp, sourcePath, '-lrdkafka'], { timeout: 60_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`compiling ${sourcePath} failed (is librdkafka-dev installed?)\n${stderr}`);
  }
  renameSync(tmp, binaryPath); // atomic: a concurrent test process never runs a half-written binary
  return binaryPath;
}

export interface MockCluster {
  bootstrap: string;
  pid: number;
  /** Creates a topic (the mock has no CreateTopics API). */
  createTopic(name: string, partitions: number): Promise<void>;
  /** Narrows the version range the mock advertises for one API key. */
  setApiVersion(apiKey: number, min: number, max: number): Promise<void>;
  /** The next `count` requests of `apiKey` (on any broker) fail with Kafka error `errorCode`. */
  pushRequestErrors(apiKey: number, errorCode: number, count: number): Promise<void>;
  /** Moves a partition's leader to broker `brokerId` (the data stays). */
  setPartitionLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  close(): Promise<void>;
}

export interface MockClusterOptions {
  /**
   * Default 1: the interop suites run on the mock target (test/support/target.ts) assert a single
   * broker. Pass 3 for a cluster whose partition leaders sit on different brokers
   * (test/client/mock-cluster.test.ts does).
   */
  brokers?: number;
  topics?: Record<string, number>;
  startTimeoutMs?: number;
}

/** Starts librdkafka's mock cluster (an independent Kafka implementation) as a child process. */
export async function startMockCluster({ brokers = 1, topics = {}, startTimeoutMs = 30_000 }: MockClusterOptions = {}): Promise<MockCluster> {
  const binary = await buildMockCluster();
  const args = [String(brokers), ...Object.entries(topics).map(([name, n]) => `${name}:${n}`)];
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  child.stdin.on('error', () => {});
  let stderrText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrText += chunk;
  });
  const stopped = exited(child);
  const replies: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let onBootstrap: ((bootstrap: string) => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('bootstrap ')) {
      onBootstrap?.(line.slice('bootstrap '.length).trim());
      return;
    }
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else replies.push(line);
  });
  let timer: NodeJS.Timeout | undefined;
  const bootstrap = await Promise.race([
    new Promise<string>((resolve) => {
      onBootstrap = resolve;
    }),
    stopped.then(({ code, signal }) => {
      throw new Error(`mock cluster exited (${code ?? signal}) before start: ${stderrText} ${replies.join('\n')}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`mock cluster not up after ${startTimeoutMs} ms: ${stderrText}`)), startTimeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));

  // Commands are answered in order, one line each.
  const command = (line: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`mock cluster: no reply to '${line}'`)), 5_000);
      waiters.push((reply) => {
        clearTimeout(t);
        resolve(reply);
      });
      child.stdin.write(`${line}\n`);
    });

  return {
    bootstrap,
    pid: child.pid!,
    async createTopic(name, partitions) {
      const reply = await command(`create ${name} ${partitions}`);
      if (!reply.startsWith('ok ')) throw new Error(`mock cluster: ${reply}`);
    },
    async setApiVersion(apiKey, min, max) {
      const reply = await command(`apiversion ${apiKey} ${min} ${max}`);
      if (!reply.startsWith('ok ')) throw new Error(`mock cluster: ${reply}`);
    },
    async pushRequestErrors(apiKey, errorCode, count) {
      const reply = await command(`error ${apiKey} ${errorCode} ${count}`);
      if (!reply.startsWith('ok ')) throw new Error(`mock cluster: ${reply}`);
    },
    async setPartitionLeader(topic, partition, brokerId) {
      const reply = await command(`leader ${topic} ${partition} ${brokerId}`);
      if (!reply.startsWith('ok ')) throw new Error(`mock cluster: ${reply}`);
    },
    async close() {
      child.stdin.end();
      await stopChild(child, 'SIGTERM', 5_000);
    },
  };
}
