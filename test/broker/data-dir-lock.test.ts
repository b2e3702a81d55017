import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { DataDirLockedError } from '../../src/broker/data-dir-lock.js';

test('a second broker on the same data directory refuses to start; the first keeps it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mk-lock-'));
  try {
    const first = await startTestBroker({}, dir);
    await assert.rejects(startTestBroker({}, dir), DataDirLockedError);
    await first.close();
    const again = await startTestBroker({}, dir);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead process (SIGKILL) is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mk-lock-'));
  try {
    writeFileSync(join(dir, '.lock'), '2147483646');
    const broker = await startTestBroker({}, dir);
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
