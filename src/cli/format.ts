/**
 * `consume --format`: kcat-style tokens, so the habits carry over.
 *   %t topic  %p partition  %o offset  %k key  %v value  %h headers (k=v,...)  %T timestamp (ms)
 *   %K key length  %S value length  %%  and escapes \n \t \\
 * A null key or value prints as the empty string (length -1 for %K/%S, as kcat does).
 */
import { UsageError } from './args.js';

export interface FormattableMessage {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<{ key: string; value: Buffer | null }>;
}

type Piece = string | ((m: FormattableMessage) => string);

const tokens: Record<string, (m: FormattableMessage) => string> = {
  t: (m) => m.topic,
  p: (m) => String(m.partition),
  o: (m) => String(m.offset),
  k: (m) => m.key?.toString('utf8') ?? '',
  v: (m) => m.value?.toString('utf8') ?? '',
  h: (m) => m.headers.map((h) => `${h.key}=${h.value?.toString('utf8') ?? ''}`).join(','),
  T: (m) => String(m.timestamp),
  K: (m) => String(m.key === null ? -1 : m.key.length),
  S: (m) => String(m.value === null ? -1 : m.value.length),
};

export const formatTokenHelp = `Format tokens: %t topic, %p partition, %o offset, %k key, %v value, %h headers (k=v,...),
  %T timestamp (ms), %K key length, %S value length, %% a percent sign; escapes \\n \\t \\\\.`;

/** Compiles a format once; an unknown token is a usage error. A newline is appended unless the format ends in one. */
export function compileFormat(format: string): (m: FormattableMessage) => string {
  const pieces: Piece[] = [];
  let lit = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      const n = format[++i]!;
      lit += n === 'n' ? '\n' : n === 't' ? '\t' : n === '\\' ? '\\' : `\\${n}`;
    } else if (c === '%') {
      const n = format[++i];
      if (n === '%') {
        lit += '%';
        continue;
      }
      const fn = n === undefined ? undefined : tokens[n];
      if (fn === undefined) throw new UsageError(`--format: unknown token '%${n ?? ''}'\n${formatTokenHelp}`);
      if (lit !== '') pieces.push(lit);
      lit = '';
      pieces.push(fn);
    } else {
      lit += c;
    }
  }
  if (!lit.endsWith('\n')) lit += '\n';
  pieces.push(lit);
  return (m) => {
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : p(m);
    return out;
  };
}

/** The `--json` form of a message: one object per line. Keys and values as UTF-8 text. */
export function messageJson(m: FormattableMessage): Record<string, unknown> {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key?.toString('utf8') ?? null,
    value: m.value?.toString('utf8') ?? null,
    headers: m.headers.map((h) => ({ key: h.key, value: h.value?.toString('utf8') ?? null })),
  };
}
