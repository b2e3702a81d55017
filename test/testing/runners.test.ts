// The README's Vitest and Jest set-ups, run as a user runs them: each runner's own CLI on the example
// suites under examples/testing/, with minikafka/testing's global setup starting one shared broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.js';

interface Run { code: number | null; output: string }

function run(args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env.NODE_TEST_CONTEXT;
  delete env.MINIKAFKA_BOOTSTRAP;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

test('Vitest: globalSetup minikafka/testing/vitest-setup, our client and KafkaJS in a namespace', { timeout: 120_000 }, async () => {
  const root = repoRoot;
  const r = await run([join(root, 'node_modules/vitest/vitest.mjs'), 'run'], join(root, 'examples/testing/vitest'), 110_000);
  assert.equal(r.code, 0, r.output.slice(-4000));
  assert.match(r.output, /Tests\s+2 passed \(2\)/, r.output.slice(-4000));
});

test('Jest (CommonJS): globalSetup/globalTeardown minikafka/testing/jest-setup, KafkaJS, resetCluster', { timeout: 120_000 }, async () => {
  const root = repoRoot;
  const config = join(root, 'examples/testing/jest/jest.config.cjs');
  const r = await run([join(root, 'node_modules/jest/bin/jest.js'), '--config', config, '--ci'], join(root, 'examples/testing/jest'), 110_000);
  assert.equal(r.code, 0, r.output.slice(-4000));
  assert.match(r.output, /Tests:\s+2 passed, 2 total/, r.output.slice(-4000));
});
