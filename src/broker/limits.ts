/** Limits derived from config, named with units last (STYLE habit 5). */
import type { BrokerConfig } from './config.js';

export interface Limits {
  frameBytesMax: number;
  connectionsMax: number;
  connectionsPerIpMax: number;
  connectionIdleMsMax: number;
  inFlightRequestsMax: number;
  batchBytesMax: number;
  fetchBytesMax: number;
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
    fetchBytesMax: config.int('fetch.max.bytes'),
    fetchWaitMsMax: 30_000,
  };
}
