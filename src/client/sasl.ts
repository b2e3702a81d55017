// The client side of SASL: PLAIN, SCRAM-SHA-256/512 (RFC 5802) and OAUTHBEARER (RFC 7628), over
// SaslHandshake v1 + SaslAuthenticate, run on each new connection right after ApiVersions.
import { randomBytes } from 'node:crypto';
import { KafkaClientError } from './errors.js';
import { ErrorCode } from '../protocol/errors.js';
import {
  SCRAM_ITERATIONS_MAX, SCRAM_ITERATIONS_MIN, clientProof, decodeBase64Strict, escapeName, parseAttributes, saltedPassword, serverFinalMatches, serverKeys, type ScramMechanism,
} from '../protocol/scram.js';

export type SaslOptions =
  | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
  | { mechanism: 'oauthbearer'; token: string | (() => string | Promise<string>) };

/** One request/answer pair of the exchange: sends token bytes, gets the broker's. */
export type SaslRoundTrip = (token: Buffer) => Promise<Buffer>;

const SASL_AUTHENTICATION_FAILED = ErrorCode.SASL_AUTHENTICATION_FAILED;

export function mechanismName(o: SaslOptions): string {
  return o.mechanism.toUpperCase();
}

export async function authenticate(o: SaslOptions, roundTrip: SaslRoundTrip): Promise<void> {
  switch (o.mechanism) {
    case 'plain':
      await roundTrip(Buffer.from(`\u0000${o.username}\u0000${o.password}`, 'utf8'));
      return;
    case 'oauthbearer': {
      const token = typeof o.token === 'function' ? await o.token() : o.token;
      const answer = await roundTrip(Buffer.from(`n,,\u0001auth=Bearer ${token}\u0001\u0001`, 'utf8'));
      if (answer.length === 0) return;
      // RFC 7628 3.2.2: a refused token is answered with a JSON error status; the client acknowledges it
      // with a lone \x01 and the broker then fails the exchange (its error carries the status).
      const status = answer.subarray(0, 256).toString('utf8');
      await roundTrip(Buffer.from([1]));
      throw new KafkaClientError(SASL_AUTHENTICATION_FAILED, `OAUTHBEARER token refused: ${status}`);
    }
    default:
      await scram(o.mechanism === 'scram-sha-256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', o.username, o.password, roundTrip);
  }
}

async function scram(mechanism: ScramMechanism, user: string, password: string, roundTrip: SaslRoundTrip): Promise<void> {
  const cnonce = randomBytes(24).toString('base64url');
  const clientFirstBare = `n=${escapeName(user)},r=${cnonce}`;
  const serverFirst = (await roundTrip(Buffer.from(`n,,${clientFirstBare}`, 'utf8'))).toString('utf8');
  const attrs = parseAttributes(serverFirst);
  const nonce = attrs.get('r');
  const salt = decodeBase64Strict(attrs.get('s') ?? '=');
  const iterations = Number(attrs.get('i'));
  // A server's iteration count is bounded, so a hostile broker cannot make us spin.
  if (nonce === undefined || !nonce.startsWith(cnonce) || salt === undefined || !Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS_MIN || iterations > SCRAM_ITERATIONS_MAX) {
    throw new KafkaClientError(SASL_AUTHENTICATION_FAILED, 'SCRAM: bad server-first message');
  }
  const salted = saltedPassword(mechanism, password, salt, iterations);
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const proof = clientProof(mechanism, salted, authMessage);
  const serverFinal = (await roundTrip(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8'))).toString('utf8');
  if (!serverFinalMatches(mechanism, serverKeys(mechanism, salted).serverKey, authMessage, serverFinal)) {
    throw new KafkaClientError(SASL_AUTHENTICATION_FAILED, 'SCRAM: the broker did not prove it knows the credential');
  }
}
