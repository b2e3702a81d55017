/**
 * Disk faults through the injectable file system (MemoryFs): ENOSPC/EIO on writes answer
 * KAFKA_STORAGE_ERROR for the affected partition only, reads and other partitions keep working,
 * nothing acknowledged is lost, and produce resumes once the fault is gone. An fsync failure takes
 * the log offline until a restart (as Kafka marks a log dir offline). Power loss (MemoryFs.crash,
 * with torn tails) under acks=-1 load keeps every acknowledged batch.
 * A real size-limited file system (tmpfs) is in full-disk.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { WireClient, batchDigest, checkAcked, createTopic, makeBatch, prng, produce, type Acked } from './wire.js';

const TOPIC = 'disk';
const PARTITIONS = 3;
const config = { 'minikafka.internal.segment.bytes': 16_384, 'log.index.interval.bytes': 256 };

type Logged = Record<string, unknown>;
interface FsBroker { broker: RunningBroker; logs: Logged[]; client: WireClient }

async function start(fs: MemoryFs, dataDir: string, extra: Record<string, string | number | boolean> = {}): Promise<FsBroker> {
  const logs: Logged[] = [];
  const logger = createLogger('info', (line) => logs.push(JSON.parse(line) as Logged));
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir, config: { ...config, ...extra }, logger, fs });
  return { broker, logs, client: await WireClient.connect(broker.bootstrap) };
}

async function stop(b: FsBroker): Promise<void> {
  b.client.close();
  await b.broker.close();
}


async function produceAcked(client: WireClient, acked: Acked, p: number, rand: () => number, tag: string): Promise<number> {
  const batch = makeBatch(rand, tag);
  const res = await produce(client, TOPIC, p, batch, -1);
  if (res.errorCode === ErrorCode.NONE) {
    const m = acked.get(p) ?? new Map<number, string>();
    m.set(res.baseOffset, batchDigest(batch));
    acked.set(p, m);
  }
  return res.errorCode;
}


function withDir(fn: (dataDir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-disk-'));
    try {
      await fn(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

for (const code of ['ENOSPC', 'EIO']) {
  test(`${code} on writes to one partition: KAFKA_STORAGE_ERROR there only; reads work; produce resumes when it clears`, withDir(async (dataDir) => {
    const fs = new MemoryFs();
    const b = await start(fs, dataDir);
    const rand = prng(3);
    const acked: Acked = new Map();
    try {
      assert.equal(await createTopic(b.client, TOPIC, PARTITIONS), ErrorCode.NONE);
      for (let i = 0; i < 30; i++) assert.equal(await produceAcked(b.client, acked, i % PARTITIONS, rand, `a${i}`), ErrorCode.NONE);
      // Every write under partition 1 fails: .log and .index alike (a full disk refuses all of them).
      const clear = fs.inject((op, path) => (op === 'write' && path.includes(`/${TOPIC}/1/`) ? code : undefined));
      let faults = 0;
      for (let i = 0; i < 30; i++) {
        const p = i % PARTITIONS;
        const err = await produceAcked(b.client, acked, p, rand, `f${i}`);
        if (p === 1) {
          assert.equal(err, ErrorCode.KAFKA_STORAGE_ERROR, `partition 1 answers KAFKA_STORAGE_ERROR (${code})`);
          faults += 1;
        } else {
          assert.equal(err, ErrorCode.NONE, `partition ${p} unaffected`);
        }
      }
      assert.ok(b.logs.some((l) => l.msg === 'append failed' && l.level === 'error'), 'append failure logged');
      await checkAcked(b.client, TOPIC, PARTITIONS, acked, `during ${code}`);
      clear();
      for (let i = 0; i < 9; i++) assert.equal(await produceAcked(b.client, acked, i % PARTITIONS, rand, `r${i}`), ErrorCode.NONE, 'produce resumes');
      await checkAcked(b.client, TOPIC, PARTITIONS, acked, `after ${code}`);
      assert.equal(faults, 10);
    } finally {
      await stop(b);
    }
    // And across a power loss: everything acknowledged was on disk.
    fs.crash();
    const again = await start(fs, dataDir);
    try {
      await checkAcked(again.client, TOPIC, PARTITIONS, acked, `after ${code} and a crash`);
    } finally {
      await stop(again);
    }
  }));
}

test('fsync EIO: the partition goes offline (KAFKA_STORAGE_ERROR, reads still served) until a restart recovers it', withDir(async (dataDir) => {
  const fs = new MemoryFs();
  const b = await start(fs, dataDir);
  const rand = prng(4);
  const acked: Acked = new Map();
  try {
    assert.equal(await createTopic(b.client, TOPIC, PARTITIONS), ErrorCode.NONE);
    for (let i = 0; i < 12; i++) assert.equal(await produceAcked(b.client, acked, i % PARTITIONS, rand, `a${i}`), ErrorCode.NONE);
    const clear = fs.inject((op, path) => (op === 'fsync' && path.includes(`/${TOPIC}/2/`) ? 'EIO' : undefined));
    assert.equal(await produceAcked(b.client, acked, 2, rand, 'x'), ErrorCode.KAFKA_STORAGE_ERROR);
    assert.ok(b.logs.some((l) => l.msg === 'fdatasync failed; log is offline'), 'offline logged');
    clear();
    // Offline by design: pages that failed to sync may be lost, so the log takes no more writes...
    assert.equal(await produceAcked(b.client, acked, 2, rand, 'y'), ErrorCode.KAFKA_STORAGE_ERROR, 'stays offline after the fault clears');
    // ...while other partitions write and everything acknowledged stays readable.
    assert.equal(await produceAcked(b.client, acked, 0, rand, 'z'), ErrorCode.NONE);
    await checkAcked(b.client, TOPIC, PARTITIONS, acked, 'while offline');
  } finally {
    await stop(b);
  }
  fs.crash();
  const again = await start(fs, dataDir);
  try {
    assert.equal(await produceAcked(again.client, acked, 2, rand, 'back'), ErrorCode.NONE, 'writable again after the restart');
    assert.ok(again.logs.some((l) => l.msg === 'recovered log after unclean shutdown' && l.partition === 2), 'the offline log was recovered (no clean marker)');
    await checkAcked(again.client, TOPIC, PARTITIONS, acked, 'after restart');
  } finally {
    await stop(again);
  }
}));

const powerLosses = Number(process.env.MINIKAFKA_POWERLOSS_CYCLES ?? 20);

test(`power loss under acks=-1 load (${powerLosses} MemoryFs crashes with torn tails): every acknowledged batch survives`, withDir(async (dataDir) => {
  const seed = Number(process.env.MINIKAFKA_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const rand = prng(seed);
  const fs = new MemoryFs();
  const acked: Acked = new Map();
  let verifiedBytes = 0;
  for (let cycle = 0; cycle < powerLosses; cycle++) {
    const b = await start(fs, dataDir);
    if (cycle === 0) assert.equal(await createTopic(b.client, TOPIC, PARTITIONS), ErrorCode.NONE);
    verifiedBytes += await checkAcked(b.client, TOPIC, PARTITIONS, acked, `cycle ${cycle} (seed ${seed})`);
    // Pipelined producers; the power fails at a random moment, with fsyncs in flight.
    const producers = Array.from({ length: 4 }, async (_, id) => {
      for (let n = 0; !b.client.socket.destroyed; n++) await produceAcked(b.client, acked, Math.floor(rand() * PARTITIONS), rand, `c${cycle}-${id}-${n}`);
    });
    await new Promise((r) => setTimeout(r, 5 + Math.floor(rand() * 60)));
    fs.crash({ tornTailBytes: (_path, tail) => Math.floor(rand() * (tail.length + 1)) });
    // The dead machine writes nothing more: every file operation fails while the old broker is discarded.
    const dead = fs.inject(() => 'EIO');
    b.client.close();
    await Promise.allSettled(producers);
    await b.broker.close().catch(() => undefined);
    dead();
    fs.crash();
  }
  const b = await start(fs, dataDir);
  try {
    verifiedBytes += await checkAcked(b.client, TOPIC, PARTITIONS, acked, `final (seed ${seed})`);
  } finally {
    await stop(b);
  }
  const total = [...acked.values()].reduce((n, m) => n + m.size, 0);
  console.log(`power loss: seed ${seed}, ${powerLosses} crashes, ${total} acknowledged batches, ${verifiedBytes} bytes verified`);
  assert.ok(total > powerLosses, 'the load acknowledged something');
}));
