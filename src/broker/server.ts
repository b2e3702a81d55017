/**
 * The listeners: one TCP (or TLS) server per entry of `listeners`, accepting connections up to the
 * broker-wide limits and tracking them for shutdown. Each connection knows the listener it came
 * through (its security protocol and advertised address) and starts a SecuritySession from it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Connection, type ConnectionStats } from './connection.js';
import type { BrokerState } from './state.js';
import type { ListenerSpec } from '../security/listeners.js';
import { SecuritySession, type BoundListener } from '../security/session.js';
import { rfc2253 } from '../security/principal.js';

/** A TLS handshake must finish within this (Node's default is 120 s: too long for a half-open client to hold a slot). */
const TLS_HANDSHAKE_MS_MAX = 10_000;

export class BrokerServer {
  private readonly servers: Array<{ name: string; server: Server }> = [];
  private closed = false;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();

  constructor(private readonly broker: BrokerState) {}

  /** Binds one listener; `bound` is filled by the caller with the advertised address once known. */
  listen(spec: ListenerSpec, host: string, port: number, bound: BoundListener): Promise<{ host: string; port: number }> {
    // A listener opened on demand (REST consumers) must not outlive a close that already ran.
    if (this.closed) return Promise.reject(new Error(`listener ${spec.name} not opened: the broker is closing`));
    const log = this.broker.log;
    let server: Server;
    if (spec.tls === undefined) {
      server = createServer((socket) => this.accept(socket, bound));
    } else {
      const { secureContext, clientAuth } = spec.tls;
      server = createTlsServer({
        ...secureContext,
        requestCert: clientAuth !== 'none',
        rejectUnauthorized: clientAuth === 'required',
        handshakeTimeout: TLS_HANDSHAKE_MS_MAX,
      }, (socket) => this.accept(socket, bound, socket));
      // Plaintext on a TLS port, bad certificates, handshake timeouts: one bounded line, the socket is destroyed by Node.
      server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
        log.warn({ listener: spec.name, remote: `${socket.remoteAddress}:${socket.remotePort}`, err: (err.code ?? err.message).slice(0, 120) }, 'TLS handshake failed');
      });
    }
    server.on('error', (err) => log.error({ err, listener: spec.name }, 'listener error'));
    const entry = { name: spec.name, server };
    this.servers.push(entry);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        // Not bound: nothing to close, and a later try (an on-demand listener) starts afresh.
        const i = this.servers.indexOf(entry);
        if (i >= 0) this.servers.splice(i, 1);
        reject(err);
      };
      server.once('error', onError);
      server.listen({ host, port }, () => {
        server.off('error', onError);
        // close() ran while the address was looked up: it found nothing bound, so this socket is closed here.
        if (this.closed) {
          server.close();
          return reject(new Error(`listener ${spec.name} not opened: the broker is closing`));
        }
        const addr = server.address();
        if (addr === null || typeof addr === 'string') return reject(new Error('listener has no address'));
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  /** Every socket listening now, internal listeners included: for tests and diagnostics. */
  listening(): Array<{ name: string; host: string; port: number }> {
    return this.servers.flatMap(({ name, server }) => {
      const addr = server.address();
      return server.listening && addr !== null && typeof addr !== 'string' ? [{ name, host: addr.address, port: addr.port }] : [];
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket, listener: BoundListener, tls?: TLSSocket): void {
    if (this.connections.size >= this.broker.limits.connectionsMax) {
      this.broker.log.warn(
        { remote: `${socket.remoteAddress}:${socket.remotePort}`, connectionsMax: this.broker.limits.connectionsMax },
        'connection refused: max.connections reached',
      );
      socket.destroy();
      return;
    }
    const ip = socket.remoteAddress ?? '';
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp >= this.broker.limits.connectionsPerIpMax) {
      this.broker.log.warn(
        { remote: `${ip}:${socket.remotePort}`, connectionsPerIpMax: this.broker.limits.connectionsPerIpMax },
        'connection refused: max.connections.per.ip reached',
      );
      socket.destroy();
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    const session = new SecuritySession(listener, ip);
    if (tls !== undefined && tls.authorized) {
      // mTLS: the verified client certificate's subject names the principal (a SASL login may replace it).
      const cert = tls.getPeerX509Certificate();
      if (cert !== undefined) session.principal = this.broker.security.principalForCertificate(listener.name, rfc2253(cert.subject));
    }
    const conn = new Connection(socket, this.broker, session, (c) => {
      this.connections.delete(c);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
    this.connections.add(conn);
  }

  /** Per-connection figures, for tests and diagnostics. */
  connectionStats(): ConnectionStats[] {
    return [...this.connections].map((c) => c.stats());
  }

  /** Stop accepting, let connections finish what they have in flight, then drop them. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    const closed = Promise.all(this.servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const c of this.connections) c.end();
    const deadline = Date.now() + graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const c of this.connections) c.close('broker shutting down');
    await closed;
  }
}
