/** A minimal Kafka wire client for broker tests: one connection, requests encoded by the generated codecs. */
import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { FrameDecoder } from '../../src/protocol/frame.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/header.js';

export class WireClient {
  private correlationId = 1;
  private readonly pending = new Map<number, { apiKey: number; version: number; resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly decoder = new FrameDecoder({ frameBytesMax: 1 << 30 });
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket, private readonly clientId: string | null) {
    socket.on('data', (chunk) => {
      for (const frame of this.decoder.push(chunk)) this.onFrame(frame);
    });
    this.closed = new Promise((resolve) => socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
      resolve();
    }));
    socket.on('error', () => {});
  }

  /** `clientId` goes in every request header (hostile-input tests send huge ones). */
  static connect(bootstrap: string, opts: { clientId?: string | null; tls?: ConnectionOptions } = {}): Promise<WireClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const clientId = opts.clientId === undefined ? 'wire-client' : opts.clientId;
      const socket: Socket = opts.tls === undefined
        ? connect({ host: host!, port: Number(port) }, () => resolve(new WireClient(socket, clientId)))
        : connectTls({ ...opts.tls, host: host!, port: Number(port) }, () => resolve(new WireClient(socket, clientId)));
      socket.once('error', reject);
    });
  }

  /** Sends a request and resolves with the decoded response body. */
  request<T = any>(apiKey: number, version: number, body: object): Promise<T> {
    const correlationId = this.correlationId++;
    const w = new Writer();
    const sizeAt = w.reserveSizePrefix();
    w.int16(apiKey);
    w.int16(version);
    w.int32(correlationId);
    w.nullableString(this.clientId);
    if (requestHeaderVersion(apiKey, version) >= 2) w.uvarint(0);
    apiMessages[apiKey]!.encodeRequest(w, version, body);
    w.fillSizePrefix(sizeAt);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(correlationId, { apiKey, version, resolve, reject });
      this.socket.write(w.toBuffer());
    });
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    const correlationId = r.int32();
    const p = this.pending.get(correlationId);
    if (p === undefined) throw new Error(`unexpected correlation id ${correlationId}`);
    this.pending.delete(correlationId);
    if (responseHeaderVersion(p.apiKey, p.version) >= 1) r.taggedFields();
    p.resolve(apiMessages[p.apiKey]!.decodeResponse(r, p.version));
  }
}
