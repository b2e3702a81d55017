/**
 * What both examples share: `--bootstrap HOST:PORT` to use an existing Kafka cluster, otherwise a
 * minikafka broker started in this process (temporary data directory, free port); timestamped logs.
 */
import { startBroker, type RunningBroker } from '../src/index.js';

const startedMs = Date.now();

export function log(line: string): void {
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${seconds}s] ${line}\n`);
}

export function argValue(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const arg = argv[at]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
}

export interface Cluster {
  bootstrap: string;
  /** Ours to stop, or undefined when --bootstrap pointed elsewhere. */
  broker: RunningBroker | undefined;
  /** Topic names are unique on a shared cluster, fixed on our own broker. */
  topicName(base: string): string;
  close(): Promise<void>;
}

export async function openCluster(): Promise<Cluster> {
  const given = argValue('bootstrap');
  if (given !== undefined) {
    log(`using the Kafka cluster at ${given}`);
    const suffix = `-${process.pid}-${Date.now()}`;
    return { bootstrap: given, broker: undefined, topicName: (base) => base + suffix, close: async () => {} };
  }
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    config: {
      'minikafka.log.level': 'warn',
      // A crashed consumer's partitions move after this; Kafka's default (45 s) is long for a demo.
      'group.consumer.session.timeout.ms': 6000,
      'group.consumer.heartbeat.interval.ms': 1000,
      'group.min.session.timeout.ms': 3000,
    },
  });
  log(`minikafka broker on ${broker.bootstrap} (data in ${broker.dataDir})`);
  return { bootstrap: broker.bootstrap, broker, topicName: (base) => base, close: () => broker.close() };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 50 ms; false if it did not hold within `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Ends the process with a failure after `ms`, whatever is still running: examples are bounded. */
export function deadline(ms: number): void {
  setTimeout(() => {
    log(`FAILED: not done after ${ms / 1000} s`);
    process.exit(1);
  }, ms).unref();
}
