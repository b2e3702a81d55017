/** The TCP listener: accepts connections up to the limit and tracks them for shutdown. */
import { createServer, type Server, type Socket } from 'node:net';
import { Connection, type ConnectionStats } from './connection.js';
import type { BrokerState } from './state.js';

export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();

  constructor(private readonly broker: BrokerState) {
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => broker.log.error({ err }, 'listener error'));
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') return reject(new Error('listener has no address'));
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
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
    const conn = new Connection(socket, this.broker, (c) => {
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
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.end();
    const deadline = Date.now() + graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const c of this.connections) c.close('broker shutting down');
    await closed;
  }
}
