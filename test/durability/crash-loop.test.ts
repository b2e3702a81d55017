/**
 * Crash-consistency loop: a child broker takes acks=-1 produce load on several partitions, an acks=1
 * producer and offset commits, and is SIGKILLed at seeded random moments, then restarted on the same
 * directory. After every restart: every acknowledged batch is there with identical bytes, offsets are
 * dense from the log start, committed offsets are not older than acknowledged commits, and both the
 * on-disk indexes and reads from random offsets agree with the log.
 *
 *   MINIKAFKA_SOAK_KILLS=500 MINIKAFKA_SOAK_SEED=1234 node --test dist/test/durability/crash-loop.test.js
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { checkIndexesOnDisk } from './disk.js';
import {
  WireClient, batchDigest, commitOffsets, committedOffsets, createTopic, fetchAll, fetchFrom, makeBatch, prng, produce,
} from './wire.js';

const killsWanted = Number(process.env.MINIKAFKA_SOAK_KILLS ?? 30);
const seed = Number(process.env.MINIKAFKA_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOPIC = 'crash';
const LOOSE = 'crash-acks1';
const GROUP = 'crash-group';
const PARTITIONS = 4;
const PRODUCERS = 3;
const config = {
  'minikafka.internal.segment.bytes': 24_576, // many rolls: recovery crosses segment boundaries
  'log.index.interval.bytes': 512,
  'minikafka.log.level': 'info',
};

interface Acked { lastOffset: number; digest: string; bytes: number }

class Model {
  /** partition → baseOffset → what the broker acknowledged. */
  readonly acked = new Map<number, Map<number, Acked>>();
  /** Highest acknowledged commit per partition. */
  readonly commits = new Map<number, number>();
  ackedEnd(p: number): number {
    let end = 0;
    for (const a of this.acked.get(p)?.values() ?? []) end = Math.max(end, a.lastOffset + 1);
    return end;
  }
}

const stats = { kills: 0, verifiedBytes: 0, verifiedBatches: 0, ackedBatches: 0, commits: 0, randomReads: 0, indexEntries: 0, recoveries: 0 };

