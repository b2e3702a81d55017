// One broker for a whole test run, shared by every test file and worker: started by the runner's
// global setup, found by tests through MINIKAFKA_BOOTSTRAP (workers inherit the environment of the
// process that starts them), stopped by the global teardown.
//
//   Jest    jest.config: { globalSetup: 'minikafka/testing/jest-setup', globalTeardown: 'minikafka/testing/jest-teardown' }
//           or your own files: module.exports = require('minikafka/testing').jestGlobalSetup
//   Vitest  vitest.config: { test: { globalSetup: ['minikafka/testing/vitest-setup'] } }
//   any     npx minikafka run -- node --test       (starts a broker, runs the command, stops it)
//
// Tests call testBootstrap() and name their topics and groups through a TestNamespace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '../broker/broker.js';
import { createLogger } from '../broker/logger.js';
import { TEST_BROKER_CONFIG } from './test-config.js';

/** The environment variable that carries the shared broker's "host:port" to test workers. */
export const BOOTSTRAP_ENV = 'MINIKAFKA_BOOTSTRAP';

export interface SharedBrokerOptions {
  /** Broker configs, Kafka names (e.g. `{ 'num.partitions': 3 }`). */
  config?: Record<string, string | number | boolean>;
  /** Default: a temporary directory, removed at stop. */
  dataDir?: string;
}

export interface SharedBroker {
  bootstrap: string;
  broker: RunningBroker;
  stop(): Promise<void>;
}

/** Starts a broker on a free port and publishes its address in MINIKAFKA_BOOTSTRAP. */
export async function startSharedBroker(options: SharedBrokerOptions = {}): Promise<SharedBroker> {
  const temporary = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'minikafka-tests-')) : undefined;
  const broker = await startBroker({
    host: '127.0.0.1', port: 0, dataDir: options.dataDir ?? temporary!,
    config: { ...TEST_BROKER_CONFIG, ...options.config },
    logger: createLogger('warn', (line) => process.stderr.write(line)),
  });
  process.env[BOOTSTRAP_ENV] = broker.bootstrap;
  let stopping: Promise<void> | undefined;
  return {
    bootstrap: broker.bootstrap,
    broker,
    stop: () => (stopping ??= (async () => {
      try {
        await broker.close();
      } finally {
        if (process.env[BOOTSTRAP_ENV] === broker.bootstrap) delete process.env[BOOTSTRAP_ENV];
        if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
      }
    })()),
  };
}

/** The shared broker's address; throws with set-up instructions when no global setup ran. */
export function testBootstrap(): string {
  const bootstrap = process.env[BOOTSTRAP_ENV];
  if (bootstrap === undefined || bootstrap === '') {
    throw new Error(`${BOOTSTRAP_ENV} is not set: start the shared broker in your runner's global setup (jestGlobalSetup, vitestGlobalSetup) or run the tests under \`minikafka run -- <command>\``);
  }
  return bootstrap;
}

// Jest runs globalSetup and globalTeardown in one process: the broker is kept on globalThis between them.
const KEY = Symbol.for('minikafka.testing.sharedBroker');
type Holder = { [KEY]?: SharedBroker };

/** Jest `globalSetup`: starts the shared broker. */
export async function jestGlobalSetup(): Promise<void> {
  (globalThis as Holder)[KEY] = await startSharedBroker();
}

/** Jest `globalTeardown`: stops it. */
export async function jestGlobalTeardown(): Promise<void> {
  const shared = (globalThis as Holder)[KEY];
  delete (globalThis as Holder)[KEY];
  await shared?.stop();
}

/**
 * Vitest `globalSetup`: starts the shared broker, `provide`s its address as 'minikafkaBootstrap'
 * (read with `inject('minikafkaBootstrap')`), and returns the teardown.
 */
export async function vitestGlobalSetup(context?: { provide?: (key: string, value: unknown) => void }): Promise<() => Promise<void>> {
  const shared = await startSharedBroker();
  context?.provide?.('minikafkaBootstrap', shared.bootstrap);
  return () => shared.stop();
}
