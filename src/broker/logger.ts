/**
 * Structured logging: one JSON object per line. No dependency: the broker's logs are small and hot paths never log.
 *
 * Log lines carry client input (client ids, topic names, reasons built from requests), so every line
 * is bounded here, where no call site can forget: strings, arrays and objects are cut with a marker,
 * and the whole line has a size cap. Warn and error lines are rate-limited per message across the
 * broker (a token bucket per level+msg, with a "log lines suppressed" count once a second), and
 * `requestLogger` folds a request's repeated warnings into one summary line (a 258 KB Produce once
 * wrote 99 MB of warnings).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
  child(fields: Record<string, unknown>): Logger;
}

/** How much of a value a log line keeps. A client id is 32 KiB at most, a topic name 249 chars. */
export const logBounds = {
  stringCharsMax: 512,
  /** Stacks are ours, not the client's, and worth more room. */
  stackCharsMax: 4096,
  arrayItemsMax: 32,
  objectKeysMax: 64,
  lineCharsMax: 16 * 1024,
  /** Of an over-long line, this much is kept (as a string) after time, level and msg. */
  lineHeadCharsMax: 2048,
};

/** Per level+msg: `burst` lines at once, then `perSecond`; the rest are counted and reported. */
export interface LogRate {
  burst: number;
  perSecond: number;
}

export const defaultLogRate: LogRate = { burst: 100, perSecond: 20 };
/** Distinct messages the limiter tracks; messages are constants in our code, this is a backstop. */
const rateKeysMax = 1024;
const SUPPRESSED_REPORT_MS = 1000;

export interface LoggerOptions {
  rate?: LogRate;
  now?: () => number;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in levelRank;
}

export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
  bound: Record<string, unknown> = {},
  options: LoggerOptions = {},
): Logger {
  return makeLogger(level, bound, new LogSink(write, options.rate ?? defaultLogRate, options.now ?? Date.now));
}

function makeLogger(level: LogLevel, bound: Record<string, unknown>, sink: LogSink): Logger {
  const min = levelRank[level];
  const emit = (lvl: LogLevel, fields: Record<string, unknown>, msg: string): void => {
    if (levelRank[lvl] < min) return;
    sink.emit(lvl, msg, { ...bound, ...fields });
  };
  return {
    debug: (f, m) => emit('debug', f, m),
    info: (f, m) => emit('info', f, m),
    warn: (f, m) => emit('warn', f, m),
    error: (f, m) => emit('error', f, m),
    child: (f) => makeLogger(level, { ...bound, ...f }, sink),
  };
}

interface Bucket {
  tokens: number;
  atMs: number;
  suppressed: number;
  level: LogLevel;
  msg: string;
}

/** Shared by a logger and its children: the writer, and the rate limiter's buckets. */
class LogSink {
  private readonly buckets = new Map<string, Bucket>();
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(private readonly write: (line: string) => void, private readonly rate: LogRate, private readonly now: () => number) {}

  emit(level: LogLevel, msg: string, fields: Record<string, unknown>): void {
    if ((level === 'warn' || level === 'error') && !this.take(level, msg)) return;
    this.write(formatLine(new Date(this.now()).toISOString(), level, msg, fields));
  }

  private take(level: LogLevel, msg: string): boolean {
    const nowMs = this.now();
    let key = `${level}\u0000${msg}`;
    if (!this.buckets.has(key) && this.buckets.size >= rateKeysMax) key = `${level}\u0000*`;
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.rate.burst, atMs: nowMs, suppressed: 0, level, msg: key.endsWith('\u0000*') ? '*' : msg };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.rate.burst, b.tokens + ((nowMs - b.atMs) / 1000) * this.rate.perSecond);
    b.atMs = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    b.suppressed++;
    if (this.reportTimer === undefined) {
      this.reportTimer = setTimeout(() => this.reportSuppressed(), SUPPRESSED_REPORT_MS);
      this.reportTimer.unref();
    }
    return false;
  }

  /** One line per message that was suppressed since the last report. */
  reportSuppressed(): void {
    this.reportTimer = undefined;
    const time = new Date(this.now()).toISOString();
    for (const b of this.buckets.values()) {
      if (b.suppressed === 0) continue;
      this.write(formatLine(time, b.level, 'log lines suppressed', { suppressedMsg: b.msg, suppressed: b.suppressed }));
      b.suppressed = 0;
    }
  }
}

