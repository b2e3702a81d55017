/** Limits derived from config, named with units last (STYLE habit 5). */
import type { BrokerConfig } from './config.js';

export interface Limits {
  frameBytesMax: number;
  connectionsMax: number;
  connectionsPerIpMax: number;
  connectionIdleMsMax: number;
  inFlightRequestsMax: number;
  batchBytesMax: number;
  /** Decompressed bytes of one batch at most (a 233 KB gzip batch of 20M records froze and then crashed the broker). */
  decompressedBytesMax: number;
  /** Partitions on the broker, all topics together: a hostile CreateTopics cannot make Metadata answers unbounded. */
  partitionsMax: number;
  fetchBytesMax: number;
  /** Topics one Metadata or Produce request may auto-create: a request naming 10,000 unknown topics froze the broker. */
  autoCreatedTopicsPerRequestMax: number;
  /** A Fetch never parks longer than this, whatever MaxWaitMs says. */
  fetchWaitMsMax: number;
}

export function limitsFrom(config: BrokerConfig): Limits {
  return {
    frameBytesMax: config.int('socket.request.max.bytes'),
    connectionsMax: config.int('max.connections'),
    connectionsPerIpMax: config.int('max.connections.per.ip'),
    connectionIdleMsMax: config.int('connections.max.idle.ms'),
    inFlightRequestsMax: config.int('queued.max.requests'),
    batchBytesMax: config.int('message.max.bytes'),
    decompressedBytesMax: config.int('minikafka.decompressed.bytes.max'),
    partitionsMax: config.int('max.partitions'),
    fetchBytesMax: config.int('fetch.max.bytes'),
    autoCreatedTopicsPerRequestMax: config.int('minikafka.auto.create.topics.per.request.max'),
    fetchWaitMsMax: config.int('minikafka.fetch.max.wait.ms'),
  };
}
