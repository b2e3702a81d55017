/** Starts an in-process broker on 127.0.0.1 with a free port and a log sink the test can read. */
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { kafkaTarget, startKafkaTarget } from '../support/kafka-target.js';

export interface TestBroker extends RunningBroker {
  /** Parsed log lines, warn and above unless `logLevel` says otherwise. */
  logs: Record<string, unknown>[];
  /** Characters of log output written so far (every level). */
  logChars(): number;
}

export async function startTestBroker(config: Record<string, string | number | boolean> = {}, dataDir?: string): Promise<TestBroker> {
  if (kafkaTarget && dataDir === undefined) return kafkaTestBroker(config);
  const logs: Record<string, unknown>[] = [];
  let chars = 0;
  const logger = createLogger('debug', (line) => {
    chars += line.length;
    logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir, config, logger });
  return Object.assign(broker, { logs, logChars: () => chars });
}

/**
 * MINIKAFKA_INTEROP_TARGET=kafka: a fresh Apache Kafka node in place of the in-process broker. Only
 * the address and close() are real; a test that reads the broker's insides fails on the stand-ins
 * (state, clock) and is skipped there with onlyMinikafka().
 */
async function kafkaTestBroker(config: Record<string, string | number | boolean>): Promise<TestBroker> {
  const kafka = await startKafkaTarget(config);
  const node = kafka.nodes[0]!;
  const missing = (what: string) => (): never => {
    throw new Error(`the Apache Kafka target has no ${what}`);
  };
  return {
    host: node.host,
    port: node.port,
    bootstrap: kafka.bootstrap,
    dataDir: kafka.dataDir,
    logs: [],
    logChars: () => 0,
    httpUrl: undefined,
    connectionStats: missing('connectionStats()'),
    close: () => kafka.stop(),
  } as unknown as TestBroker;
}
