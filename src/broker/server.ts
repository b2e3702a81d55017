/** The TCP listener: accepts connections up to the limit and tracks them for shutdown. */
import { createServer, type Server, type Socket } from 'node:net';
import { Connection } from './connection.js';
import type { BrokerState } from './state.js';

export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

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
    const conn = new Connection(socket, this.broker, (c) => this.connections.delete(c));
    this.connections.add(conn);
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
