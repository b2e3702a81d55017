// A protocol trace, for tests and debugging: every request a broker handles and its response, decoded, with the
// connection's client id and address, and timing. From a test: `const trace = new ProtocolTrace(broker)`,
// then `trace.requests({ api: 'Produce' })`; from the command line: `minikafka start --trace FILE` writes
// one JSON line per exchange. Requests refused before decoding (malformed frames, unknown versions) are
// not handled, so not traced; the broker's log names them.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { RunningBroker } from './broker.js';
import type { BrokerState } from './state.js';
import { apiMessages } from '../protocol/generated/index.js';

export interface TraceEntry {
  api: string;
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  remote: string;
  /** ms since the epoch when the handler started. */
  startedAtMs: number;
  durationMs: number;
  request: unknown;
  /** null: no response (Produce acks=0); undefined: the handler threw (see `error`). */
  response: unknown;
  error?: string;
}

export interface TraceFilter {
  api?: string | number;
  clientId?: string;
}

/** Keeps the last `limit` exchanges in memory and, optionally, hands each one to `sink`. */
export class ProtocolTrace {
  private readonly entries: TraceEntry[] = [];
  private readonly undo: Array<() => void> = [];

  constructor(broker: RunningBroker | BrokerState, private readonly options: { limit?: number; sink?: (e: TraceEntry) => void } = {}) {
    const state = 'state' in broker ? broker.state : broker;
    for (const key of Object.keys(apiMessages).map(Number)) {
      if (state.registry.get(key) === undefined) continue;
      const api = apiMessages[key]!.name;
      this.undo.push(state.registry.wrap(key, (inner) => (req, ctx) => {
        const startedAtMs = Date.now();
        const t0 = performance.now();
        const record = (response: unknown, error?: unknown): void => this.add({
          api, apiKey: key, version: ctx.version, correlationId: ctx.correlationId, clientId: ctx.clientId, remote: ctx.remote,
          startedAtMs, durationMs: performance.now() - t0, request: req, response,
          ...(error === undefined ? {} : { error: (error as Error).message ?? String(error) }),
        });
        let out: unknown;
        try {
          out = inner.handle(req, ctx);
        } catch (err) {
          record(undefined, err);
          throw err;
        }
        if (out instanceof Promise) {
          return out.then((res) => (record(res), res), (err: unknown) => {
            record(undefined, err);
            throw err;
          });
        }
        record(out);
        return out;
      }));
    }
  }

  private add(e: TraceEntry): void {
    this.entries.push(e);
    const limit = this.options.limit ?? 10_000;
    if (this.entries.length > limit) this.entries.splice(0, this.entries.length - limit);
    this.options.sink?.(e);
  }

  /** Exchanges so far, oldest first, optionally filtered by API (name or key) and client id. */
  requests(filter: TraceFilter = {}): TraceEntry[] {
    return this.entries.filter((e) => (filter.api === undefined || e.api === filter.api || e.apiKey === filter.api)
      && (filter.clientId === undefined || e.clientId === filter.clientId));
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** Stops tracing. */
  stop(): void {
    for (const u of this.undo.splice(0)) u();
  }
}

/** JSON for a trace entry: bigints as strings, buffers as base64 (records stay opaque bytes). */
export function traceLine(e: TraceEntry): string {
  return JSON.stringify(e, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return { base64: Buffer.from((v as { data: number[] }).data).toString('base64') };
    }
    return v;
  });
}

/** Traces a broker into a file, one JSON line per exchange (`minikafka start --trace FILE`). */
export function traceToFile(broker: RunningBroker | BrokerState, path: string): { trace: ProtocolTrace; close(): Promise<void> } {
  const out: WriteStream = createWriteStream(path, { flags: 'a' });
  const trace = new ProtocolTrace(broker, { limit: 0, sink: (e) => void out.write(`${traceLine(e)}\n`) });
  return { trace, close: () => new Promise((resolve) => { trace.stop(); out.end(resolve); }) };
}
