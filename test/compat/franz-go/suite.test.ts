/**
 * franz-go's own integration suite (pkg/kgo's *_test.go of github.com/twmb/franz-go v1.22.3, from the
 * Go module proxy) against a broker started here. The test binary is built with `go test -c` inside
 * test/interop/franz-go (whose go.mod pins the version); the tests named in tests.allow run in one
 * process, four at a time, and each must PASS (a skip counts as a failure). FINDINGS.md says why the others cannot yet.
 *
 * Suite knobs: KGO_SEEDS names the broker's PLAINTEXT listener, KGO_TEST_SCRAM_SEEDS and
 * KGO_TEST_OAUTH_SEEDS its SASL_PLAINTEXT listener (SCRAM-SHA-256 user added through
 * AlterUserScramCredentials, KGO_TEST_SCRAM; OAUTHBEARER with Kafka's unsecured validator),
 * KGO_TEST_RF=1 (one node), KGO_TEST_RECORDS=5000 bounds the ETL tests (default 500,000),
 * KGO_LOG_LEVEL=none keeps the output to test results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestBroker } from '../../broker/harness.js';
import { track } from '../../support/children.js';
import { goSkip } from '../../interop/modern-clients/go-build.js';
import { addScramUser } from '../../interop/security/users.js';

const run = promisify(execFile);
const here = fileURLToPath(new URL('../../../../test/compat/franz-go/', import.meta.url));
const moduleDir = fileURLToPath(new URL('../../../../test/interop/franz-go/', import.meta.url));
const binDir = fileURLToPath(new URL('./bin/', import.meta.url));
const suiteTimeoutS = 240;

const allowed = readFileSync(`${here}tests.allow`, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

function runSuite(binary: string, seeds: string, saslSeeds: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['-test.run', `^(${allowed.join('|')})$`, '-test.v', '-test.count=1', '-test.parallel=4', `-test.timeout=${suiteTimeoutS}s`], {
      cwd: binDir,
      env: {
        ...process.env, KGO_SEEDS: seeds, KGO_TEST_SCRAM_SEEDS: saslSeeds, KGO_TEST_SCRAM: 'kgo:kgo-secret', KGO_TEST_OAUTH_SEEDS: saslSeeds, KGO_TEST_RF: '1', KGO_TEST_RECORDS: '5000', KGO_LOG_LEVEL: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child);
    let output = '';
    const keep = (d: Buffer) => { output = (output + d.toString()).slice(-2_000_000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), (suiteTimeoutS + 30) * 1000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

test(`franz-go pkg/kgo integration suite: the ${allowed.length} tests of tests.allow pass against the broker`, { timeout: 900_000, skip: goSkip }, async () => {
  assert.ok(allowed.length > 0 && allowed.every((t) => /^Test\w+$/.test(t)), 'tests.allow holds test names');
  mkdirSync(binDir, { recursive: true });
  const binary = `${binDir}kgo.test`;
  await run('go', ['test', '-c', '-buildvcs=false', '-o', binary, 'github.com/twmb/franz-go/pkg/kgo'], {
    cwd: moduleDir,
    env: { ...process.env, GOFLAGS: '-mod=readonly', GO111MODULE: 'on' },
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const broker = await startTestBroker({
    'minikafka.log.level': 'warn',
    'minikafka.fetch.max.wait.ms': 250,
    'listeners': 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-256,OAUTHBEARER',
    'connection.failed.authentication.delay.ms': 10,
  });
  let result: { code: number | null; output: string };
  try {
    await addScramUser(broker.bootstrap, 'kgo', 'kgo-secret');
    const sasl = broker.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.bootstrap;
    result = await runSuite(binary, broker.bootstrap, sasl);
  } finally {
    await broker.close();
  }
  const outcome = new Map<string, string>();
  for (const m of result.output.matchAll(/^--- (PASS|FAIL|SKIP): (\S+)/gm)) outcome.set(m[2]!, m[1]!);
  const notPassed = allowed.filter((t) => outcome.get(t) !== 'PASS').map((t) => `${t}: ${outcome.get(t) ?? 'no result'}`);
  // What the failing tests said: t.Error/t.Fatal lines and FAIL markers, not the per-test cleanup chatter.
  const noise = /^=== |--- PASS|deleting (topic|group)|completed in/;
  const tail = result.output.split('\n').filter((l) => !noise.test(l)).slice(-80).join('\n');
  assert.deepEqual(notPassed, [], `allowed tests that did not pass (exit ${result.code}):\n${tail}`);
  assert.equal(result.code, 0, tail);
});
