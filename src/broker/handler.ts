/** What every API handler sees and returns. Handlers never touch bytes: they get decoded requests and return response objects. */
import type { Logger } from './logger.js';
import type { BrokerState } from './state.js';
import type { SecuritySession } from '../security/session.js';

export interface RequestContext {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  /** "host:port" of the client, for logs. */
  remote: string;
  broker: BrokerState;
  log: Logger;
  /** The connection's listener, principal and SASL state. */
  session: SecuritySession;
}

/**
 * A handler serves one API key over a version range. `handle` returns the response object
 * (encoded by the generated codec for the request's version), or `null` when the protocol
 * sends no response (Produce with acks=0).
 */
export interface ApiHandler {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handle(request: any, ctx: RequestContext): unknown | Promise<unknown>;
}
