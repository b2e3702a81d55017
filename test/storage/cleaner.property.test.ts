// Compacted PartitionLog against a model: random keyed appends and tombstones, tiny segments,
// cleaner passes (some cut short by an I/O fault), flushes, clean reopens and power-loss crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog, type LogConfig } from '../../src/storage/log.js';
import { dumpLog, keyedBatch, type KV, type ReadRecord } from './compaction-helpers.js';

const DELETE_RETENTION_MS = 100;

type Op =
  | { kind: 'append'; batches: Array<Array<{ key: number; tombstone: boolean }>> }
  | { kind: 'compact'; advanceMs: number; force: boolean }
  | { kind: 'faultyCompact'; failAt: number }
  | { kind: 'flush' }
  | { kind: 'roll' }
  | { kind: 'reopen' }
  | { kind: 'crash'; torn: number };

const recordArb = fc.record({ key: fc.integer({ min: 0, max: 7 }), tombstone: fc.boolean().map((b) => b && Math.random() < 0.5) });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('append' as const), batches: fc.array(fc.array(recordArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('compact' as const), advanceMs: fc.integer({ min: 0, max: 150 }), force: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('faultyCompact' as const), failAt: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'roll' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), torn: fc.nat({ max: 300 }) }) },
);

class Harness {
  fs = new MemoryFs();
  nowMs = 0;
  /** Every record ever appended (and not lost to a crash), by offset. */
  model: ReadRecord[] = [];
  durable = 0;
  seq = 0;
  log: PartitionLog;
  previous: ReadRecord[] = [];

  constructor(private readonly config: Partial<LogConfig>) {
    this.log = this.open();
  }

  open(): PartitionLog {
    return PartitionLog.open('/d/p', { fs: this.fs, config: this.config, clock: () => this.nowMs });
  }

  get end(): number {
    return this.model.length === 0 ? 0 : this.model[this.model.length - 1]!.offset + 1;
  }

  append(op: Extract<Op, { kind: 'append' }>): void {
    for (const b of op.batches) {
      const kvs: KV[] = b.map((r) => ({ key: `k${r.key}`, value: r.tombstone ? null : `v${this.seq++}` }));
      const res = this.log.append(keyedBatch(kvs, 1000 + this.nowMs));
      assert.equal(res.baseOffset, this.end, 'next offset stays dense');
      kvs.forEach((kv, i) => this.model.push({ ...kv, offset: res.baseOffset + i, timestamp: 1000 + this.nowMs + i }));
    }
  }

  async compact(op: Extract<Op, { kind: 'compact' }>): Promise<void> {
    this.nowMs += op.advanceMs;
    const activeBase = this.log.activeSegmentBaseOffset;
    const before = dumpLog(this.log).records.filter((r) => r.offset >= activeBase);
    await this.log.compact(this.nowMs, { force: op.force });
    const after = dumpLog(this.log).records.filter((r) => r.offset >= activeBase);
    assert.deepEqual(after, before, 'nothing in the active segment is touched');
  }

  async faultyCompact(op: Extract<Op, { kind: 'faultyCompact' }>): Promise<void> {
    let n = 0;
    const stop = this.fs.inject((kind) => (kind === 'rename' || kind === 'rm' || kind === 'fsync' || kind === 'write') && ++n === op.failAt ? 'EIO' : undefined);
    try {
      await this.log.compact(this.nowMs, { force: true });
    } catch {
      // an I/O fault mid-pass: the crash below is what matters
    } finally {
      stop();
    }
    this.crash({ kind: 'crash', torn: 0 });
  }

  async flush(): Promise<void> {
    await this.log.flush();
    this.durable = this.end;
  }

  async reopen(): Promise<void> {
    await this.log.close(true);
    this.durable = this.end;
    this.log = this.open();
    assert.equal(this.log.logEndOffset, this.end);
  }

