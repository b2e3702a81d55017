// Smoke run of the __consumer_offsets load fuzzer: ~15 s (FUZZ_SECONDS) or FUZZ_EXECS executions, seed
// FUZZ_SEED. Fails on the first oracle violation and leaves the input in the file it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage, formatReport, fuzz, optionsFromEnv } from './engine.js';

const coverage = Coverage.start();
const { offsetsLoadTarget, runOffsetsLoad } = await import('./offsets-load-target.js');

test('every seed (records this broker writes, crafted ones, past crashes) passes the oracle', () => {
  assert.ok(offsetsLoadTarget.seeds.length >= 10, 'seed corpus present');
  for (const s of offsetsLoadTarget.seeds) runOffsetsLoad(s);
});

test('fuzz loading __consumer_offsets', () => {
  const report = fuzz(coverage, offsetsLoadTarget, optionsFromEnv({ seconds: 15, execsMax: 5_000_000 }));
  console.log(formatReport(report));
  if (report.crash !== undefined) {
    assert.fail(`oracle violation, input saved as ${report.crash.path} (${report.crash.input.toString('hex').slice(0, 2000)}): ${String(report.crash.error)}\n${(report.crash.error as Error).stack ?? ''}`);
  }
  assert.ok(report.execs > 1000, 'the fuzzer ran');
  assert.ok(report.corpusSize > report.seedCount / 4, 'coverage feedback grew the corpus');
});
