/**
 * A small coverage-guided fuzzer (the classic AFL loop) driven by V8's precise block coverage.
 *
 * @jazzer.js cannot run here (its prebuilt addon needs a newer glibc; older releases download a binary
 * at install time), so feedback comes from `node:inspector`: `Profiler.startPreciseCoverage` with block
 * counts, and `Profiler.takePreciseCoverage`, which returns the counts and resets them. A take costs
 * about a millisecond while a decode costs microseconds, so inputs run in batches and one take covers
 * the batch; only a batch that reached something new is re-run input by input to find who did.
 *
 * Coverage start must precede the first import of the code under test (a function compiled before it
 * has no block counters), so targets are loaded with a dynamic import after `Coverage.start()`.
 */
import { Session } from 'node:inspector';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ---------------------------------------------------------------- random

/** mulberry32: small, fast, seeded, good enough to pick mutations. */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }

  chance(oneIn: number): boolean {
    return this.below(oneIn) === 0;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

// ---------------------------------------------------------------- coverage

interface V8Range { startOffset: number; endOffset: number; count: number }
interface V8Function { functionName: string; ranges: V8Range[] }
interface V8Script { url: string; functions: V8Function[] }

interface FunctionSegments {
  /** Sorted, distinct offsets of every range boundary ever reported for the function. */
  bounds: number[];
  /** covered[i]: the segment bounds[i]..bounds[i+1] ran in some input. */
  covered: boolean[];
}

/**
 * Union of code covered so far in the scripts a target cares about. V8 reports per function a tree of
 * ranges with counts and drops a nested range whose count equals its parent's, so ranges come and go
 * between runs; positions do not. The unit is a segment between two boundaries ever reported for the
 * function; it ran when the innermost range reported around it has a count above zero. A segment that
 * is split by a boundary seen later keeps its state for both halves (a block inside a covered range
 * that V8 did not report had that range's count).
 */
export class CoverageMap {
  private readonly fns = new Map<string, FunctionSegments>();
  blocksCovered = 0;
  blocksSeen = 0;

  constructor(private readonly include: (url: string) => boolean) {}

  get functionsSeen(): number {
    return this.fns.size;
  }

  get functionsCovered(): number {
    let n = 0;
    for (const f of this.fns.values()) if (f.covered.some((c) => c)) n++;
    return n;
  }

  /** Records functions and boundaries of a snapshot without marking anything covered (the denominator). */
  learn(scripts: V8Script[]): void {
    this.observe(scripts, true, false);
  }

  /** Segments this snapshot covers that no earlier one did; with `commit`, the map takes them in. */
  observe(scripts: V8Script[], commit: boolean, countCovered = true): number {
    let fresh = 0;
    for (const script of scripts) {
      if (!this.include(script.url)) continue;
      for (const fn of script.functions) {
        const ranges = fn.ranges;
        if (ranges.length === 0) continue;
        const fnKey = `${script.url}#${ranges[0]!.startOffset}`;
        const old = this.fns.get(fnKey);
        const seg = withBounds(old, ranges);
        const covered = seg === old ? [...seg.covered] : seg.covered;
        if (countCovered) {
          for (let i = 0; i < covered.length; i++) {
            if (covered[i]) continue;
            if (innermostCount(ranges, seg.bounds[i]!, seg.bounds[i + 1]!) > 0) {
              covered[i] = true;
              fresh++;
            }
          }
        }
        if (commit) {
          this.blocksSeen += covered.length - (old?.covered.length ?? 0);
          this.fns.set(fnKey, { bounds: seg.bounds, covered });
        }
      }
    }
    if (commit) this.blocksCovered += fresh;
    return fresh;
  }
}

/** The function's segments with the boundaries of `ranges` added (the same object if none is new). */
function withBounds(old: FunctionSegments | undefined, ranges: V8Range[]): FunctionSegments {
  const bounds = old?.bounds ?? [];
  let added: number[] | undefined;
  for (const r of ranges) {
    for (const b of [r.startOffset, r.endOffset]) {
      if (!bounds.includes(b) && !(added ?? []).includes(b)) (added ??= []).push(b);
    }
  }
  if (added === undefined && old !== undefined) return old;
  const next = [...bounds, ...(added ?? [])].sort((a, b) => a - b);
  const covered: boolean[] = [];
  for (let i = 0; i + 1 < next.length; i++) {
    // State of the old segment that contains this one (none: not covered).
    let state = false;
    if (old !== undefined) {
      for (let j = 0; j + 1 < old.bounds.length; j++) {
        if (old.bounds[j]! <= next[i]! && next[i + 1]! <= old.bounds[j + 1]!) {
          state = old.covered[j]!;
          break;
        }
      }
    }
    covered.push(state);
  }
  return { bounds: next, covered };
}

function innermostCount(ranges: V8Range[], s: number, e: number): number {
  let best = -1;
  let span = Infinity;
  for (const r of ranges) {
    if (r.startOffset <= s && e <= r.endOffset && r.endOffset - r.startOffset < span) {
      span = r.endOffset - r.startOffset;
      best = r.count;
    }
  }
  return best;
}

/** An in-process inspector session with precise block coverage on. */
export class Coverage {
  takes = 0;

  private constructor(private readonly session: Session) {}

  static start(): Coverage {
    const session = new Session();
    session.connect();
    const c = new Coverage(session);
    c.post('Profiler.enable');
    c.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    return c;
  }

  /** The counts since the previous take; resets them. */
  take(): V8Script[] {
    this.takes++;
    return (this.post('Profiler.takePreciseCoverage') as { result: V8Script[] }).result;
  }

  stop(): void {
    this.post('Profiler.stopPreciseCoverage');
    this.post('Profiler.disable');
    this.session.disconnect();
  }

  // An in-thread session answers synchronously, inside post().
  private post(method: string, params?: object): unknown {
    let out: unknown;
    let error: Error | null = null;
    this.session.post(method, params ?? {}, (err, res) => {
      error = err;
      out = res;
    });
    if (error !== null) throw error as Error;
    if (out === undefined) throw new Error(`inspector did not answer ${method} synchronously`);
    return out;
  }
}

// ---------------------------------------------------------------- mutation

const INTERESTING_8 = [-128, -1, 0, 1, 16, 32, 64, 100, 127];
const INTERESTING_16 = [-32768, -129, -1, 0, 1, 128, 255, 256, 512, 1000, 1024, 4096, 32767];
const INTERESTING_32 = [-2147483648, -100663046, -32769, -1, 0, 1, 32768, 65535, 65536, 100663045, 2147483647];

export type Mutator = (input: Buffer, rng: Rng, corpus: readonly Buffer[]) => Buffer;

function splice(buf: Buffer, at: number, remove: number, insert: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, at), insert, buf.subarray(at + remove)]);
}

