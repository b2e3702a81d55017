// Smoke run of the record batch validator fuzzer: ~15 s (FUZZ_SECONDS) or FUZZ_EXECS executions, seed
// FUZZ_SEED. Fails on the first oracle violation and leaves the input in the file it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage, formatReport, fuzz, optionsFromEnv } from './engine.js';

const coverage = Coverage.start();
const { batchTarget, runBatch } = await import('./batch-target.js');

test('every seed (captured and built record sets, past crashes) passes the oracle', () => {
  assert.ok(batchTarget.seeds.length >= 10, 'seed corpus present');
  for (const s of batchTarget.seeds) runBatch(s);
});

test('fuzz the record batch validator and the append path', () => {
  const report = fuzz(coverage, batchTarget, optionsFromEnv({ seconds: 15, execsMax: 5_000_000 }));
  console.log(formatReport(report));
  if (report.crash !== undefined) {
    assert.fail(`oracle violation, input saved as ${report.crash.path} (${report.crash.input.toString('hex')}): ${String(report.crash.error)}\n${(report.crash.error as Error).stack ?? ''}`);
  }
  assert.ok(report.execs > 1000, 'the fuzzer ran');
  assert.ok(report.corpusSize > report.seedCount / 2, 'coverage feedback grew the corpus');
});
