// Who an HTTP request is, and what it may do. HTTP Basic with the broker's Kafka users (PLAIN users of
// the JAAS config, SCRAM credentials: src/security/password-check.ts), and the broker's own authorizer
// for every REST and console call, as principal `User:<name>` from the client's address, with the
// operation the equivalent Kafka request needs.
//
// minikafka.http.authentication.method: BASIC (always), NONE (never: every call is User:ANONYMOUS, as
// on a PLAINTEXT Kafka listener, and the authorizer still decides), or AUTO (the default): BASIC as soon
// as the broker has an authorizer or any user (JAAS PLAIN users, or a SCRAM credential, checked per
// request, so the first `minikafka users add` turns it on). Open in every mode: /livez, /readyz and
// /openapi.json. /metrics needs a valid user when authentication is on (no ACL: it is the broker's own
// figures, as JMX is outside Kafka's ACLs); Prometheus sends one with `basic_auth` in its scrape config.
import type { IncomingMessage } from 'node:http';
import type { BrokerState } from '../broker/state.js';
import { AclOperation, CLUSTER_NAME, ResourceType, type OperationName, type ResourceTypeName } from '../security/acl.js';
import { ANONYMOUS } from '../security/principal.js';
import { HttpError, clip } from './errors.js';

export const REALM = 'minikafka';
/** Paths served to anyone, whatever the authentication method. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/livez', '/readyz', '/openapi.json']);
const HEADER_BYTES_MAX = 4096;

export type AuthenticationMethod = 'BASIC' | 'NONE' | 'AUTO';

export class Unauthenticated extends HttpError {
  constructor(message: string) {
    super(401, message, 401);
  }
}

/** Confluent's REST Proxy answers an ACL refusal with 403 and error code 40301. */
export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, message, 40301);
  }
}

/** What one request may do: its principal and client host, decided by the broker's authorizer. */
export class HttpAccess {
  constructor(private readonly broker: BrokerState, readonly principal: string, readonly host: string) {}

  /** The user name inside the principal (`User:alice` → `alice`). */
  get user(): string {
    return this.principal.slice(this.principal.indexOf(':') + 1);
  }

  can(operation: OperationName, type: ResourceTypeName, name: string = CLUSTER_NAME): boolean {
    const authorizer = this.broker.security.authorizer;
    if (authorizer === undefined) return true;
    const ok = authorizer.authorize(this.principal, this.host, AclOperation[operation], ResourceType[type], name);
    if (!ok) this.broker.log.debug({ principal: clip(this.principal, 256), operation, resourceType: type, resource: clip(name, 256), via: 'http' }, 'denied');
    return ok;
  }

  /** A 403 unless allowed; the message names the resource as Kafka's authorization exceptions do. */
  require(operation: OperationName, type: ResourceTypeName, name: string = CLUSTER_NAME): void {
    if (this.can(operation, type, name)) return;
    if (type === 'TOPIC') throw new Forbidden(`Not authorized to access topics: [${clip(name)}]`);
    if (type === 'GROUP') throw new Forbidden(`Not authorized to access group: ${clip(name)}`);
    throw new Forbidden(`Cluster authorization failed: ${operation} on the cluster is not allowed for ${clip(this.principal)}.`);
  }

  /** Kafka's CreateTopics (and auto-creation): CREATE on the cluster, or on the topic. */
  canCreateTopic(name: string): boolean {
    return this.can('CREATE', 'CLUSTER') || this.can('CREATE', 'TOPIC', name);
  }

  requireCreateTopic(name: string): void {
    if (!this.canCreateTopic(name)) throw new Forbidden(`Not authorized to access topics: [${clip(name)}]`);
  }
}

export function authenticationMethod(broker: BrokerState): AuthenticationMethod {
  const m = broker.config.string('minikafka.http.authentication.method').trim().toUpperCase();
  if (m === 'BASIC' || m === 'NONE' || m === 'AUTO') return m;
  throw new Error(`assertion failed: minikafka.http.authentication.method ${clip(m, 20)} passed validation`);
}

/** Whether requests must authenticate now (AUTO: the broker has an authorizer or users). */
export function authenticationRequired(broker: BrokerState): boolean {
  const method = authenticationMethod(broker);
  if (method !== 'AUTO') return method === 'BASIC';
  return broker.security.authorizer !== undefined || broker.security.passwords.hasUsers();
}

/**
 * The request's access: User:ANONYMOUS when authentication is off, else the Basic credentials' user.
 * Missing or wrong credentials: Unauthenticated (a wrong password after Kafka's
 * connection.failed.authentication.delay.ms, which slows guessing).
 */
export async function authenticate(broker: BrokerState, req: IncomingMessage): Promise<HttpAccess> {
  const host = req.socket.remoteAddress ?? '';
  if (!authenticationRequired(broker)) return new HttpAccess(broker, ANONYMOUS, host);
  const header = req.headers.authorization;
  if (header === undefined) throw new Unauthenticated('Authentication required: HTTP Basic with a Kafka user\'s name and password.');
  const m = header.length <= HEADER_BYTES_MAX ? /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header) : null;
  const decoded = m === null ? '' : Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new Unauthenticated('Malformed Authorization header: HTTP Basic expected.');
  const user = decoded.slice(0, colon);
  const principal = await broker.security.passwords.verify(user, decoded.slice(colon + 1));
  if (principal === undefined) {
    broker.log.info({ user: clip(user, 64), remote: host }, 'http authentication failed');
    await new Promise((r) => setTimeout(r, broker.config.int('connection.failed.authentication.delay.ms')));
    throw new Unauthenticated('Authentication failed: invalid username or password.');
  }
  return new HttpAccess(broker, principal, host);
}
