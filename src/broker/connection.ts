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
import { decodeRequestHeader, encodeResponseHeader, requestApiKeyOf, responseHeaderVersion } from '../protocol/header.js';
import { assert, stopOnInvariant } from '../invariant.js';
import { ApiKey, apiMessages } from '../protocol/generated/index.js';
import { ErrorCode, FrameSizeError } from '../protocol/errors.js';
import type { BrokerState } from './state.js';
import type { RequestContext } from './handler.js';
import { requestLogger, type Logger, type RequestLogger } from './logger.js';
import { SecuritySession } from '../security/session.js';
import { SaslAuthenticationError } from '../security/sasl/mechanism.js';
import { POOLED_BUFFERS, type WithPooledBuffers } from './fetch-buffers.js';

const API_VERSIONS_KEY = ApiKey.ApiVersions;
const FETCH_KEY = ApiKey.Fetch;
/** Fetch responses reference record sets of at least this size instead of copying them into the frame. */
const GATHER_BYTES_MIN = 4096;

interface Slot {
  done: boolean;
  /** Encoded response frame (one buffer, or the pieces of a gathered Fetch response), or null when the request gets none (acks=0). */
  frame: Buffer | Buffer[] | null;
  fetch: boolean;
  /** The request's logger, finished (its folded warnings summarized) when the request completes. */
  log: RequestLogger | null;
  /** The connection ends once this response is written (a failed or refused authentication). */
  closeAfter?: boolean;
  /** Pooled read buffers the frame references (a Fetch answer): given back once the socket wrote it. */
  pooled?: Buffer[];
}

export interface ConnectionStats {
  remote: string;
  /** Requests decoded and not yet answered. */
  inFlight: number;
  bytesRead: number;
  /** Response bytes queued in the socket, not yet taken by the kernel. */
  bufferedBytes: number;
  /** Encoded responses waiting for an earlier one (order is kept per connection). */
  heldResponseBytes: number;
  /** Bytes of a request frame received so far, and the buffers holding them. */
  partialFrameBytes: number;
  partialFrameChunks: number;
  paused: boolean;
}

