/** minikafka's public API: the embeddable broker (and, later, the client). */
export { startBroker, type StartBrokerOptions, type RunningBroker } from './broker/broker.js';
export { BrokerConfig, configDefs } from './broker/config.js';
export { createLogger, type Logger, type LogLevel } from './broker/logger.js';
export { murmur2, partitionForKey } from './partitioner.js';
export * from './client/index.js';
