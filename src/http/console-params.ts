// Request helpers of the console API: bounded JSON bodies (application/json only), integer query
// parameters within a range, partitions of a topic, JSON answers marked nosniff.
import type { BrokerState } from '../broker/state.js';
import { parseJson, readBody } from './body.js';
import { HttpError, badRequest, clip, topicNotFound } from './errors.js';
import type { RouteContext } from './router.js';
import { sendJson } from './respond.js';

/** A console write body is small: one record or one form. */
const BODY_BYTES_MAX = 1024 * 1024;

/** JSON, never cached (every response carries nosniff: server.ts). */
export function sendApi(ctx: RouteContext, status: number, body: unknown): void {
  ctx.res.setHeader('cache-control', 'no-store');
  sendJson(ctx.res, status, body);
}

/** The JSON body of a console write: application/json only, bounded, an object. */
export async function jsonBody(ctx: RouteContext, bodyBytesMax: number): Promise<Record<string, unknown>> {
  const ct = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  if (!ct.startsWith('application/json')) throw new HttpError(415, 'Content-Type must be application/json.', 415);
  const body = parseJson(await readBody(ctx.req, Math.min(bodyBytesMax, BODY_BYTES_MAX)));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** An integer query parameter within [min, max]; absent: the default. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, dflt?: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return dflt;
  const n = /^-?\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`${name} must be an integer from ${min} to ${max}.`);
  return n;
}

export function partitionParam(b: BrokerState, topic: string, raw: string): number {
  const t = b.store.topic(topic);
  if (t === undefined) throw topicNotFound(topic);
  const p = /^\d{1,10}$/.test(raw) ? Number(raw) : -1;
  if (p < 0 || p >= t.partitions) throw new HttpError(404, `Partition ${clip(raw, 20)} of topic ${t.name} not found.`, 40402);
  return p;
}

/**
 * fn(0..count-1), yielding to the event loop after every `chunk` calls: describing or resetting a topic
 * opens its partitions' logs, which for thousands of them would hold the loop too long (DESIGN
 * invariant 8).
 */
export async function mapChunked<R>(count: number, fn: (i: number) => R, chunk = 100): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % chunk === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    out.push(fn(i));
  }
  return out;
}