export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly slots: Slot[] = [];
  /** Frames received but not dispatched: a chunk may hold many, and the limits apply per request. */
  private backlog: Buffer[] = [];
  private draining = false;
  private inFlight = 0;
  /** Fetches dispatched whose responses have not been written yet (at most one: see drainBacklog). */
  private fetchesOutstanding = 0;
  private paused = false;
  private closed = false;
  /** A malformed frame arrived: read nothing more, answer what came before it, then end. */
  private refusing = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set by refuse(): closes a connection whose client never takes the responses owed before the bad frame. */
  private refuseTimer: NodeJS.Timeout | undefined;
  readonly remote: string;
  private readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerState,
    private readonly session: SecuritySession,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.log = broker.log.child({ remote: this.remote });
    // Until a SASL client authenticates, only small frames are read (Kafka's sasl.server.max.receive.size).
    this.decoder = new FrameDecoder({
      frameBytesMax: session.authenticated ? broker.limits.frameBytesMax : Math.min(broker.limits.frameBytesMax, broker.security.preAuthFrameBytesMax(session.listener.name)),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => this.teardown());
    socket.on('drain', () => this.drainBacklog());
    this.touch();
  }

  stats(): ConnectionStats {
    let heldResponseBytes = 0;
    for (const slot of this.slots) heldResponseBytes += frameBytes(slot.frame);
    return {
      remote: this.remote, inFlight: this.inFlight, bytesRead: this.socket.bytesRead, bufferedBytes: this.socket.writableLength,
      heldResponseBytes, partialFrameBytes: this.decoder.bufferedBytes, partialFrameChunks: this.decoder.chunkCount, paused: this.paused,
    };
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
    if (!this.draining) this.endIfRefusedAndDone();
    this.refuseTimer = setTimeout(() => this.close('responses not flushed before a refused frame', {}), 10_000);
    this.refuseTimer.unref();
  }

  /**
   * Graceful: dispatch nothing more, let in-flight responses go out, then end. Reading goes on (and is
   * discarded) so the client's FIN is seen and the socket closes without waiting out the grace period.
   */
  end(): void {
    if (this.closed) return;
    this.backlog = [];
    this.paused = false;
    this.socket.resume();
    if (this.slots.length === 0) this.socket.end();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.refuseTimer);
    this.slots.length = 0;
    this.backlog = [];
    this.onClose(this);
  }

  /**
   * Only complete requests (and parked ones) count as activity, not partial-frame bytes: a writer that
   * dribbles a frame (slowloris) is closed after connections.max.idle.ms like an idle one. Kafka counts
   * any byte; we don't, so no separate frame deadline is needed. The cost: a legitimate frame must
   * arrive within the idle timeout (10 min by default: 100 MB at 170 KB/s).
   */
  private touch(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.broker.limits.connectionIdleMsMax;
    if (idleMs > 0) {
      this.idleTimer = setTimeout(() => {
        if (this.slots.length === 0) this.close('idle timeout', { idleMs, partialFrameBytes: this.decoder.bufferedBytes });
        else this.touch();
      }, idleMs);
      this.idleTimer.unref();
    }
  }

  private onData(chunk: Buffer): void {
    if (this.broker.stopping || this.refusing) return; // see end() and refuse()
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (stopOnInvariant(err, this.log)) return;
      // Requests that arrived whole before the bad size prefix are answered before the close.
      if (err instanceof FrameSizeError) for (const frame of err.framesBefore) this.backlog.push(frame);
      this.refuse('bad frame', { err: (err as Error).message });
      this.drainBacklog();
      return;
    }
    if (frames.length === 0) return;
    this.touch();
    for (const frame of frames) this.backlog.push(frame);
    this.drainBacklog();
  }

  /** Dispatches received frames until a limit says pause; the rest wait for responses to go out. */
  private drainBacklog(): void {
    if (this.draining) return; // re-entered from a response completed inside dispatch
    this.draining = true;
    let i = 0;
    try {
      while (i < this.backlog.length && !this.closed && !this.broker.stopping && !this.overLimit()) {
        // One Fetch at a time per connection, as Kafka serves a connection: a parked or woken Fetch
        // holds up to fetch.max.bytes of records, and a pipelining client must not multiply that.
        if (this.fetchesOutstanding > 0 && isFetch(this.backlog[i]!)) break;
        const wasRefusing = this.refusing;
        this.dispatch(this.backlog[i++]!);
        // Frames after a refused one are never read; those before a bad size prefix still are.
        if (this.refusing && !wasRefusing) i = this.backlog.length;
      }
    } finally {
      this.backlog.splice(0, i);
      this.draining = false;
    }
    if (this.endIfRefusedAndDone()) return;
    this.updateReading();
  }

  /** A refused connection ends once everything before the bad frame is answered. */
  private endIfRefusedAndDone(): boolean {
    if (!this.refusing || this.slots.length > 0 || this.backlog.length > 0) return false;
    // end(), not destroy(): responses already written may still sit corked in the socket.
    this.socket.end();
    return true;
  }

  private overLimit(): boolean {
    return this.inFlight >= this.broker.limits.inFlightRequestsMax || this.socket.writableNeedDrain;
  }

  private dispatch(frame: Buffer): void {
    if (this.session.unframedTokens) {
      this.dispatchUnframedToken(frame);
      return;
    }
    const reader = new Reader(frame);
    let header;
    try {
      header = decodeRequestHeader(reader);
    } catch (err) {
      if (stopOnInvariant(err, this.log)) return;
      this.refuse('undecodable request header', { err: (err as Error).message, frameBytes: frame.length });
      return;
    }
    const { apiKey, apiVersion, correlationId, clientId } = header;
    if (!this.session.authenticated && !SecuritySession.allowedBeforeAuth(apiKey)) {
      this.refuse('request before authentication', { apiKey, apiVersion, correlationId, listener: this.session.listener.name });
      return;
    }
    if (this.session.expiresAtMs > 0 && Date.now() > this.session.expiresAtMs && !SecuritySession.allowedBeforeAuth(apiKey)) {
      // KIP-368: a client that did not re-authenticate in time is disconnected, as Kafka does.
      this.refuse('SASL session expired', { apiKey, correlationId, principal: this.session.principal });
      return;
    }
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
      if (stopOnInvariant(err, this.log)) return;
      this.refuse('undecodable request body', { apiKey, apiVersion, correlationId, clientId, err: (err as Error).message });
      return;
    }
    // Per request, so a request's repeated warnings fold into one summary line (see requestLogger).
    const log = requestLogger(this.log, { apiKey, correlationId, clientId });
    const ctx: RequestContext = {
      apiKey, version: apiVersion, correlationId, clientId, remote: this.remote, broker: this.broker, log, session: this.session,
    };
    const slot: Slot = { done: false, frame: null, fetch: apiKey === FETCH_KEY, log };
    this.slots.push(slot);
    this.inFlight++;
    if (slot.fetch) this.fetchesOutstanding++;
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
    slot.log?.finish();
    if (this.closed) return;
    try {
      slot.frame = response === null ? null : this.encodeResponse(ctx.apiKey, ctx.version, ctx.correlationId, response);
      if (response !== null && typeof response === 'object') slot.pooled = (response as WithPooledBuffers)[POOLED_BUFFERS];
    } catch (err) {
      this.failRequest(slot, ctx, err);
      return;
    }
    if (this.session.closeAfterResponse) slot.closeAfter = true;
    slot.done = true;
    this.afterAuthentication();
    this.flush();
  }

  /** Once authenticated, frames up to the broker's limit are read. */
  private afterAuthentication(): void {
    if (this.session.authenticated) this.decoder.setFrameBytesMax(this.broker.limits.frameBytesMax);
  }

  /**
   * After a v0 SaslHandshake the client sends bare tokens and reads bare answers (size + bytes). A
   * failure has no error field to carry: the connection closes, as Kafka closes it.
   */
  private dispatchUnframedToken(token: Buffer): void {
    const sasl = this.session.sasl;
    assert(sasl !== undefined, 'unframed SASL token without a mechanism');
    try {
      const step = sasl.evaluate(token);
      const w = new Writer();
      const sizeAt = w.reserveSizePrefix();
      w.raw(step.response);
      w.fillSizePrefix(sizeAt);
      if (step.principal !== undefined) {
        this.session.authenticatedAs(step.principal, sasl.mechanism, this.log);
        this.afterAuthentication();
      }
      this.enqueueResolved(w.toBuffer());
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      this.session.sasl = undefined;
      this.refuse('SASL authentication failed', { mechanism: sasl.mechanism, detail: err.detail });
    }
  }

  /** An unexpected exception answers nothing we could trust: log it with the request's identity and close. */
  private failRequest(slot: Slot, ctx: RequestContext, err: unknown): void {
    slot.log?.finish();
    // A bug is never swallowed by one connection: the process stops (src/invariant.ts).
    if (stopOnInvariant(err, this.log)) return;
    this.log.error(
      { apiKey: ctx.apiKey, apiVersion: ctx.version, correlationId: ctx.correlationId, clientId: ctx.clientId, err },
      'request failed',
    );
    this.close('request failed', { apiKey: ctx.apiKey });
  }

  private enqueueResolved(frame: Buffer | Buffer[]): void {
    this.slots.push({ done: true, frame, fetch: false, log: null });
    this.inFlight++;
    this.flush();
  }

  private encodeResponse(apiKey: number, version: number, correlationId: number, body: unknown): Buffer | Buffer[] {
    const gather = apiKey === FETCH_KEY;
    const w = gather ? new Writer(1024, { gatherBytesMin: GATHER_BYTES_MIN }) : new Writer();
    const sizeAt = w.reserveSizePrefix();
    encodeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, version));
    apiMessages[apiKey]!.encodeResponse(w, version, body);
    w.fillSizePrefix(sizeAt);
    return gather ? w.toBuffers() : w.toBuffer();
  }

  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      this.inFlight--;
      if (slot.fetch) this.fetchesOutstanding--;
      if (slot.frame !== null) {
        if (!wrote) this.socket.cork();
        wrote = true;
        // The callback of the last piece runs once the kernel has taken the whole frame (or not at all
        // when the socket failed: then the buffers stay with the garbage collector).
        const pooled = slot.pooled;
        const written = pooled === undefined ? undefined : (err?: Error | null) => {
          if (!err) this.broker.fetchBuffers.give(pooled);
        };
        if (Array.isArray(slot.frame)) {
          const last = slot.frame.length - 1;
          for (let i = 0; i < last; i++) this.socket.write(slot.frame[i]!);
          this.socket.write(slot.frame[last]!, written);
        } else {
          this.socket.write(slot.frame, written);
        }
      }
      if (slot.closeAfter === true) {
        // Nothing after this response is answered: the client is told why, then the connection ends.
        this.socket.uncork();
        this.refuse('authentication failed', { listener: this.session.listener.name });
        this.slots.length = 0;
        this.backlog = [];
        this.endIfRefusedAndDone();
        return;
      }
    }
    if (wrote) process.nextTick(() => this.socket.uncork());
    this.drainBacklog();
    if (this.slots.length === 0 && this.broker.stopping) this.socket.end();
  }

  /**
   * Reading pauses while too many requests are in flight, while the client is not reading its
   * responses (the socket's write buffer is past its high-water mark), or while received frames wait:
   * a slow reader cannot pin memory, and a pipelining one is slowed, not dropped.
   */
  private updateReading(): void {
    if (this.closed || this.refusing || this.broker.stopping) return;
    const shouldPause = this.backlog.length > 0 || this.overLimit();
    if (shouldPause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}

function isFetch(frame: Buffer): boolean {
  return requestApiKeyOf(frame) === FETCH_KEY;
}

function frameBytes(frame: Buffer | Buffer[] | null): number {
  if (frame === null) return 0;
  if (!Array.isArray(frame)) return frame.length;
  let n = 0;
  for (const piece of frame) n += piece.length;
  return n;
}