function uvarintBytes(u: number): Buffer {
  const out: number[] = [];
  while (u >= 0x80) {
    out.push((u & 0x7f) | 0x80);
    u = Math.floor(u / 128);
  }
  out.push(u);
  return Buffer.from(out);
}

/** AFL-style havoc steps; each returns a new buffer (inputs in the corpus are never changed). */
export const havoc: readonly Mutator[] = [
  (b, rng) => { // flip one bit
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    const i = rng.below(out.length);
    out[i] = out[i]! ^ (1 << rng.below(8));
    return out;
  },
  (b, rng) => { // random byte
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    out[rng.below(out.length)] = rng.below(256);
    return out;
  },
  (b, rng) => { // interesting int8
    if (b.length === 0) return b;
    const out = Buffer.from(b);
    out.writeInt8(rng.pick(INTERESTING_8), rng.below(out.length));
    return out;
  },
  (b, rng) => { // interesting int16 BE
    if (b.length < 2) return b;
    const out = Buffer.from(b);
    out.writeInt16BE(rng.pick(INTERESTING_16), rng.below(out.length - 1));
    return out;
  },
  (b, rng) => { // interesting int32 BE
    if (b.length < 4) return b;
    const out = Buffer.from(b);
    out.writeInt32BE(rng.pick(INTERESTING_32), rng.below(out.length - 3));
    return out;
  },
  (b, rng) => { // small arithmetic on an int8/int16/int32 (length prefixes one off)
    const width = rng.pick([1, 2, 4]);
    if (b.length < width) return b;
    const out = Buffer.from(b);
    const at = rng.below(out.length - width + 1);
    const delta = (rng.below(35) + 1) * (rng.chance(2) ? 1 : -1);
    if (width === 1) out[at] = (out[at]! + delta) & 0xff;
    else if (width === 2) out.writeUInt16BE((out.readUInt16BE(at) + delta) & 0xffff, at);
    else out.writeUInt32BE((out.readUInt32BE(at) + delta) >>> 0, at);
    return out;
  },
  (b, rng) => { // length prefix = bytes left after it (+-1): a length that almost fits
    const width = rng.pick([2, 4]);
    if (b.length < width) return b;
    const out = Buffer.from(b);
    const at = rng.below(out.length - width + 1);
    const left = out.length - at - width + rng.below(3) - 1;
    if (width === 2) out.writeInt16BE(Math.max(-1, Math.min(32767, left)), at);
    else out.writeInt32BE(Math.max(-1, left), at);
    return out;
  },
  (b, rng) => { // replace a byte by a varint (compact lengths, tag numbers)
    if (b.length === 0) return b;
    const values = [0, 1, 2, 0x7f, 0x80, 0x3fff, 0x4000, 0x7fffffff, 0xffffffff, rng.below(b.length + 2)];
    return splice(b, rng.below(b.length), 1, uvarintBytes(rng.pick(values)));
  },
  (b, rng) => { // unterminated varint
    const at = rng.below(b.length + 1);
    return splice(b, at, 0, Buffer.alloc(rng.below(6) + 1, 0xff));
  },
  (b, rng) => { // delete a range
    if (b.length < 2) return b;
    const at = rng.below(b.length);
    return splice(b, at, 1 + rng.below(Math.min(32, b.length - at)), Buffer.alloc(0));
  },
  (b, rng) => { // insert random bytes
    const n = 1 + rng.below(16);
    const ins = Buffer.alloc(n);
    for (let i = 0; i < n; i++) ins[i] = rng.below(256);
    return splice(b, rng.below(b.length + 1), 0, ins);
  },
  (b, rng) => { // duplicate a range in place
    if (b.length === 0) return b;
    const from = rng.below(b.length);
    const chunk = Buffer.from(b.subarray(from, from + 1 + rng.below(Math.min(64, b.length - from))));
    return splice(b, rng.below(b.length + 1), 0, chunk);
  },
  (b, rng) => { // overwrite a range with a copy of another one
    if (b.length < 2) return b;
    const n = 1 + rng.below(Math.min(16, b.length - 1));
    const from = rng.below(b.length - n + 1);
    const to = rng.below(b.length - n + 1);
    const out = Buffer.from(b);
    b.copy(out, to, from, from + n);
    return out;
  },
  (b, rng) => { // truncate
    return b.length === 0 ? b : b.subarray(0, rng.below(b.length));
  },
  (b, rng, corpus) => { // splice: head of this input, tail of another
    const other = rng.pick(corpus);
    if (other.length === 0) return b;
    return Buffer.concat([b.subarray(0, rng.below(b.length + 1)), other.subarray(rng.below(other.length))]);
  },
];

