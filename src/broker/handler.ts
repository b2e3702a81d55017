/** What every API handler sees and returns. Handlers never touch bytes: they get decoded requests and return response objects. */
import { apiMessages, type ApiKey, type ApiRequest, type ApiResponse } from '../protocol/generated/index.js';
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

/** Only Produce may send no response (acks=0); every other API answers. */
type NoResponse<K extends ApiKey> = K extends typeof ApiKey.Produce ? null : never;

/** A handler's answer: the complete response for its key (encoded by the generated codec for the request's version). */
export type HandlerResult<K extends ApiKey> = ApiResponse<K> | NoResponse<K> | Promise<ApiResponse<K> | NoResponse<K>>;

/** A handler serves one API key over a version range; the types tie key K to its request and response. */
export interface TypedApiHandler<K extends ApiKey> {
  readonly apiKey: K;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: ApiRequest<K>, ctx: RequestContext): HandlerResult<K>;
}

/** A typed handler for some key: what the registry accepts. */
export type AnyApiHandler = { [K in ApiKey]: TypedApiHandler<K> }[ApiKey];

/**
 * A handler seen from outside its key: how the connection calls it (with a request decoded by the
 * codec of that key) and what the registry's wrappers (metrics, traces, fault injection) hold.
 */
export interface ApiHandler {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: unknown, ctx: RequestContext): unknown;
}

export interface HandlerSpec<K extends ApiKey> {
  minVersion: number;
  maxVersion: number;
  handle(request: ApiRequest<K>, ctx: RequestContext): HandlerResult<K>;
}

/**
 * Declares the handler for `apiKey`: `handle` receives that key's decoded request and must return its
 * complete response (fields without a schema default are required). The name is the schema's.
 */
export function defineHandler<K extends ApiKey>(apiKey: K, spec: HandlerSpec<K>): TypedApiHandler<K> {
  const name = apiMessages[apiKey]?.name;
  if (name === undefined) throw new Error(`no schema for api key ${apiKey}`);
  return { apiKey, name, minVersion: spec.minVersion, maxVersion: spec.maxVersion, handle: spec.handle };
}