function formatLine(time: string, level: LogLevel, msg: string, fields: Record<string, unknown>): string {
  const line = JSON.stringify({ time, level, msg, ...fields }, boundedValue);
  if (line.length <= logBounds.lineCharsMax) return line + '\n';
  return JSON.stringify({ time, level, msg, lineCharsOmitted: line.length, head: line.slice(0, logBounds.lineHeadCharsMax) }, boundedValue) + '\n';
}

/** Cuts a string to `max` chars with a marker saying how much went. */
export function truncateForLog(s: string, max = logBounds.stringCharsMax): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more chars]`;
}

/** JSON.stringify replacer: bigints as strings, errors as objects, every string, array and object bounded. */
function boundedValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') return truncateForLog(value, key === 'stack' ? logBounds.stackCharsMax : logBounds.stringCharsMax);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, stack: value.stack, ...(code !== undefined ? { code } : {}) };
  }
  if (Array.isArray(value)) {
    const max = logBounds.arrayItemsMax;
    return value.length <= max ? value : [...value.slice(0, max), `…[${value.length - max} more items]`];
  }
  if (value !== null && typeof value === 'object') return boundedObject(value as Record<string, unknown>);
  return value;
}

function boundedObject(value: Record<string, unknown>): Record<string, unknown> {
  const max = logBounds.objectKeysMax;
  let n = 0;
  let longKey = false;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    n++;
    if (k.length > logBounds.stringCharsMax) longKey = true;
    if (n > max) break;
  }
  if (n <= max && !longKey) return value;
  const out: Record<string, unknown> = {};
  let kept = 0;
  for (const k of Object.keys(value)) {
    if (kept === max) {
      out['…'] = `${Object.keys(value).length - max} more keys`;
      break;
    }
    out[truncateForLog(k)] = value[k];
    kept++;
  }
  return out;
}

/** A request's logger: see `requestLogger`. */
export interface RequestLogger extends Logger {
  /** Writes the summaries of what was folded; later lines go straight through. */
  finish(): void;
}

/** Warn and error lines with the same msg after the first few in one request are counted, not written. */
export const requestRepeatsMax = 3;

/**
 * Folds repeated warn/error lines of one request (the same msg, e.g. a rejected batch per partition)
 * into one summary written by finish(): the msg, `count` (all of them, written or not), `suppressed`,
 * and `byError`, the count per `error` field when the lines carry one.
 */
export function requestLogger(base: Logger, fields: Record<string, unknown>): RequestLogger {
  const log = base.child(fields);
  const repeats = new Map<string, { level: 'warn' | 'error'; msg: string; count: number; byError: Map<string, number> }>();
  let finished = false;
  const folded = (level: 'warn' | 'error') => (f: Record<string, unknown>, msg: string): void => {
    if (finished) return log[level](f, msg);
    const key = `${level}\u0000${msg}`;
    let r = repeats.get(key);
    if (r === undefined) {
      r = { level, msg, count: 0, byError: new Map() };
      repeats.set(key, r);
    }
    r.count++;
    const error = f.error;
    if ((typeof error === 'string' || typeof error === 'number') && (r.byError.has(String(error)) || r.byError.size < logBounds.objectKeysMax)) {
      r.byError.set(String(error), (r.byError.get(String(error)) ?? 0) + 1);
    }
    if (r.count <= requestRepeatsMax) log[level](f, msg);
  };
  return {
    debug: (f, m) => log.debug(f, m),
    info: (f, m) => log.info(f, m),
    warn: folded('warn'),
    error: folded('error'),
    child: (f) => log.child(f),
    finish() {
      if (finished) return;
      finished = true;
      for (const r of repeats.values()) {
        if (r.count <= requestRepeatsMax) continue;
        const summary: Record<string, unknown> = { count: r.count, suppressed: r.count - requestRepeatsMax, summary: true };
        if (r.byError.size > 0) summary.byError = Object.fromEntries(r.byError);
        log[r.level](summary, r.msg);
      }
    },
  };
}
