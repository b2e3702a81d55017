/**
 * The security state of one connection: which listener it came through, who it is (principal), and
 * where it stands in SASL. On a SASL listener the connection starts unauthenticated: only ApiVersions,
 * SaslHandshake and SaslAuthenticate are served until SaslAuthenticate completes. After a v0
 * SaslHandshake, tokens arrive as bare size-prefixed frames (no Kafka header), as Kafka reads them.
 */
import { ANONYMOUS } from './principal.js';
import { isSasl, type SecurityProtocol } from './listeners.js';
import type { SaslServer } from './sasl/mechanism.js';
import { ApiKey } from '../protocol/generated/index.js';

export interface BoundListener {
  name: string;
  protocol: SecurityProtocol;
  /** What clients of this listener are told to connect to (Metadata, FindCoordinator, DescribeCluster). */
  advertised: { host: string; port: number };
}

export const API_VERSIONS_KEY = ApiKey.ApiVersions;
export const SASL_HANDSHAKE_KEY = ApiKey.SaslHandshake;
export const SASL_AUTHENTICATE_KEY = 36;

export class SecuritySession {
  principal = ANONYMOUS;
  authenticated: boolean;
  /** The exchange chosen by SaslHandshake, until it completes. */
  sasl: SaslServer | undefined;
  /** A v0 SaslHandshake chose bare-frame tokens. */
  unframedTokens = false;
  /** The connection ends once this request's response is written (failed authentication, refused mechanism). */
  closeAfterResponse = false;
  /** When the SASL session expires (KIP-368), ms since the epoch; 0: never. */
  expiresAtMs = 0;

  constructor(readonly listener: BoundListener, readonly clientHost: string) {
    this.authenticated = !isSasl(listener.protocol);
  }

  /** Requests served before authentication completes. */
  static allowedBeforeAuth(apiKey: number): boolean {
    return apiKey === API_VERSIONS_KEY || apiKey === SASL_HANDSHAKE_KEY || apiKey === SASL_AUTHENTICATE_KEY;
  }

  /**
   * The SASL exchange proved `principal`: the connection takes it and may send any request. The one
   * place a success is recorded and logged, for framed (SaslAuthenticate) and bare (v0) tokens alike.
   */
  authenticatedAs(principal: string, mechanism: string, log: { info(fields: Record<string, unknown>, msg: string): void }): void {
    this.principal = principal;
    this.authenticated = true;
    this.sasl = undefined;
    this.unframedTokens = false;
    log.info({ principal: principal.slice(0, 256), mechanism, listener: this.listener.name }, 'authenticated');
  }

  get saslListener(): boolean {
    return isSasl(this.listener.protocol);
  }
}
