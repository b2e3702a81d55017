import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { DataDirLockedError, lockDataDir } from '../../src/broker/data-dir-lock.js';
import { spawnBroker } from '../support/broker-process.js';
import { WireClient } from './wire-client.js';

// The lock file's name; hard-coded here so this file also ran against the pid-file version.
const LOCK_NAME = '~minikafka.lock';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mk-lock-'));
}

test('a second broker on the same data directory refuses to start; the first keeps it', async () => {
  const dir = tempDir();
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
  const dir = tempDir();
  try {
    writeFileSync(join(dir, '.lock'), '2147483646');
    writeFileSync(join(dir, LOCK_NAME), '2147483646');
    const broker = await startTestBroker({}, dir);
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock file naming our own pid from a previous life (a container\'s pid 1) does not block start', async () => {
  // Bug: the lock was a pid file, and a restart that got the crashed broker's pid was refused.
  const dir = tempDir();
  try {
    writeFileSync(join(dir, '.lock'), String(process.pid));
    writeFileSync(join(dir, LOCK_NAME), String(process.pid));
    const broker = await startTestBroker({}, dir);
    assert.equal(readFileSync(join(dir, LOCK_NAME), 'utf8').trim(), String(process.pid), 'the pid is kept as information');
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock file naming an unrelated live process does not block start', async () => {
  // Bug: the lock was a pid file, and any live process that got the old pid kept the directory locked.
  const dir = tempDir();
  try {
    writeFileSync(join(dir, '.lock'), String(process.ppid));
    writeFileSync(join(dir, LOCK_NAME), String(process.ppid));
    const broker = await startTestBroker({}, dir);
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lock is a kernel lock: a live broker process refuses a second one; once SIGKILLed its dir reopens at once', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  try {
    const child = await spawnBroker({ dataDir: dir });
    try {
      assert.throws(() => lockDataDir(dir), DataDirLockedError, 'a live broker in another process holds the lock');
      await assert.rejects(startTestBroker({}, dir), DataDirLockedError);
    } finally {
      child.kill('SIGKILL');
      await child.stopped;
    }
    const t0 = performance.now();
    const broker = await startTestBroker({}, dir);
    const startMs = performance.now() - t0;
    try {
      const client = await WireClient.connect(broker.bootstrap);
      client.close();
      assert.ok(startMs < 5_000, `restart took ${startMs} ms`);
    } finally {
      await broker.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('taking the lock costs a few milliseconds', () => {
  const dir = tempDir();
  try {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const lock = lockDataDir(dir);
      samples.push(performance.now() - t0);
      assert.equal(lock.kind, 'flock');
      lock.release();
    }
    samples.sort((a, b) => a - b);
    console.log(`# lockDataDir median ${samples[2]!.toFixed(2)} ms (${samples.map((s) => s.toFixed(1)).join(', ')})`);
    assert.ok(samples[2]! < 200, 'bounded start-up cost');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without flock(1) the pid fallback still refuses a second lock in this process, and warns once', () => {
  const dir = tempDir();
  const savedPath = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const warnings: string[] = [];
    const lock = lockDataDir(dir, { warn: (msg) => warnings.push(msg) });
    assert.equal(lock.kind, 'pid');
    assert.throws(() => lockDataDir(dir, { warn: (msg) => warnings.push(msg) }), DataDirLockedError);
    lock.release();
    const again = lockDataDir(dir, { warn: (msg) => warnings.push(msg) });
    again.release();
    assert.equal(warnings.length, 1);
  } finally {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
});
