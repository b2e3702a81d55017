// `minikafka run -- COMMAND`: a broker for the command's lifetime, its address in the environment, the
// command's exit status passed through, nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { runCli } from './run-cli.js';
import { cliPath } from '../support/paths.js';

test('minikafka run: the command reaches the broker through MINIKAFKA_BOOTSTRAP and its exit code is ours', { timeout: 60_000 }, async () => {
  // The child uses the minikafka CLI itself (which reads MINIKAFKA_BOOTSTRAP) to create and list a topic.
  const script = `
    const { execFileSync } = require('node:child_process');
    const cli = (...a) => execFileSync(process.execPath, [${JSON.stringify(cliPath)}, ...a], { encoding: 'utf8' });
    cli('topics', 'create', 'from-run', '--partitions', '3');
    process.stdout.write('BOOTSTRAP=' + process.env.MINIKAFKA_BOOTSTRAP + ' KAFKA=' + process.env.KAFKA_BOOTSTRAP_SERVERS + '\\n');
    process.stdout.write(cli('topics', 'list', '--json'));
    process.exit(7);
  `;
  const r = await runCli(['run', '--set', 'num.partitions=2', '--', process.execPath, '-e', script]);
  assert.equal(r.code, 7, r.stderr);
  const m = /BOOTSTRAP=(127\.0\.0\.1:\d+) KAFKA=(\S+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[2], m[1]);
  assert.match(r.stdout, /"from-run"/);
});

test('minikafka run: usage errors exit 2', async () => {
  assert.equal((await runCli(['run'])).code, 2);
  assert.equal((await runCli(['run', '--bogus', '--', 'true'])).code, 2);
  const help = await runCli(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /minikafka run \[--set name=value \.\.\.\] -- COMMAND/);
  assert.ok(existsSync(cliPath));
});
