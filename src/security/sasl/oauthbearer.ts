/**
 * SASL/OAUTHBEARER (RFC 7628, KIP-255). The client's one message is
 * `n,[a=authzid],\x01auth=Bearer <token>\x01[key=value\x01]*\x01`. The token goes to a validator:
 * the default is Kafka's *unsecured* one (OAuthBearerUnsecuredValidatorCallbackHandler): it accepts
 * any unsigned JWS (`alg: none`) whose `sub` claim names the user and whose `exp` is in the future.
 * Anyone can forge such a token: it is for development and tests only. A real deployment passes its
 * own validator (StartBrokerOptions.oauthBearerValidator) that checks signatures against its issuer.
 */
import { SaslAuthenticationError, type SaslServer, type SaslStep } from './mechanism.js';
import { userPrincipal } from '../principal.js';

const OAUTH_MESSAGE_BYTES_MAX = 16384;

export interface OAuthBearerToken {
  /** The principal's name (without `User:`). */
  principalName: string;
  /** When the token expires, ms since the epoch. */
  expiresAtMs: number;
}

/** Validates a compact token; throws SaslAuthenticationError (its detail is logged, bounded) when it is not acceptable. */
export type OAuthBearerValidator = (token: string, nowMs: number) => OAuthBearerToken;

export class OAuthBearerServer implements SaslServer {
  readonly mechanism = 'OAUTHBEARER';
  private done = false;
  /** Set once a token was refused: the JSON error status sent as the challenge, and why (for the log). */
  private refused: { status: string; detail: string } | undefined;

  constructor(private readonly validate: OAuthBearerValidator, private readonly now: () => number = Date.now) {}

  evaluate(token: Buffer): SaslStep {
    if (this.refused !== undefined) {
      // Kafka's OAuthBearerSaslServer: after its error challenge the client sends a lone \x01 and the
      // exchange fails with the status as the message. Anything else after a refusal fails the same way.
      const { status, detail } = this.refused;
      this.refused = undefined;
      this.done = true;
      throw new SaslAuthenticationError(status, token.length === 1 && token[0] === 1 ? detail : `${detail}; then a message other than \\x01`);
    }
    if (this.done) throw fail('token after completion');
    this.done = true;
    if (token.length > OAUTH_MESSAGE_BYTES_MAX) throw fail(`message of ${token.length} bytes`);
    const msg = token.toString('utf8');
    const m = /^([ny]),(a=[^,]*)?,\x01(.*)\x01\x01$/s.exec(msg);
    if (m === null) throw fail('malformed client message');
    let bearer: string | undefined;
    for (const kv of m[3]!.split('\x01')) {
      if (kv.startsWith('auth=')) bearer = kv.slice(5);
    }
    const b = bearer === undefined ? null : /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(bearer);
    if (b === null) throw fail('no auth=Bearer token');
    const now = this.now();
    let t: OAuthBearerToken;
    try {
      t = this.validate(b[1]!, now);
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      // RFC 7628 3.2.2, as Kafka does: the refusal is a server challenge with the error status (JSON keys
      // status, scope, openid-configuration; Kafka's validators set only the status); errorCode stays NONE.
      const status = JSON.stringify({ status: 'invalid_token' });
      this.refused = { status, detail: err.detail };
      this.done = false;
      return { response: Buffer.from(status, 'utf8') };
    }
    const authzid = m[2]?.slice(2);
    if (authzid !== undefined && authzid !== '' && authzid !== t.principalName) throw fail('authzid differs from the token\'s principal');
    return { response: Buffer.alloc(0), principal: userPrincipal(t.principalName), lifetimeMs: Math.max(0, t.expiresAtMs - now) };
  }
}

function fail(detail: string): SaslAuthenticationError {
  return new SaslAuthenticationError('Authentication failed: invalid OAUTHBEARER token', detail);
}

/** Kafka's unsecured validator: header `alg` none, a string `sub`, a numeric `exp` (seconds) not past, `iat` numeric if present. */
export const unsecuredJwsValidator: OAuthBearerValidator = (token, nowMs) => {
  const parts = token.split('.');
  if (parts.length !== 3) throw fail('not a JWS of three parts');
  const header = decodeJson(parts[0]!, 'header');
  const claims = decodeJson(parts[1]!, 'payload');
  if (header.alg !== 'none') throw fail('unsecured validator needs alg none');
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub.trim() === '') throw fail('no sub claim');
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw fail('no numeric exp claim');
  if ('iat' in claims && (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat))) throw fail('iat not numeric');
  const expiresAtMs = exp * 1000;
  if (expiresAtMs <= nowMs) throw fail('token expired');
  return { principalName: sub, expiresAtMs };
};

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: reported below
  }
  throw fail(`${what} is not a JSON object`);
}
