/**
 * SASL/PLAIN (RFC 4616): one token `authzid NUL authcid NUL password`. Users come from Kafka's JAAS
 * line, `org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";`,
 * as Kafka's PlainServerCallbackHandler reads it. PLAIN sends the password in clear: use it over TLS.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { SecurityConfigError } from '../listeners.js';
import { SaslAuthenticationError, type SaslServer, type SaslStep } from './mechanism.js';
import { userPrincipal } from '../principal.js';

const PLAIN_TOKEN_BYTES_MAX = 4096;

/** Parses the `user_<name>="<password>"` options of a JAAS line; other options are ignored, as Kafka does. */
export function plainUsersFromJaas(jaas: string): Map<string, string> {
  const users = new Map<string, string>();
  if (jaas.trim() === '') return users;
  if (!/PlainLoginModule/.test(jaas)) {
    throw new SecurityConfigError('sasl.jaas.config for PLAIN must name org.apache.kafka.common.security.plain.PlainLoginModule');
  }
  const re = /([A-Za-z0-9_.-]+)\s*=\s*"((?:\\.|[^"\\])*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(jaas)) !== null) {
    const key = m[1]!;
    if (key.startsWith('user_')) users.set(key.slice('user_'.length), m[2]!.replace(/\\(.)/g, '$1'));
  }
  return users;
}

export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private done = false;

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): SaslStep {
    if (this.done) throw new SaslAuthenticationError('Authentication failed: unexpected token', 'PLAIN token after completion');
    this.done = true;
    if (token.length > PLAIN_TOKEN_BYTES_MAX) throw new SaslAuthenticationError('Authentication failed: invalid SASL/PLAIN request', `token of ${token.length} bytes`);
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) throw new SaslAuthenticationError('Authentication failed: invalid SASL/PLAIN request: expected 3 tokens', `${parts.length} fields`);
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') throw new SaslAuthenticationError('Authentication failed: username not specified', 'empty user');
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified', 'empty password');
    const expected = this.users.get(user);
    // Compared as digests: equal lengths, constant time, and an unknown user costs the same.
    const ok = expected !== undefined && timingSafeEqual(digest(expected), digest(password));
    if (!ok) throw new SaslAuthenticationError('Authentication failed: Invalid username or password', 'bad PLAIN credentials');
    if (authzid !== '' && authzid !== user) throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username', 'authzid differs');
    return { response: Buffer.alloc(0), principal: userPrincipal(user) };
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
