// PartitionLog against a simple in-memory model: random appends, reads, flushes, retention,
// clean reopen and crash reopen (MemoryFs power loss with torn tails).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readBatchHeader } from '../../src/protocol/record-batch.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog, type LogConfig } from '../../src/storage/log.js';
import { allValid, batch } from './helpers.js';

interface ModelBatch {
  base: number;
  last: number;
  bytes: Buffer;
}

type Op =
  | { kind: 'append'; batches: Array<{ records: number; valueBytes: number }> }
  | { kind: 'read'; at: number; maxBytes: number; minOne: boolean }
  | { kind: 'flush' }
  | { kind: 'retention'; bytes: number }
  | { kind: 'reopen' }
  | { kind: 'crash'; torn: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('append' as const), batches: fc.array(fc.record({ records: fc.integer({ min: 1, max: 5 }), valueBytes: fc.integer({ min: 0, max: 120 }) }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), at: fc.nat(), maxBytes: fc.integer({ min: 1, max: 2000 }), minOne: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), bytes: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), torn: fc.nat({ max: 400 }) }) },
);

class Harness {
  fs = new MemoryFs();
  model: ModelBatch[] = [];
  start = 0;
  durable = 0;
  log: PartitionLog;
  seed = 0;

  constructor(private readonly config: Partial<LogConfig>) {
    this.log = this.open();
  }

  open(): PartitionLog {
    return PartitionLog.open('/d/p', { fs: this.fs, config: this.config });
  }

  get end(): number {
    return this.model.length === 0 ? this.start : this.model[this.model.length - 1]!.last + 1;
  }

  append(op: Extract<Op, { kind: 'append' }>): void {
    const parts = op.batches.map((b) => batch(b.records, { valueBytes: b.valueBytes, ts: 1000 + this.seed, seed: this.seed++ }));
    const buf = Buffer.concat(parts);
    const res = this.log.append(buf);
    assert.equal(res.baseOffset, this.end, 'dense offsets');
    let next = res.baseOffset;
    for (let pos = 0; pos < buf.length; ) {
      const h = readBatchHeader(buf, pos);
      assert.equal(h.baseOffset, next);
      this.model.push({ base: next, last: next + h.lastOffsetDelta, bytes: Buffer.from(buf.subarray(pos, pos + h.sizeBytes)) });
      next += h.lastOffsetDelta + 1;
      pos += h.sizeBytes;
    }
    assert.equal(res.lastOffset, next - 1);
    assert.equal(this.log.logEndOffset, next);
  }

  read(op: Extract<Op, { kind: 'read' }>): void {
    const span = this.end - this.start + 3;
    const at = this.start - 1 + (op.at % span);
    const r = this.log.read(at, op.maxBytes, { minOneBatch: op.minOne });
    if (at < this.start || at > this.end) {
      assert.equal(r.ok, false, `offset ${at} should be out of range [${this.start}, ${this.end}]`);
      return;
    }
    assert.ok(r.ok);
    const i = this.model.findIndex((b) => b.last >= at);
    if (i < 0) {
      assert.equal(r.records.length, 0);
      return;
    }
    const first = this.model[i]!;
    if (first.bytes.length <= op.maxBytes || op.minOne) assert.ok(r.records.length > 0, 'first batch returned');
    assert.ok(r.records.length <= op.maxBytes || r.records.length === first.bytes.length);
    let pos = 0;
    for (let j = i; pos < r.records.length; j++) {
      const b = this.model[j]!;
      assert.ok(r.records.subarray(pos, pos + b.bytes.length).equals(b.bytes), 'byte-identical read');
      pos += b.bytes.length;
    }
    assert.equal(pos, r.records.length, 'whole batches only');
    assert.ok(allValid(r.records), 'CRC valid on read-back');
  }

  async flush(): Promise<void> {
    await this.log.flush();
    this.durable = this.end;
    assert.equal(this.log.durableEndOffset, this.end);
  }

  retention(op: Extract<Op, { kind: 'retention' }>): void {
    const beforeEnd = this.log.logEndOffset;
    this.log.applyRetention(0, { retentionMs: -1, retentionBytes: op.bytes });
    this.syncStart();
    assert.equal(this.log.logEndOffset, beforeEnd);
  }

  private syncStart(): void {
    this.start = this.log.logStartOffset;
    assert.ok(this.start <= this.end);
    assert.ok(this.start === this.end || this.model.some((b) => b.base === this.start), 'start on a batch boundary');
    this.model = this.model.filter((b) => b.base >= this.start);
  }

  async reopen(): Promise<void> {
    await this.log.close(true);
    this.durable = this.end;
    this.log = this.open();
    assert.equal(this.log.logEndOffset, this.end);
    assert.equal(this.log.logStartOffset, this.start);
  }

  crash(op: Extract<Op, { kind: 'crash' }>): void {
    this.fs.crash({ tornTailBytes: (_path, tail) => op.torn % (tail.length + 1) });
    this.log = this.open();
    const end = this.log.logEndOffset;
    assert.ok(end >= this.durable, `flushed data lost: end ${end} < durable ${this.durable}`);
    assert.ok(end <= this.end);
    this.model = this.model.filter((b) => b.last < end);
    assert.equal(this.end, end, 'recovered end on a batch boundary');
    this.syncStart();
    this.durable = end;
  }

  async run(op: Op): Promise<void> {
    if (op.kind === 'append') this.append(op);
    else if (op.kind === 'read') this.read(op);
    else if (op.kind === 'flush') await this.flush();
    else if (op.kind === 'retention') this.retention(op);
    else if (op.kind === 'reopen') await this.reopen();
    else this.crash(op);
  }

  /** Final check: the whole log reads back as the model. */
  verifyAll(): void {
    const want = Buffer.concat(this.model.map((b) => b.bytes));
    const got: Buffer[] = [];
    for (let at = this.start; at < this.end; ) {
      const r = this.log.read(at, 1e6, { minOneBatch: true });
      assert.ok(r.ok && r.records.length > 0);
      got.push(r.records);
      let pos = 0;
      for (; pos < r.records.length; pos += readBatchHeader(r.records, pos).sizeBytes) at = readBatchHeader(r.records, pos).baseOffset + readBatchHeader(r.records, pos).lastOffsetDelta + 1;
    }
    assert.ok(Buffer.concat(got).equals(want));
  }
}

test('property: PartitionLog matches the model through appends, reads, retention, reopen and crashes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 5, maxLength: 80, size: 'max' }),
      fc.integer({ min: 200, max: 1500 }),
      fc.integer({ min: 0, max: 400 }),
      async (ops, segmentBytes, indexIntervalBytes) => {
        const h = new Harness({ segmentBytes, indexIntervalBytes });
        for (const op of ops) await h.run(op);
        h.verifyAll();
      },
    ),
    { numRuns: 150 },
  );
});
