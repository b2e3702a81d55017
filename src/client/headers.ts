// Record headers: what `send` accepts, turned into the wire's list of key/value pairs.
import type { HeadersInput, MessageHeader } from './types.js';

const toBuffer = (v: string | Buffer | null): Buffer | null => (v === null ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

export function normalizeHeaders(input: HeadersInput | undefined): MessageHeader[] {
  if (input === undefined) return [];
  if (Array.isArray(input)) {
    return (input as ReadonlyArray<{ key: string; value: string | Buffer | null }>).map((h) => ({ key: h.key, value: toBuffer(h.value) }));
  }
  return Object.entries(input as Record<string, string | Buffer | null>).map(([key, value]) => ({ key, value: toBuffer(value) }));
}
