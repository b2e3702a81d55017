/**
 * The coverage-guided loop of engine.ts for targets whose run is asynchronous (the produce path
 * decompresses on libuv's thread pool): the same corpus, mutations, batching and attribution, with
 * every run awaited before coverage is taken.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoverageMap, Rng, havoc, type Coverage, type FuzzCrash, type FuzzOptions, type FuzzReport, type FuzzTarget } from './engine.js';

export interface AsyncFuzzTarget extends Omit<FuzzTarget, 'run'> {
  /** Runs one input; rejects only on an oracle violation. */
  run: (input: Buffer) => Promise<void>;
}

export async function fuzzAsync(coverage: Coverage, target: AsyncFuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(options.seed);
  const map = new CoverageMap(target.includeScript);
  const batchSizeMin = 16;
  const batchSizeMax = options.batchSizeMax ?? 256;
  const mutators = [...havoc, ...(target.mutators ?? [])];
  const started = Date.now();
  const takesBefore = coverage.takes;
  const deadline = started + options.seconds * 1000;
  let execs = 0;
  let crash: FuzzCrash | undefined;

  const runChecked = async (input: Buffer): Promise<boolean> => {
    execs++;
    try {
      await target.run(input);
      return true;
    } catch (error) {
      crash = { input, error, path: saveCrash(target.name, input, options.crashDir) };
      return false;
    }
  };

  map.learn(coverage.take());
  const corpus: Buffer[] = [];
  for (const s of target.seeds) {
    if (!(await runChecked(s))) break;
    if (map.observe(coverage.take(), true) > 0 || corpus.length === 0) corpus.push(s);
  }

  const mutate = (parent: Buffer): Buffer => {
    let b = parent;
    const steps = 1 << rng.below(4);
    for (let i = 0; i < steps; i++) b = rng.pick(mutators)(b, rng, corpus);
    return b.length > target.maxInputBytes ? b.subarray(0, target.maxInputBytes) : b;
  };

  const attribute = async (inputs: Buffer[]): Promise<void> => {
    for (const input of inputs) if (!(await runChecked(input))) return;
    const snapshot = coverage.take();
    if (inputs.length === 1) {
      if (map.observe(snapshot, true) > 0) corpus.push(inputs[0]!);
      return;
    }
    if (map.observe(snapshot, false) === 0) return;
    const half = inputs.length >> 1;
    await attribute(inputs.slice(0, half));
    if (crash === undefined) await attribute(inputs.slice(half));
  };

  let batchSize = batchSizeMin;
  const batch: Buffer[] = [];
  while (crash === undefined && execs < options.execsMax && Date.now() < deadline && corpus.length > 0) {
    batch.length = 0;
    for (let i = 0; i < batchSize && crash === undefined; i++) {
      const input = mutate(rng.pick(corpus));
      batch.push(input);
      await runChecked(input);
    }
    if (crash !== undefined) break;
    if (map.observe(coverage.take(), false) === 0) {
      batchSize = Math.min(batchSize * 2, batchSizeMax);
      continue;
    }
    await attribute(batch);
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
