// Smoke run of the SASL/SCRAM parser fuzzer (PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER servers, SCRAM
// message syntax): ~10 s (FUZZ_SECONDS) or FUZZ_EXECS executions, seed FUZZ_SEED. Fails on the first oracle violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coverage, formatReport, fuzz, optionsFromEnv } from './engine.js';

const coverage = Coverage.start();
const { saslTarget, runSasl } = await import('./sasl-target.js');

test('every seed passes the oracle', () => {
  for (const s of saslTarget.seeds) runSasl(s);
});

test('fuzz the SASL servers and SCRAM parsing', () => {
  const report = fuzz(coverage, saslTarget, optionsFromEnv({ seconds: 10, execsMax: 2_000_000 }));
  console.log(formatReport(report));
  if (report.crash !== undefined) {
    assert.fail(`oracle violation, input saved as ${report.crash.path} (${report.crash.input.toString('hex')}): ${String(report.crash.error)}\n${(report.crash.error as Error).stack ?? ''}`);
  }
  assert.ok(report.execs > 1000, 'the fuzzer ran');
});
