/**
 * SaslHandshake (key 17), v0-1: picks the mechanism of a SASL listener's exchange. v0: the tokens that
 * follow are bare frames; v1: they come in SaslAuthenticate. A mechanism not enabled on the listener
 * answers UNSUPPORTED_SASL_MECHANISM with the enabled list and ends the connection, as Kafka does; a
 * handshake on a non-SASL listener or after authentication is ILLEGAL_SASL_STATE (with
 * `connections.max.reauth.ms` > 0 an authenticated client may handshake again to re-authenticate, KIP-368).
 */
import { ApiKey, type SaslHandshakeRequest, type SaslHandshakeResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';

export const saslHandshakeHandler = defineHandler(ApiKey.SaslHandshake, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: SaslHandshakeRequest, ctx: RequestContext): SaslHandshakeResponseInput {
    const s = ctx.session;
    const security = ctx.broker.security;
    const mechanisms = s.saslListener ? security.enabledMechanisms(s.listener.name) : [];
    const reauth = s.authenticated && ctx.version >= 1 && security.reauthMs(s.listener.name) > 0;
    if (!s.saslListener || s.sasl !== undefined || (s.authenticated && !reauth)) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    }
    const server = security.saslServer(s.listener.name, req.mechanism);
    if (server === undefined) {
      ctx.log.warn({ mechanism: req.mechanism.slice(0, 64), enabled: mechanisms, listener: s.listener.name }, 'SASL mechanism not enabled; closing');
      s.closeAfterResponse = true;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    s.sasl = server;
    if (ctx.version === 0) s.unframedTokens = true;
    return { errorCode: ErrorCode.NONE, mechanisms };
  },
});
