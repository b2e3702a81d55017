/**
 * SaslAuthenticate (key 36), v0-2: one step of the exchange SaslHandshake chose. On the last step the
 * connection takes the principal and may send any request. A failure answers
 * SASL_AUTHENTICATION_FAILED after `connection.failed.authentication.delay.ms`, then the connection
 * ends. v1+ tells the client its session lifetime when `connections.max.reauth.ms` is set (KIP-368;
 * capped by an OAUTHBEARER token's expiry); a re-authentication must prove the same principal.
 */
import { ApiKey, type SaslAuthenticateRequest, type SaslAuthenticateResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { SaslAuthenticationError } from '../../security/sasl/mechanism.js';
import { defineHandler, type RequestContext } from '../handler.js';

const EMPTY = Buffer.alloc(0);

export const saslAuthenticateHandler = defineHandler(ApiKey.SaslAuthenticate, {
  minVersion: 0,
  maxVersion: 2,
  handle(req: SaslAuthenticateRequest, ctx: RequestContext): SaslAuthenticateResponseInput | Promise<SaslAuthenticateResponseInput> {
    const s = ctx.session;
    const sasl = s.sasl;
    if (sasl === undefined || s.unframedTokens) {
      s.closeAfterResponse = true;
      ctx.log.warn({ listener: s.listener.name }, 'SaslAuthenticate without a SaslHandshake; closing');
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate: no SaslHandshake chose a mechanism', authBytes: EMPTY, sessionLifetimeMs: 0n };
    }
    try {
      const step = sasl.evaluate(req.authBytes);
      if (step.principal === undefined) return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response, sessionLifetimeMs: 0n };
      if (s.authenticated && step.principal !== s.principal) {
        throw new SaslAuthenticationError('Cannot change principals during re-authentication', 'reauthentication as another principal');
      }
      s.authenticatedAs(step.principal, sasl.mechanism, ctx.log);
      const reauthMs = ctx.broker.security.reauthMs(s.listener.name);
      const lifetimeMs = reauthMs > 0 ? Math.min(reauthMs, step.lifetimeMs ?? reauthMs) : 0;
      s.expiresAtMs = lifetimeMs > 0 ? Date.now() + lifetimeMs : 0;
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response, sessionLifetimeMs: BigInt(lifetimeMs) };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      s.sasl = undefined;
      s.closeAfterResponse = true;
      ctx.log.warn({ mechanism: sasl.mechanism, listener: s.listener.name, detail: err.detail }, 'SASL authentication failed');
      const answer = { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: err.message, authBytes: EMPTY, sessionLifetimeMs: 0n };
      // Kafka delays the answer to a failed authentication, so guessing passwords is slow.
      const delayMs = ctx.broker.config.int('connection.failed.authentication.delay.ms');
      if (delayMs <= 0) return answer;
      return new Promise((resolve) => setTimeout(() => resolve(answer), delayMs));
    }
  },
});