// ---------------------------------------------------------------- the loop

export interface FuzzTarget {
  name: string;
  /** Scripts whose blocks count as feedback (matched against file:// URLs of dist/). */
  includeScript: (url: string) => boolean;
  seeds: Buffer[];
  maxInputBytes: number;
  /** Target-aware mutations, tried alongside havoc. */
  mutators?: readonly Mutator[];
  /** Runs one input; throws only on an oracle violation. */
  run: (input: Buffer) => void;
}

export interface FuzzOptions {
  seed: number;
  seconds: number;
  execsMax: number;
  /** Most inputs run between two coverage takes (a take costs as much as a few hundred decodes). */
  batchSizeMax?: number;
  /** Where crashing inputs are written. */
  crashDir?: string;
}

export interface FuzzCrash {
  input: Buffer;
  error: unknown;
  path: string;
}

export interface FuzzReport {
  target: string;
  seed: number;
  execs: number;
  elapsedMs: number;
  execsPerSecond: number;
  corpusSize: number;
  seedCount: number;
  blocksCovered: number;
  blocksSeen: number;
  functionsCovered: number;
  functionsSeen: number;
  coverageTakes: number;
  crash: FuzzCrash | undefined;
}

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name}=${v} is not a number`);
  return n;
}

/** Options from FUZZ_SECONDS, FUZZ_EXECS and FUZZ_SEED, with the smoke-run defaults. */
export function optionsFromEnv(defaults: { seconds: number; execsMax: number }): FuzzOptions {
  return {
    seconds: envNumber('FUZZ_SECONDS', defaults.seconds),
    execsMax: envNumber('FUZZ_EXECS', defaults.execsMax),
    seed: envNumber('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31)),
  };
}

export function fuzz(coverage: Coverage, target: FuzzTarget, options: FuzzOptions): FuzzReport {
  const rng = new Rng(options.seed);
  const map = new CoverageMap(target.includeScript);
  const batchSizeMin = 16;
  const batchSizeMax = options.batchSizeMax ?? 512;
  const mutators = [...havoc, ...(target.mutators ?? [])];
  const started = Date.now();
  const takesBefore = coverage.takes;
  const deadline = started + options.seconds * 1000;
  let execs = 0;
  let crash: FuzzCrash | undefined;

  const runChecked = (input: Buffer): boolean => {
    execs++;
    try {
      target.run(input);
      return true;
    } catch (error) {
      crash = { input, error, path: saveCrash(target.name, input, options.crashDir) };
      return false;
    }
  };

  map.learn(coverage.take()); // every function compiled so far, none covered: the denominator
  const corpus: Buffer[] = [];
  for (const s of target.seeds) {
    if (!runChecked(s)) break;
    if (map.observe(coverage.take(), true) > 0 || corpus.length === 0) corpus.push(s);
  }

  const mutate = (parent: Buffer): Buffer => {
    let b = parent;
    const steps = 1 << rng.below(4);
    for (let i = 0; i < steps; i++) b = rng.pick(mutators)(b, rng, corpus);
    return b.length > target.maxInputBytes ? b.subarray(0, target.maxInputBytes) : b;
  };

  // Which inputs of a batch reached something new: halve the batch until one input is left.
  const attribute = (inputs: Buffer[]): void => {
    for (const input of inputs) if (!runChecked(input)) return;
    const snapshot = coverage.take();
    if (inputs.length === 1) {
      if (map.observe(snapshot, true) > 0) corpus.push(inputs[0]!);
      return;
    }
    if (map.observe(snapshot, false) === 0) return;
    const half = inputs.length >> 1;
    attribute(inputs.slice(0, half));
    if (crash === undefined) attribute(inputs.slice(half));
  };

  // The batch grows while nothing new turns up (takes are the cost) and shrinks back when it does.
  let batchSize = batchSizeMin;
  const batch: Buffer[] = [];
  while (crash === undefined && execs < options.execsMax && Date.now() < deadline) {
    batch.length = 0;
    for (let i = 0; i < batchSize && crash === undefined; i++) {
      const input = mutate(rng.pick(corpus));
      batch.push(input);
      runChecked(input);
    }
    if (crash !== undefined) break;
    if (map.observe(coverage.take(), false) === 0) {
      batchSize = Math.min(batchSize * 2, batchSizeMax);
      continue;
    }
    attribute(batch);
    batchSize = batchSizeMin;
  }
  coverage.take();

  const elapsedMs = Date.now() - started;
  return {
    target: target.name,
    seed: options.seed,
    execs,
    elapsedMs,
    execsPerSecond: Math.round(execs / Math.max(elapsedMs / 1000, 0.001)),
    corpusSize: corpus.length,
    seedCount: target.seeds.length,
    blocksCovered: map.blocksCovered,
    blocksSeen: map.blocksSeen,
    functionsCovered: map.functionsCovered,
    functionsSeen: map.functionsSeen,
    coverageTakes: coverage.takes - takesBefore,
    crash,
  };
}

function saveCrash(name: string, input: Buffer, dir = join(tmpdir(), 'minikafka-fuzz')): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}-${createHash('sha1').update(input).digest('hex').slice(0, 12)}.bin`);
  writeFileSync(path, input);
  return path;
}

export function formatReport(r: FuzzReport): string {
  const pct = (a: number, b: number) => (b === 0 ? '0' : ((100 * a) / b).toFixed(1));
  return [
    `fuzz ${r.target}: seed ${r.seed} (FUZZ_SEED=${r.seed} reproduces)`,
    `  executions ${r.execs} in ${(r.elapsedMs / 1000).toFixed(1)} s (${r.execsPerSecond}/s)`,
    `  corpus ${r.corpusSize} inputs (${r.seedCount} seeds), ${r.coverageTakes} coverage snapshots`,
    `  blocks covered ${r.blocksCovered} of ${r.blocksSeen} seen (${pct(r.blocksCovered, r.blocksSeen)}%)`,
    `  functions covered ${r.functionsCovered} of ${r.functionsSeen} (${pct(r.functionsCovered, r.functionsSeen)}%)`,
  ].join('\n');
}
