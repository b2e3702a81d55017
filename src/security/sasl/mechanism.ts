/** One SASL exchange on one connection, server side. Tokens come from SaslAuthenticate (or bare v0 frames). */
import { MinikafkaError } from '../../protocol/errors.js';

export interface SaslStep {
  /** Bytes for the client (may be empty). */
  response: Buffer;
  /** Set on the last step: who the client proved to be. */
  principal?: string;
  /** OAUTHBEARER: the token's remaining lifetime; the session must not outlive it. */
  lifetimeMs?: number;
}

export interface SaslServer {
  readonly mechanism: string;
  /** Takes the client's next token; throws SaslAuthenticationError when authentication fails. */
  evaluate(token: Buffer): SaslStep;
}

/**
 * Authentication failed. `message` goes to the client (Kafka sends it in SaslAuthenticate's error
 * message), so it never says whether the user exists; `detail` is for the broker log only and is bounded.
 */
export class SaslAuthenticationError extends MinikafkaError {
  constructor(message: string, readonly detail: string) {
    super('SASL_AUTHENTICATION_FAILED', message);
  }
}

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

export function isKnownMechanism(name: string): name is SaslMechanismName {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}
