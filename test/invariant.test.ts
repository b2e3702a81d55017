// src/invariant.ts: assertions throw InvariantError, and a broken invariant stops the broker's process
// with one fatal log line instead of being swallowed by the connection that met it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { InvariantError, assert as invariant, assertSame, stopOnInvariant } from '../src/invariant.js';
import { ApiKey } from '../src/protocol/generated/index.js';
import { ErrorCode } from '../src/protocol/errors.js';
import { StorageIoError } from '../src/storage/errors.js';
import { WireClient } from './broker/wire-client.js';
import { distDir } from './support/paths.js';
import { exited, stopChild, track } from './support/children.js';

test('assert and assertSame throw InvariantError only when the invariant breaks', () => {
  invariant(true, 'never');
  assertSame(3, 3, 'count');
  assert.throws(() => invariant(false, 'offsets are dense'), (e: unknown) => e instanceof InvariantError && e.message === 'offsets are dense');
  assert.throws(() => invariant(0, () => 'lazy message'), /lazy message/);
  assert.throws(() => assertSame(4, 5, 'offsets assigned vs counted'), (e: unknown) => e instanceof InvariantError && /4 !== 5/.test(e.message));
  assert.equal(stopOnInvariant(new Error('ordinary')), false, 'other errors are left to their caller');
});

test('a bug met during I/O is never wrapped as a storage error', () => {
  const bug = new InvariantError('segments out of order');
  assert.throws(() => new StorageIoError('compact', 't-0', bug), (e: unknown) => e === bug);
  assert.equal(new StorageIoError('append', 't-0', Object.assign(new Error('disk'), { code: 'EIO' })).syscallCode, 'EIO');
});

test('an InvariantError in a handler stops the process with a fatal line; an ordinary error only closes its connection', async () => {
  const child = spawn(process.execPath, [join(distDir, 'test', 'support', 'invariant-broker.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const lines: string[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${lines.join('\n')} ${stderr}`)), 15_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.includes('"msg":"ready"')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { bootstrap: string }).bootstrap);
      }
    });
  });
  const stopped = exited(child);
  try {
    const bootstrap = await ready;
    const first = await WireClient.connect(bootstrap);
    await assert.rejects(first.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false }), /connection closed/);
    const second = await WireClient.connect(bootstrap);
    const versions = await second.request(ApiKey.ApiVersions, 0, {});
    assert.equal(versions.errorCode, ErrorCode.NONE, 'the broker carries on after an ordinary error');
    second.request(ApiKey.Metadata, 1, { topics: null }).catch(() => undefined);
    const exit = await Promise.race([stopped, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 10_000).unref())]);
    assert.notEqual(exit, 'running', 'the process stopped');
    assert.notEqual((exit as { code: number | null }).code, 0);
    const fatal = lines.filter((l) => l.includes('invariant failed: stopping'));
    assert.equal(fatal.length, 1, `one fatal line: ${lines.join('\n')}`);
    assert.match(fatal[0]!, /planted invariant failure/);
    assert.match(stderr, /InvariantError: planted invariant failure/);
    second.close();
    first.close();
  } finally {
    await stopChild(child, 'SIGKILL', 1_000);
  }
});
