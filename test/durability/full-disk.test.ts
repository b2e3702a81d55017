/**
 * A real full disk: the data dir is a 2 MiB tmpfs, filled up by acks=-1 produce. Writes that do not fit
 * answer KAFKA_STORAGE_ERROR (never a crash, never a torn batch that a reader sees), what was
 * acknowledged reads back byte for byte, and produce resumes once space is freed. Needs mount (root
 * with CAP_SYS_ADMIN); skipped with the reason where the machine does not allow it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { WireClient, batchDigest, checkAcked, createTopic, fetchAll, makeBatch, prng, produce, type Acked } from './wire.js';

const TOPIC = 'full';
const PARTITIONS = 2;

function mountTmpfs(dir: string, bytes: number): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err).trim() || 'mount failed';
  }
}

test('a real full disk (2 MiB tmpfs): KAFKA_STORAGE_ERROR, acknowledged data intact, produce resumes when space is freed', async (t) => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'minikafka-fulldisk-'));
  const problem = mountTmpfs(mountPoint, 2 * 1024 * 1024);
  if (problem !== undefined) {
    rmSync(mountPoint, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here: ${problem}`);
    return;
  }
  const dataDir = join(mountPoint, 'data');
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir, logger, config: { 'minikafka.internal.segment.bytes': 256 * 1024 } });
  const client = await WireClient.connect(broker.bootstrap);
  // Room to free later: a filler file in the same file system.
  const filler = join(mountPoint, 'filler');
  writeFileSync(filler, Buffer.alloc(512 * 1024));
  const acked: Acked = new Map();
  const ack = (p: number, base: number, digest: string): void => { acked.set(p, (acked.get(p) ?? new Map()).set(base, digest)); };
  const rand = prng(21);
  try {
    assert.equal(await createTopic(client, TOPIC, PARTITIONS), ErrorCode.NONE);
    let storageErrors = 0;
    let otherErrors = 0;
    for (let i = 0; i < 4000 && storageErrors < 20; i++) {
      const p = i % PARTITIONS;
      const batch = makeBatch(rand, `b${i}`);
      const res = await produce(client, TOPIC, p, batch, -1);
      if (res.errorCode === ErrorCode.NONE) ack(p, res.baseOffset, batchDigest(batch));
      else if (res.errorCode === ErrorCode.KAFKA_STORAGE_ERROR) storageErrors++;
      else otherErrors++;
    }
    assert.ok(storageErrors >= 20, `the disk filled up (${[...acked.values()].reduce((n, m) => n + m.size, 0)} batches acknowledged first)`);
    assert.equal(otherErrors, 0, 'a full disk answers KAFKA_STORAGE_ERROR, nothing else');
    assert.ok(logs.some((l) => l.level === 'error' && /ENOSPC/.test(JSON.stringify(l))), 'ENOSPC is logged');
    await checkAcked(client, TOPIC, PARTITIONS, acked, 'disk full');
    rmSync(filler);
    let resumed = 0;
    for (let i = 0; i < 20; i++) {
      const p = i % PARTITIONS;
      const batch = makeBatch(rand, `r${i}`);
      const res = await produce(client, TOPIC, p, batch, -1);
      if (res.errorCode === ErrorCode.NONE) {
        ack(p, res.baseOffset, batchDigest(batch));
        resumed++;
      }
    }
    t.diagnostic(`acknowledged ${[...acked.values()].reduce((n, m) => n + m.size, 0)} batches, ${storageErrors} KAFKA_STORAGE_ERROR answers, ${resumed}/20 after freeing 512 KiB`);
    assert.ok(resumed >= 10, `produce resumes once space is freed (${resumed}/20)`);
    await checkAcked(client, TOPIC, PARTITIONS, acked, 'after freeing space');
    client.close();
    await broker.close();
    // A restart on the same (formerly full) disk serves everything acknowledged.
    const again = await startBroker({ host: '127.0.0.1', port: 0, dataDir, logger: createLogger('error', () => {}) });
    const c2 = await WireClient.connect(again.bootstrap);
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        const all = await fetchAll(c2, TOPIC, p);
        const byBase = new Map(all.batches.map((b) => [b.baseOffset, b.digest]));
        for (const [base, digest] of acked.get(p) ?? []) assert.equal(byBase.get(base), digest, `after restart: acknowledged ${p}@${base}`);
      }
    } finally {
      c2.close();
      await again.close();
    }
  } finally {
    client.close();
    await broker.close().catch(() => undefined);
    try { execFileSync('umount', [mountPoint]); } catch { /* already gone */ }
    rmSync(mountPoint, { recursive: true, force: true });
  }
});
