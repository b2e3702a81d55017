// Property-based testing of the HTTP listener from its own /openapi.json with schemathesis (PyPI, in the
// project-local virtualenv .venv-http made by `bash test/http/schemathesis-setup.sh`): every operation
// gets generated valid and invalid requests, and every check must hold: no 5xx, only documented status
// codes and content types, answers that match their schemas, invalid input refused and valid input
// accepted. Skips, saying why, without the virtualenv. SCHEMATHESIS_MAX_EXAMPLES (default 20) and
// SCHEMATHESIS_SEED (default fixed, printed) bound and reproduce a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schemathesis = path.join(root, '.venv-http', 'bin', 'schemathesis');
const RUN_MS_MAX = 8 * 60_000;

test('schemathesis finds no failure in /openapi.json: no 5xx, documented statuses and shapes', { timeout: RUN_MS_MAX + 30_000 }, async (t) => {
  if (!existsSync(schemathesis)) {
    const why = `${path.relative(root, schemathesis)} is missing (run: bash test/http/schemathesis-setup.sh)`;
    process.stdout.write(`# schemathesis test skipped: ${why}\n`);
    t.skip(why);
    return;
  }
  const examples = process.env['SCHEMATHESIS_MAX_EXAMPLES'] ?? '20';
  const seed = process.env['SCHEMATHESIS_SEED'] ?? '20261202';
  const errors: string[] = [];
  const logger = createLogger('error', (line) => void errors.push(line));
  // No auto-creation: generated topic names stay unknown (404) instead of filling the broker. HTTP Basic
  // on (a JAAS user and an authorizer): schemathesis calls as the super user, and its ignored_auth check
  // finds every call without valid credentials refused.
  const broker = await startBroker({
    host: '127.0.0.1', port: 0, httpPort: 0, logger,
    config: {
      'auto.create.topics.enable': false, 'minikafka.http.max.body.bytes': 65536,
      'listeners': 'SASL_PLAINTEXT://127.0.0.1:0', 'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:admin',
      'connection.failed.authentication.delay.ms': 0,
    },
  });
  const cwd = mkdtempSync(path.join(tmpdir(), 'minikafka-schemathesis-'));
  try {
    const args = ['--config-file', path.join(root, 'test', 'http', 'schemathesis.toml'), 'run', `${broker.httpUrl}/openapi.json`, '--auth', 'admin:admin-secret', '--checks', 'all', '--max-examples', examples, '--seed', seed,
      '--workers', '1', '--request-timeout', '10', '--phases', 'examples,coverage,fuzzing', '--no-shrink', '--max-failures', '20'];
    process.stdout.write(`# schemathesis ${args.join(' ')}\n`);
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(schemathesis, args, { cwd, env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' } });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-400_000)));
      child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-400_000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_MS_MAX);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, output });
      });
    });
    const summary = output.split('\n').filter((l) => /generated|failures|passed|Seed:|❌|✅/.test(l)).slice(-12).join('\n');
    process.stdout.write(`${summary}\n`);
    assert.equal(code, 0, `schemathesis failed (seed ${seed}):\n${output.slice(-20_000)}`);
    assert.deepEqual(errors.filter((l) => l.includes('http request failed')), [], 'no request ended in an internal error');
  } finally {
    await broker.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
