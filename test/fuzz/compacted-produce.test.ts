// Smoke run of the compacted-topic produce fuzzer (decompression and record validation): ~15 s
// (FUZZ_SECONDS) or FUZZ_EXECS executions, seed FUZZ_SEED. Fails on the first oracle violation and
// leaves the input in the file it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage, formatReport, optionsFromEnv } from './engine.js';
import { fuzzAsync } from './engine-async.js';

const coverage = Coverage.start();
const { compactedProduceTarget, runCompactedProduce } = await import('./compacted-produce-target.js');

test('every seed (honest and lying batches of every codec, past crashes) passes the oracle', async () => {
  assert.ok(compactedProduceTarget.seeds.length >= 30, 'seed corpus present');
  for (const s of compactedProduceTarget.seeds) await runCompactedProduce(s);
});

test('fuzz the produce path of a compacted topic', async () => {
  const report = await fuzzAsync(coverage, compactedProduceTarget, optionsFromEnv({ seconds: 15, execsMax: 5_000_000 }));
  console.log(formatReport(report));
  if (report.crash !== undefined) {
    assert.fail(`oracle violation, input saved as ${report.crash.path} (${report.crash.input.toString('hex').slice(0, 2000)}): ${String(report.crash.error)}\n${(report.crash.error as Error).stack ?? ''}`);
  }
  assert.ok(report.execs > 1000, 'the fuzzer ran');
  assert.ok(report.corpusSize > report.seedCount / 4, 'coverage feedback grew the corpus');
});
