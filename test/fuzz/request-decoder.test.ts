// Smoke run of the request decoder fuzzer: ~15 s (FUZZ_SECONDS) or FUZZ_EXECS executions, seed FUZZ_SEED.
// Fails on the first oracle violation and leaves the input in the file it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage, formatReport, fuzz, optionsFromEnv } from './engine.js';

const coverage = Coverage.start();
const { requestTarget, runRequest } = await import('./request-target.js');

test('every seed (captured frames and past crashes) passes the oracle', () => {
  assert.ok(requestTarget.seeds.length >= 30, 'seed corpus present');
  for (const s of requestTarget.seeds) runRequest(s);
});

test('fuzz the request decoder', () => {
  const report = fuzz(coverage, requestTarget, optionsFromEnv({ seconds: 15, execsMax: 5_000_000 }));
  console.log(formatReport(report));
  if (report.crash !== undefined) {
    assert.fail(`oracle violation, input saved as ${report.crash.path} (${report.crash.input.toString('hex')}): ${String(report.crash.error)}\n${(report.crash.error as Error).stack ?? ''}`);
  }
  assert.ok(report.execs > 1000, 'the fuzzer ran');
  assert.ok(report.corpusSize > report.seedCount / 2, 'coverage feedback grew the corpus');
});
