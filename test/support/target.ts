import { startMockCluster, type MockCluster } from './mock-cluster.js';
import { startKafkaTarget } from './kafka-target.js';

/**
 * Interop suites run against our broker by default, against librdkafka's mock cluster (an
 * independent Kafka implementation) with MINIKAFKA_INTEROP_TARGET=mock, which validates the
 * client-side test code itself (the mock has no CreateTopics/DeleteTopics and keeps data in
 * memory), or against Apache Kafka with MINIKAFKA_INTEROP_TARGET=kafka (`npm run test:kafka`).
 */
export type TargetKind = 'minikafka' | 'mock' | 'kafka';

const requested = process.env.MINIKAFKA_INTEROP_TARGET;
export const targetKind: TargetKind = requested === 'mock' || requested === 'kafka' ? requested : 'minikafka';

export interface Target {
  kind: TargetKind;
  bootstrap: string;
  host: string;
  port: number;
  /** Present on the mock target: the side channel for creating topics. */
  mock?: MockCluster;
  close(): Promise<void>;
}

export interface TargetOptions {
  config?: Record<string, string | number>;
  /** Topics the mock cluster creates at start (our broker gets them through each client's admin API). */
  mockTopics?: Record<string, number>;
}

export async function startTarget({ config = {}, mockTopics = {} }: TargetOptions = {}): Promise<Target> {
  if (targetKind === 'mock') {
    const mock = await startMockCluster({ topics: mockTopics });
    const [host, port] = splitHostPort(mock.bootstrap.split(',')[0]!);
    return { kind: 'mock', bootstrap: mock.bootstrap, host, port, mock, close: () => mock.close() };
  }
  if (targetKind === 'kafka') {
    const kafka = await startKafkaTarget(config);
    const [host, port] = splitHostPort(kafka.bootstrap);
    return { kind: 'kafka', bootstrap: kafka.bootstrap, host, port, close: () => kafka.stop() };
  }
  const { startBroker } = await import('../../src/index.js');
  // The in-process broker logs to our stdout; keep test output to warnings unless asked.
  const logLevel = process.env.MINIKAFKA_TEST_LOG_LEVEL ?? 'warn';
  const broker = await startBroker({ host: '127.0.0.1', port: 0, config: { 'minikafka.log.level': logLevel, ...config } });
  return {
    kind: 'minikafka',
    bootstrap: broker.bootstrap,
    host: broker.host,
    port: broker.port,
    close: () => broker.close(),
  };
}

/** A reason to skip a test on the mock target, or false to run it. */
export function unsupportedOnMock(reason: string): string | false {
  return targetKind === 'mock' ? `librdkafka mock cluster: ${reason}` : false;
}

export function splitHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

let counter = 0;
/** A topic name unique in this process, so tests never see each other's data. */
export function uniqueTopic(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
