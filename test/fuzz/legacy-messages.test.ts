// Smoke run of the legacy message set fuzzer (message formats v0/v1 as Produce v0-2 carry them): ~10 s
// (FUZZ_SECONDS) or FUZZ_EXECS executions, seed FUZZ_SEED. Fails on the first oracle violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage, formatReport, fuzz, optionsFromEnv } from './engine.js';

const coverage = Coverage.start();
const { legacyTarget, runLegacy } = await import('./legacy-messages-target.js');

test('every seed passes the oracle', () => {
  for (const s of legacyTarget.seeds) runLegacy(s);
});

test('fuzz the legacy message set reader', () => {
  const report = fuzz(coverage, legacyTarget, optionsFromEnv({ seconds: 10, execsMax: 2_000_000 }));
  console.log(formatReport(report));
  if (report.crash !== undefined) {
    assert.fail(`oracle violation, input saved as ${report.crash.path} (${report.crash.input.toString('hex')}): ${String(report.crash.error)}\n${(report.crash.error as Error).stack ?? ''}`);
  }
  assert.ok(report.execs > 1000, 'the fuzzer ran');
});