  crash(op: Extract<Op, { kind: 'crash' }>): void {
    if (!this.log.offline) this.log.release();
    this.fs.crash({ tornTailBytes: (_path, tail) => op.torn % (tail.length + 1) });
    this.log = this.open();
    const end = this.log.logEndOffset;
    assert.ok(end >= this.durable, `flushed data lost: end ${end} < durable ${this.durable}`);
    assert.ok(end <= this.end);
    this.model = this.model.filter((r) => r.offset < end);
    this.durable = end;
  }

  async run(op: Op): Promise<void> {
    if (op.kind === 'append') this.append(op);
    else if (op.kind === 'compact') await this.compact(op);
    else if (op.kind === 'faultyCompact') await this.faultyCompact(op);
    else if (op.kind === 'flush') await this.flush();
    else if (op.kind === 'roll') this.log.roll();
    else if (op.kind === 'reopen') await this.reopen();
    else this.crash(op);
    this.check();
  }

  /** Every record read is one the model holds; each key's latest live value is readable; nothing stale is its latest. */
  check(): void {
    const { records } = dumpLog(this.log);
    const byOffset = new Map(this.model.map((r) => [r.offset, r]));
    for (const r of records) {
      const m = byOffset.get(r.offset);
      assert.ok(m !== undefined, `record at ${r.offset} was never appended`);
      assert.deepEqual([r.key, r.value, r.timestamp], [m.key, m.value, m.timestamp], `record ${r.offset} intact`);
    }
    const latestModel = new Map<string, ReadRecord>();
    for (const r of this.model) latestModel.set(r.key!, r);
    const latestRead = new Map<string, ReadRecord>();
    for (const r of records) latestRead.set(r.key!, r);
    for (const [key, want] of latestModel) {
      const got = latestRead.get(key);
      if (want.value !== null) assert.equal(got?.offset, want.offset, `latest value of ${key} readable`);
      else assert.ok(got === undefined || got.offset === want.offset, `${key}: either its tombstone or nothing`);
    }
    assert.equal(this.log.logEndOffset, this.end);
    this.previous = records;
  }

  /** Everything sealed and past every horizon: the log must hold exactly the live latest values. */
  async compactFully(): Promise<void> {
    if (this.log.offline) this.crash({ kind: 'crash', torn: 0 });
    this.log.roll();
    await this.flush();
    await this.log.compact(this.nowMs, { force: true });
    this.nowMs += DELETE_RETENTION_MS;
    await this.log.compact(this.nowMs, { force: true });
    const got = dumpLog(this.log).records.map((r) => [r.offset, r.key, r.value]);
    const latest = new Map<string, ReadRecord>();
    for (const r of this.model) latest.set(r.key!, r);
    const want = [...latest.values()].filter((r) => r.value !== null).sort((a, b) => a.offset - b.offset).map((r) => [r.offset, r.key, r.value]);
    assert.deepEqual(got, want, 'fully compacted log equals the model');
  }
}

test('property: compacted log keeps the latest value per key through appends, passes, faults, reopens and crashes', async () => {
  await assertProperty(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 5, maxLength: 60, size: 'max' }),
      fc.integer({ min: 150, max: 600 }),
      fc.integer({ min: 0, max: 200 }),
      async (ops, segmentBytes, indexIntervalBytes) => {
        const h = new Harness({
          segmentBytes,
          indexIntervalBytes,
          cleanupPolicy: { compact: true, delete: false },
          deleteRetentionMs: DELETE_RETENTION_MS,
          minCleanableDirtyRatio: 0.3,
        });
        for (const op of ops) {
          if (h.log.offline && op.kind !== 'crash') h.crash({ kind: 'crash', torn: 0 });
          await h.run(op);
        }
        await h.compactFully();
        await h.reopen();
        h.check();
      },
    ),
    { numRuns: 150 },
  );
});

/** fc.assert, with the failing assertion's message in the thrown error (node:test shows only the message). */
async function assertProperty(prop: fc.IAsyncProperty<any>, params: fc.Parameters<any>): Promise<void> {
  const out = await fc.check(prop, params);
  if (out.failed) throw new Error(`${fc.defaultReportMessage(out)}\n${String((out.errorInstance as Error | undefined)?.stack ?? '')}`);
}
