/**
 * The loopback listener REST consumer instances connect to (not in `listeners`, never advertised to
 * others). REST consumer instances are Kafka clients of this broker acting as the HTTP caller's
 * principal. They log in with SASL/PLAIN on this listener, whose "passwords" are secrets the broker mints
 * per user and keeps in memory (never a user's password), so every request they send is checked by the
 * broker's authorizer as `User:<name>`, like any Kafka client's: one place decides. (A name with "-"
 * cannot be a `listeners` name, so it never clashes with one.)
 *
 * It opens on first need, the first instance created, not with HTTP: a broker whose REST proxy never
 * makes a consumer has no extra socket. Creations at once share one opening; a failed one is not kept,
 * so the next creation tries again. BrokerServer.close closes it with the other listeners.
 */
import type { BrokerServer } from './server.js';
import type { BrokerState } from './state.js';
import type { ListenerSpec } from '../security/listeners.js';
import type { BoundListener } from '../security/session.js';

export const REST_CONSUMERS_LISTENER = 'MINIKAFKA-REST';

export interface RestConsumersLogin {
  /** "host:port" of the listener. */
  bootstrap: string;
  /** Its users: user name → the secret minted for them. */
  logins: Map<string, string>;
}

/** Returns the opener: resolves once the listener listens; memoized on success only. */
export function restConsumersListener(state: BrokerState, server: BrokerServer, port = 0): () => Promise<RestConsumersLogin> {
  const logins = new Map<string, string>();
  let registered = false;
  let opening: Promise<RestConsumersLogin> | undefined;
  const open = async (): Promise<RestConsumersLogin> => {
    if (!registered) {
      state.security.addInternalListener(REST_CONSUMERS_LISTENER, logins);
      registered = true;
    }
    const spec: ListenerSpec = { name: REST_CONSUMERS_LISTENER, protocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port };
    const bound: BoundListener = { name: spec.name, protocol: spec.protocol, advertised: { host: '127.0.0.1', port } };
    const addr = await server.listen(spec, '127.0.0.1', port, bound);
    bound.advertised = { host: addr.host, port: addr.port };
    return { bootstrap: `${addr.host}:${addr.port}`, logins };
  };
  return () => {
    opening ??= open().catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
}
