// One TCP connection to one broker: framing, correlation ids, the in-flight map, per-request
// timeouts, and the API versions negotiated with ApiVersions right after connecting.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { authenticate, mechanismName, type SaslOptions } from './sasl.js';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { FrameDecoder } from '../protocol/frame.js';
import { ApiKey, apiMessages } from '../protocol/generated/index.js';
import { requestHeaderVersion, responseHeaderVersion } from '../protocol/header.js';
import { CLIENT_CLOSED_CODE, KafkaClientError, NETWORK_EXCEPTION, REQUEST_TIMED_OUT } from './errors.js';
import { ErrorCode } from '../protocol/errors.js';

export const API_VERSIONS = ApiKey.ApiVersions;
const UNSUPPORTED_VERSION = ErrorCode.UNSUPPORTED_VERSION;
const frameBytesMax = 1 << 30;
const PRODUCE = ApiKey.Produce;
/** Record batches from this size on are written by reference (smaller ones are cheaper to copy). */
const GATHER_BYTES_MIN = 4096;

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  ssl?: boolean | TlsOptions;
  sasl?: SaslOptions;
}

const SASL_HANDSHAKE = ApiKey.SaslHandshake;
const SASL_AUTHENTICATE = ApiKey.SaslAuthenticate;

interface InFlight {
  apiKey: number;
  version: number;
  resolve: (body: any) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class Connection {
  private correlationId = 0;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly decoder = new FrameDecoder({ frameBytesMax });
  private versions = new Map<number, { min: number; max: number }>();
  private closedError: KafkaClientError | undefined;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket, readonly options: ConnectionOptions) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = this.decoder.push(chunk);
      } catch (err) {
        this.fail(new KafkaClientError(NETWORK_EXCEPTION, 'bad frame from broker', { cause: err }));
        return;
      }
      for (const frame of frames) this.onFrame(frame);
    });
    socket.on('error', (err) => this.fail(new KafkaClientError(NETWORK_EXCEPTION, `${this.address}: ${err.message}`, { cause: err })));
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.fail(new KafkaClientError(NETWORK_EXCEPTION, `${this.address}: connection closed`));
      resolve();
    }));
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isOpen(): boolean {
    return this.closedError === undefined;
  }

  /** Connects, then negotiates API versions. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const tls = options.ssl === undefined || options.ssl === false ? undefined : options.ssl === true ? {} : options.ssl;
      const s: Socket = tls === undefined
        ? netConnect({ host: options.host, port: options.port })
        : tlsConnect({ servername: isIp(options.host) ? undefined : options.host, ...tls, host: options.host, port: options.port });
      const ready = tls === undefined ? 'connect' : 'secureConnect';
      const timer = setTimeout(() => {
        s.destroy();
        reject(new KafkaClientError(NETWORK_EXCEPTION, `connect to ${options.host}:${options.port} timed out`));
      }, options.connectTimeoutMs);
      s.once(ready, () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        s.destroy();
        reject(new KafkaClientError(NETWORK_EXCEPTION, `connect to ${options.host}:${options.port}: ${err.message}`, { cause: err }));
      });
    });
    const conn = new Connection(socket, options);
    try {
      await conn.negotiate();
      if (options.sasl !== undefined) await conn.saslLogin(options.sasl);
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  /** ApiVersions at our highest version; a broker that does not know it answers v0 with its ranges. */
  private async negotiate(): Promise<void> {
    const ours = apiMessages[API_VERSIONS]!;
    let version = ours.maxVersion;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await this.send(API_VERSIONS, version, { clientSoftwareName: 'minikafka', clientSoftwareVersion: '0.1.0' });
      if (res.errorCode === UNSUPPORTED_VERSION) {
        const theirs = (res.apiKeys as { apiKey: number; maxVersion: number }[]).find((k) => k.apiKey === API_VERSIONS);
        version = Math.min(theirs?.maxVersion ?? 0, ours.maxVersion);
        continue;
      }
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaClientError(res.errorCode, 'ApiVersions');
      for (const k of res.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]) {
        this.versions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      }
      return;
    }
    throw new KafkaClientError(UNSUPPORTED_VERSION, 'ApiVersions negotiation failed');
  }

  /** SaslHandshake v1 then the mechanism's SaslAuthenticate round trips; a refusal rejects with its Kafka error. */
  private async saslLogin(sasl: SaslOptions): Promise<void> {
    const mechanism = mechanismName(sasl);
    const hs = await this.request(SASL_HANDSHAKE, { mechanism }, { maxVersion: 1 });
    if (hs.body.errorCode !== ErrorCode.NONE) {
      throw new KafkaClientError(hs.body.errorCode, `${this.address}: SASL mechanism ${mechanism} refused (the broker offers ${(hs.body.mechanisms as string[]).join(', ')})`);
    }
    await authenticate(sasl, async (token) => {
      const { body } = await this.request(SASL_AUTHENTICATE, { authBytes: token });
      if (body.errorCode !== ErrorCode.NONE) throw new KafkaClientError(body.errorCode, `${this.address}: ${body.errorMessage ?? 'SASL authentication failed'}`);
      return body.authBytes as Buffer;
    });
  }

  /** Whether the broker serves this API at any version we can speak. */
  supports(apiKey: number): boolean {
    return this.pickVersion(apiKey) !== undefined;
  }

  /** The highest version both sides speak, or undefined. */
  pickVersion(apiKey: number): number | undefined {
    const ours = apiMessages[apiKey];
    const theirs = this.versions.get(apiKey);
    if (ours === undefined || theirs === undefined) return undefined;
    const v = Math.min(ours.maxVersion, theirs.max);
    return v >= Math.max(ours.minVersion, theirs.min) ? v : undefined;
  }

  /**
   * Sends a request at the negotiated version; resolves with the response body. `build` receives the
   * version so fields can differ by version. With `noResponse` (acks=0 produce) resolves at once.
   */
  async request<T = any>(apiKey: number, body: object | ((version: number) => object), options: { timeoutMs?: number; noResponse?: boolean; maxVersion?: number } = {}): Promise<{ version: number; body: T }> {
    let version = this.pickVersion(apiKey);
    if (version === undefined) {
      throw new KafkaClientError(UNSUPPORTED_VERSION, `${this.address} does not serve ${apiMessages[apiKey]?.name ?? apiKey} at a version we speak`);
    }
    if (options.maxVersion !== undefined) version = Math.min(version, options.maxVersion);
    const payload = typeof body === 'function' ? body(version) : body;
    return { version, body: await this.send(apiKey, version, payload, options) };
  }

  private send(apiKey: number, version: number, body: object, options: { timeoutMs?: number; noResponse?: boolean } = {}): Promise<any> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    const correlationId = (this.correlationId = (this.correlationId + 1) | 0);
    // Produce: the record batches are referenced, not copied into the frame, and written with the rest in one writev.
    const gather = apiKey === PRODUCE;
    const w = gather ? new Writer(1024, { gatherBytesMin: GATHER_BYTES_MIN }) : new Writer();
    const sizeAt = w.reserveSizePrefix();
    w.int16(apiKey);
    w.int16(version);
    w.int32(correlationId);
    w.nullableString(this.options.clientId);
    if (requestHeaderVersion(apiKey, version) >= 2) w.uvarint(0);
    apiMessages[apiKey]!.encodeRequest(w, version, body);
    w.fillSizePrefix(sizeAt);
    const bytes = gather ? w.toBuffers() : w.toBuffer();
    if (options.noResponse === true) {
      this.write(bytes);
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.inFlight.delete(correlationId);
        reject(new KafkaClientError(REQUEST_TIMED_OUT, `${apiMessages[apiKey]!.name} to ${this.address} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.set(correlationId, { apiKey, version, resolve, reject, timer });
      this.write(bytes);
    });
  }

  private write(bytes: Buffer | Buffer[]): void {
    if (!Array.isArray(bytes)) {
      this.socket.write(bytes);
      return;
    }
    this.socket.cork();
    for (const piece of bytes) this.socket.write(piece);
    this.socket.uncork();
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    const correlationId = r.int32();
    const p = this.inFlight.get(correlationId);
    if (p === undefined) return; // timed out earlier: the late answer is dropped
    this.inFlight.delete(correlationId);
    clearTimeout(p.timer);
    try {
      if (responseHeaderVersion(p.apiKey, p.version) >= 1) r.taggedFields();
      p.resolve(apiMessages[p.apiKey]!.decodeResponse(r, p.version));
    } catch (err) {
      p.reject(new KafkaClientError(NETWORK_EXCEPTION, `undecodable ${apiMessages[p.apiKey]!.name} v${p.version} response`, { cause: err }));
    }
  }

  private fail(err: KafkaClientError): void {
    if (this.closedError === undefined) this.closedError = err;
    for (const p of this.inFlight.values()) {
      clearTimeout(p.timer);
      p.reject(this.closedError);
    }
    this.inFlight.clear();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** Rejects everything in flight and closes the socket. */
  close(): void {
    this.fail(new KafkaClientError(CLIENT_CLOSED_CODE, `${this.address}: connection closed by the client`, { retriable: false }));
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
