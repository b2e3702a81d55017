/**
 * minikafka/testing: a real Kafka-protocol broker for test suites, in-process and in milliseconds.
 *
 * - `KafkaContainer`: a drop-in for @testcontainers/kafka (same builder and getters, no Docker).
 * - `startSharedBroker`, `jestGlobalSetup`/`jestGlobalTeardown`, `vitestGlobalSetup`, `testBootstrap`:
 *   one broker per test run, found by workers through MINIKAFKA_BOOTSTRAP.
 * - `TestNamespace` and `resetCluster`: isolated topic and group names per test, and clean-up.
 * - `waitFor`, `waitForRecords`, `waitForCommittedOffset`, `waitForGroupStable`, `waitForLagZero`:
 *   polling helpers whose timeout errors say what was expected and what was last seen.
 */
export { KafkaContainer, StartedKafkaContainer, KAFKA_PORT, configNameFromEnv, type SaslSslListenerOptions } from './kafka-container.js';
export {
  BOOTSTRAP_ENV, startSharedBroker, testBootstrap, jestGlobalSetup, jestGlobalTeardown, vitestGlobalSetup,
  type SharedBroker, type SharedBrokerOptions,
} from './shared-broker.js';
export { TestNamespace, resetCluster, type ResetOptions } from './namespace.js';
export {
  waitFor, waitForRecords, waitForCommittedOffset, waitForGroupStable, waitForLagZero, WaitTimeoutError,
  type WaitOptions, type WaitForRecordsOptions,
} from './wait-for.js';
export { ProtocolTrace, traceLine, traceToFile, type TraceEntry, type TraceFilter } from '../broker/protocol-trace.js';
export { TestClock } from './clock.js';
export { Faults, InjectedDisconnect, type FaultRule, type FaultAction, type ActiveFault, type ApiRef } from './faults.js';
export { startBroker, type RunningBroker, type StartBrokerOptions } from '../broker/broker.js';