test(`crash loop: ${killsWanted} SIGKILLs under acks=-1 load (seed ${seed})`, { timeout: 60_000 + killsWanted * 4_000 }, async (t) => {
  t.diagnostic(`seed ${seed} (reproduce: MINIKAFKA_SOAK_SEED=${seed} MINIKAFKA_SOAK_KILLS=${killsWanted})`);
  const rand = prng(seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-crash-'));
  const model = new Model();
  const loose = new Model();
  let broker: BrokerProcess | undefined;
  try {
    for (let cycle = 0; cycle <= killsWanted; cycle++) {
      broker = await spawnBroker({ dataDir, config });
      if (broker.logs.some((l) => l.includes('recovered log after unclean shutdown'))) stats.recoveries += 1;
      const admin = await WireClient.connect(broker.bootstrap);
      try {
        if (cycle === 0) {
          assert.equal(await createTopic(admin, TOPIC, PARTITIONS), ErrorCode.NONE);
          assert.equal(await createTopic(admin, LOOSE, 1), ErrorCode.NONE);
        }
        await verify(admin, model, loose, rand, `cycle ${cycle} (seed ${seed})`);
      } finally {
        admin.close();
      }
      for (const topic of [TOPIC, LOOSE]) stats.indexEntries += checkIndexesOnDisk(join(dataDir, topic));
      if (cycle === killsWanted) break;
      // Load until a random moment, then kill; sometimes right away (recovery of a barely used log).
      const killAfterMs = rand() < 0.1 ? 0 : 30 + Math.floor(rand() * 400);
      const load = startLoad(broker.bootstrap, model, loose, rand);
      await new Promise((r) => setTimeout(r, killAfterMs));
      broker.kill('SIGKILL');
      const exit = await broker.stopped;
      assert.equal(exit.signal, 'SIGKILL');
      stats.kills += 1;
      await load.done;
    }
    const exit = await broker!.stop();
    assert.equal(exit.code, 0, 'clean stop after the loop');
    t.diagnostic(`kills survived ${stats.kills}; recoveries logged ${stats.recoveries}; acknowledged batches ${stats.ackedBatches}; ` +
      `bytes verified ${stats.verifiedBytes} in ${stats.verifiedBatches} batch checks; acknowledged commits ${stats.commits}; ` +
      `random-offset reads ${stats.randomReads}; index entries checked ${stats.indexEntries}`);
    assert.ok(stats.ackedBatches > killsWanted, 'the load acknowledged something');
  } finally {
    if (broker) await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function verify(client: WireClient, model: Model, loose: Model, rand: () => number, where: string): Promise<void> {
  for (let p = 0; p < PARTITIONS; p++) await verifyPartition(client, TOPIC, p, model, rand, where, true);
  await verifyPartition(client, LOOSE, 0, loose, rand, where, false);
  const committed = await committedOffsets(client, GROUP, TOPIC, [...Array(PARTITIONS).keys()]);
  for (const [p, acked] of model.commits) {
    const got = committed.get(p);
    assert.ok(got !== undefined && got >= acked, `${where}: ${TOPIC}/${p} committed ${got} older than acknowledged commit ${acked}`);
  }
}

async function verifyPartition(client: WireClient, topic: string, p: number, model: Model, rand: () => number, where: string, durable: boolean): Promise<void> {
  const all = await fetchAll(client, topic, p);
  assert.equal(all.errorCode, ErrorCode.NONE, `${where}: fetch ${topic}/${p}`);
  assert.equal(all.logStartOffset, 0, `${where}: ${topic}/${p} log start`);
  let next = all.logStartOffset;
  const byBase = new Map<number, (typeof all.batches)[number]>();
  for (const b of all.batches) {
    assert.equal(b.baseOffset, next, `${where}: ${topic}/${p} offsets not dense at ${next}`);
    next = b.lastOffset + 1;
    byBase.set(b.baseOffset, b);
  }
  assert.equal(next, all.highWatermark, `${where}: ${topic}/${p} batches end at the high watermark`);
  const acked = model.acked.get(p) ?? new Map<number, Acked>();
  if (durable) {
    for (const [base, a] of acked) {
      const got = byBase.get(base);
      assert.ok(got !== undefined, `${where}: acknowledged ${topic}/${p}@${base} lost (log end ${next})`);
      assert.equal(got.lastOffset, a.lastOffset, `${where}: ${topic}/${p}@${base} record count`);
      assert.equal(got.digest, a.digest, `${where}: ${topic}/${p}@${base} bytes differ`);
      stats.verifiedBytes += a.bytes;
      stats.verifiedBatches += 1;
    }
  } else {
    // acks=1 promises no corruption and dense offsets (checked above), not survival; what survived must match.
    for (const [base, a] of acked) {
      const got = byBase.get(base);
      if (got !== undefined && got.lastOffset === a.lastOffset) assert.equal(got.digest, a.digest, `${where}: ${topic}/${p}@${base} bytes differ`);
    }
    // Offsets past the log end may be handed out again: forget them.
    for (const base of [...acked.keys()]) if (base >= next) acked.delete(base);
  }
  // Reads from random offsets land on the batch holding that offset (the sparse index agrees with the log).
  for (let i = 0; i < 5 && next > 0; i++) {
    const offset = Math.floor(rand() * next);
    const res = await fetchFrom(client, topic, p, offset, 4096);
    const first = res.batches[0];
    assert.ok(first !== undefined && first.baseOffset <= offset && offset <= first.lastOffset, `${where}: read ${topic}/${p}@${offset} returned ${first?.baseOffset}..${first?.lastOffset}`);
    assert.equal(first.digest, byBase.get(first.baseOffset)?.digest, `${where}: read ${topic}/${p}@${offset} bytes`);
    stats.randomReads += 1;
  }
}

/** Producers (acks=-1, pipelined), one acks=1 producer and a committer, until their connections die. */
function startLoad(bootstrap: string, model: Model, loose: Model, rand: () => number): { done: Promise<void> } {
  const runProducer = async (id: number): Promise<void> => {
    const client = await WireClient.connect(bootstrap);
    let n = 0;
    const pipeline = async (): Promise<void> => {
      for (;;) {
        const p = Math.floor(rand() * PARTITIONS);
        const batch = makeBatch(rand, `p${id}-${n++}`);
        const digest = batchDigest(batch);
        const res = await produce(client, TOPIC, p, batch, -1);
        assert.equal(res.errorCode, ErrorCode.NONE, `produce ${TOPIC}/${p}`);
        const count = batch.readInt32BE(23) + 1;
        const map = model.acked.get(p) ?? new Map<number, Acked>();
        assert.ok(!map.has(res.baseOffset), `offset ${res.baseOffset} acknowledged twice on ${TOPIC}/${p}`);
        map.set(res.baseOffset, { lastOffset: res.baseOffset + count - 1, digest, bytes: batch.length });
        model.acked.set(p, map);
        stats.ackedBatches += 1;
      }
    };
    await Promise.allSettled([pipeline(), pipeline(), pipeline()]).then((rs) => rethrowAssertions(rs, client));
  };
  const runLoose = async (): Promise<void> => {
    const client = await WireClient.connect(bootstrap);
    const run = async (): Promise<void> => {
      for (let n = 0; ; n++) {
        const batch = makeBatch(rand, `loose-${n}`);
        const res = await produce(client, LOOSE, 0, batch, 1);
        assert.equal(res.errorCode, ErrorCode.NONE);
        const map = loose.acked.get(0) ?? new Map<number, Acked>();
        map.set(res.baseOffset, { lastOffset: res.baseOffset + batch.readInt32BE(23), digest: batchDigest(batch), bytes: batch.length });
        loose.acked.set(0, map);
      }
    };
    await Promise.allSettled([run()]).then((rs) => rethrowAssertions(rs, client));
  };
  const runCommitter = async (): Promise<void> => {
    const client = await WireClient.connect(bootstrap);
    const run = async (): Promise<void> => {
      for (;;) {
        const offsets = new Map<number, number>();
        for (let p = 0; p < PARTITIONS; p++) offsets.set(p, model.ackedEnd(p));
        const errors = await commitOffsets(client, GROUP, TOPIC, offsets);
        assert.deepEqual(errors, errors.map(() => ErrorCode.NONE), 'commit');
        for (const [p, o] of offsets) model.commits.set(p, Math.max(model.commits.get(p) ?? 0, o));
        stats.commits += 1;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await Promise.allSettled([run()]).then((rs) => rethrowAssertions(rs, client));
  };
  const tolerant = (p: Promise<void>): Promise<void> => p.catch((err: unknown) => {
    if (err instanceof assert.AssertionError) throw err;
  });
  const done = Promise.all([
    ...Array.from({ length: PRODUCERS }, (_, i) => tolerant(runProducer(i))),
    tolerant(runLoose()),
    tolerant(runCommitter()),
  ]).then(() => undefined);
  return { done };
}

/** Connection errors end a loader (the broker was killed); a failed assertion fails the test. */
function rethrowAssertions(results: PromiseSettledResult<void>[], client: WireClient): void {
  client.close();
  for (const r of results) if (r.status === 'rejected' && r.reason instanceof assert.AssertionError) throw r.reason;
}
