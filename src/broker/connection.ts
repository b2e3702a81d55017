/**
 * One client connection: frames in, responses out in request order (invariant 6).
 * Requests are dispatched as they arrive and may complete out of order (a long-polling Fetch
 * must not block a Heartbeat behind it... on another connection; on this one, order is kept
 * by parking finished responses until every earlier one has been written).
 */
import type { Socket } from 'node:net';
import { FrameDecoder } from '../protocol/frame.js';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { decodeRequestHeader, encodeResponseHeader, responseHeaderVersion } from '../protocol/header.js';
import { apiMessages } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/errors.js';
import type { BrokerState } from './state.js';
import type { RequestContext } from './handler.js';
import type { Logger } from './logger.js';

const API_VERSIONS_KEY = 18;

interface Slot {
  done: boolean;
  /** Encoded response frame, or null when the request gets none (acks=0). */
  frame: Buffer | null;
}

export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly slots: Slot[] = [];
  private inFlight = 0;
  private paused = false;
  private closed = false;
  /** A malformed frame arrived: read nothing more, answer what came before it, then end. */
  private refusing = false;
  private idleTimer: NodeJS.Timeout | undefined;
  readonly remote: string;
  private readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerState,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.log = broker.log.child({ remote: this.remote });
    this.decoder = new FrameDecoder({ frameBytesMax: broker.limits.frameBytesMax });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.teardown());
    socket.on('drain', () => this.updateReading());
    this.touch();
  }

  close(reason: string, fields: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.log.warn({ reason, ...fields }, 'closing connection');
    this.socket.destroy();
    this.teardown();
  }

  /**
   * A malformed request: the frames after it are not read, the requests before it still get their
   * responses (in order), then the connection ends. Kafka reads one request at a time per connection,
   * so its clients see the same. A client that stops reading cannot hold the connection: see the timer.
   */
  private refuse(reason: string, fields: Record<string, unknown>): void {
    if (this.closed || this.refusing) return;
    this.log.warn({ reason, ...fields, pendingResponses: this.slots.length }, 'closing connection');
    this.refusing = true;
    this.socket.pause();
    // end(), not destroy(): responses already written may still sit corked in the socket.
    if (this.slots.length === 0) this.socket.end();
    setTimeout(() => this.close('responses not flushed before a refused frame', {}), 10_000).unref();
  }

  /** Graceful: stop reading, let in-flight responses go out, then end. */
  end(): void {
    if (this.closed) return;
    this.socket.pause();
    if (this.slots.length === 0) this.socket.end();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.slots.length = 0;
    this.onClose(this);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.broker.limits.connectionIdleMsMax;
    if (idleMs > 0) {
      this.idleTimer = setTimeout(() => {
        if (this.slots.length === 0) this.close('idle timeout', { idleMs });
        else this.touch();
      }, idleMs);
      this.idleTimer.unref();
    }
  }

  private onData(chunk: Buffer): void {
    if (this.refusing) return;
    this.touch();
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.refuse('bad frame', { err: (err as Error).message });
      return;
    }
    for (const frame of frames) {
      if (this.closed || this.refusing) return;
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Buffer): void {
    const reader = new Reader(frame);
    let header;
    try {
      header = decodeRequestHeader(reader);
    } catch (err) {
      this.refuse('undecodable request header', { err: (err as Error).message, frameBytes: frame.length });
      return;
    }
    const { apiKey, apiVersion, correlationId, clientId } = header;
    const registry = this.broker.registry;
    if (!registry.supports(apiKey, apiVersion)) {
      if (apiKey === API_VERSIONS_KEY) {
        // KIP-511: answer an unknown ApiVersions version with v0 and the error, so the client can retry lower.
        this.enqueueResolved(this.encodeResponse(API_VERSIONS_KEY, 0, correlationId, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: registry.list(),
        }));
        return;
      }
      this.refuse('unsupported api key or version', { apiKey, apiVersion, correlationId, clientId });
      return;
    }
    const handler = registry.get(apiKey)!;
    const schema = apiMessages[apiKey]!;
    let request: unknown;
    try {
      request = schema.decodeRequest(reader, apiVersion);
    } catch (err) {
      this.refuse('undecodable request body', { apiKey, apiVersion, correlationId, clientId, err: (err as Error).message });
      return;
    }
    const ctx: RequestContext = {
      apiKey, version: apiVersion, correlationId, clientId, remote: this.remote, broker: this.broker, log: this.log,
    };
    const slot: Slot = { done: false, frame: null };
    this.slots.push(slot);
    this.inFlight++;
    this.updateReading();
    let result: unknown;
    try {
      result = handler.handle(request, ctx);
    } catch (err) {
      this.failRequest(slot, ctx, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (res) => this.complete(slot, ctx, res),
        (err) => this.failRequest(slot, ctx, err),
      );
    } else {
      this.complete(slot, ctx, result);
    }
  }

  private complete(slot: Slot, ctx: RequestContext, response: unknown): void {
    if (this.closed) return;
    try {
      slot.frame = response === null ? null : this.encodeResponse(ctx.apiKey, ctx.version, ctx.correlationId, response);
    } catch (err) {
      this.failRequest(slot, ctx, err);
      return;
    }
    slot.done = true;
    this.flush();
  }

  /** An unexpected exception answers nothing we could trust: log it with the request's identity and close. */
  private failRequest(_slot: Slot, ctx: RequestContext, err: unknown): void {
    this.log.error(
      { apiKey: ctx.apiKey, apiVersion: ctx.version, correlationId: ctx.correlationId, clientId: ctx.clientId, err },
      'request failed',
    );
    this.close('request failed', { apiKey: ctx.apiKey });
  }

  private enqueueResolved(frame: Buffer): void {
    this.slots.push({ done: true, frame });
    this.inFlight++;
    this.flush();
  }

  private encodeResponse(apiKey: number, version: number, correlationId: number, body: unknown): Buffer {
    const w = new Writer();
    const sizeAt = w.reserveSizePrefix();
    encodeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, version));
    apiMessages[apiKey]!.encodeResponse(w, version, body);
    w.fillSizePrefix(sizeAt);
    return w.toBuffer();
  }

  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      this.inFlight--;
      if (slot.frame !== null) {
        if (!wrote) this.socket.cork();
        wrote = true;
        this.socket.write(slot.frame);
      }
    }
    if (wrote) process.nextTick(() => this.socket.uncork());
    if (this.slots.length === 0 && this.refusing) {
      this.socket.end();
      return;
    }
    this.updateReading();
    if (this.slots.length === 0 && this.broker.stopping) this.socket.end();
  }

  /**
   * Reading pauses while too many requests are in flight or while the client is not reading its
   * responses (the socket's write buffer is past its high-water mark): a slow reader cannot pin memory.
   */
  private updateReading(): void {
    if (this.closed || this.refusing || this.broker.stopping) return;
    const shouldPause = this.inFlight >= this.broker.limits.inFlightRequestsMax || this.socket.writableNeedDrain;
    if (shouldPause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
