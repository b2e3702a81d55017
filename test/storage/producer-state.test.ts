// Producer state (src/storage/producer-state.ts, producer-state-files.ts): deduplication, sequence
// and epoch checks, transactions and the LSO, and how the state survives clean and unclean restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL, buildMarkerBatch } from '../../src/protocol/txn-records.js';
import { MemoryFs, writeFileAtomic } from '../../src/storage/fs.js';
import { PartitionLog } from '../../src/storage/log.js';
import { StorageError } from '../../src/storage/errors.js';
import { ProducerStateManager, addSequence } from '../../src/storage/producer-state.js';
import { encodeProducerSnapshotFile } from '../../src/protocol/txn-records.js';

const DIR = '/data/t/0';

function idem(pid: number, epoch: number, seq: number, count = 1, opts: { txn?: boolean; tag?: string; ts?: number } = {}): Buffer {
  return buildRecordBatch({
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    attributes: opts.txn === true ? ATTR_TRANSACTIONAL : 0,
    baseTimestamp: opts.ts ?? 1000,
    records: Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`${opts.tag ?? 'v'}-${seq + i}`) })),
  });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof StorageError) return err.code;
    throw err;
  }
  return 'NONE';
}

function marker(pid: number, epoch: number, commit: boolean): Buffer {
  return buildMarkerBatch({ producerId: pid, producerEpoch: epoch, coordinatorEpoch: 0, commit, timestampMs: 1000 });
}

test('a retry of any of the last 5 batches gets its first offsets and is not stored again; an older one is out of order', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
  const first: number[] = [];
  for (let i = 0; i < 7; i++) first.push(log.append(idem(7, 0, i * 2, 2)).baseOffset);
  const end = log.logEndOffset;
  for (let i = 2; i < 7; i++) {
    const r = log.append(idem(7, 0, i * 2, 2));
    assert.equal(r.duplicate, true);
    assert.equal(r.baseOffset, first[i]);
    assert.equal(r.lastOffset, first[i]! + 1);
  }
  assert.equal(log.logEndOffset, end, 'nothing appended for retries');
  assert.equal(code(() => log.append(idem(7, 0, 2, 2))), 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'batch 1 is no longer remembered');
});

test('sequence gaps, old epochs and new epochs are checked as Kafka does', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
  log.append(idem(1, 3, 0, 3));
  assert.equal(code(() => log.append(idem(1, 3, 4))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  assert.equal(code(() => log.append(idem(1, 3, 2))), 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'overlapping, not equal to a stored batch');
  assert.equal(code(() => log.append(idem(1, 2, 3))), 'INVALID_PRODUCER_EPOCH');
  assert.equal(code(() => log.append(idem(1, 4, 5))), 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'a new epoch starts at 0');
  assert.equal(code(() => log.append(idem(1, 4, 0))), 'NONE');
  assert.equal(code(() => log.append(idem(1, 3, 3))), 'INVALID_PRODUCER_EPOCH', 'the old epoch is fenced now');
  assert.equal(code(() => log.append(idem(2, 0, 12345))), 'NONE', 'an unknown producer may start anywhere');
  assert.equal(code(() => log.append(idem(2, 0, 12346))), 'NONE');
  assert.equal(code(() => log.append(marker(2, 0, true))), 'INVALID_RECORD', 'clients may not write control batches');
});

test('sequences wrap after 2^31-1', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
  log.append(idem(9, 0, 0x7ffffffe, 2));
  assert.equal(addSequence(0x7fffffff, 1), 0);
  assert.equal(code(() => log.append(idem(9, 0, 0))), 'NONE');
  assert.equal(log.append(idem(9, 0, 0x7ffffffe, 2)).duplicate, true);
});

test('transactions: the LSO stops at the first open one; aborts are listed for read_committed', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
  log.append(idem(1, 0, 0, 2)); // 0-1 plain idempotent
  log.append(idem(2, 0, 0, 2, { txn: true })); // 2-3 txn A
  log.append(idem(3, 0, 0, 1, { txn: true })); // 4 txn B
  assert.equal(log.producers.lastStableOffset(log.highWatermark), 2);
  assert.equal(code(() => log.append(idem(2, 0, 2, 1))), 'INVALID_TXN_STATE', 'plain batch inside an open transaction');
  log.append(marker(2, 0, false), { origin: 'coordinator' }); // 5 abort A
  assert.equal(log.producers.lastStableOffset(log.highWatermark), 4);
  log.append(marker(3, 0, true), { origin: 'coordinator' }); // 6 commit B
  assert.equal(log.producers.lastStableOffset(log.highWatermark), 7);
  assert.deepEqual(log.producers.abortedTxns(0, 7), [{ producerId: 2, firstOffset: 2, lastOffset: 5, lastStableOffset: 4 }]);
  assert.deepEqual(log.producers.abortedTxns(6, 7), []);
  assert.deepEqual(log.producers.abortedTxns(0, 2), []);
  assert.equal(code(() => log.append(marker(3, 0, true), { origin: 'client' })), 'INVALID_RECORD');
});

for (const restart of ['clean', 'crash', 'roll then crash'] as const) {
  test(`deduplication, open transactions and aborted transactions survive a ${restart} restart`, async () => {
    const fs = new MemoryFs();
    const config = { segmentBytes: 4096 };
    let log = PartitionLog.open(DIR, { fs, config });
    const offsets: number[] = [];
    for (let i = 0; i < 5; i++) offsets.push(log.append(idem(5, 1, i)).baseOffset);
    log.append(idem(6, 0, 0, 3, { txn: true }));
    log.append(marker(6, 0, false), { origin: 'coordinator' });
    log.append(idem(6, 0, 3, 1, { txn: true })); // open
    if (restart === 'roll then crash') {
      log.roll();
      log.append(idem(5, 1, 5));
      offsets.push(log.logEndOffset - 1);
    }
    await log.flush();
    if (restart === 'clean') await log.close();
    else {
      log.release();
      fs.crash();
    }
    const names = fs.readdir(DIR);
    if (restart !== 'crash') assert.ok(names.some((n) => n.endsWith('.snapshot')), `a snapshot was written: ${names.join(' ')}`);
    log = PartitionLog.open(DIR, { fs, config });
    for (let i = offsets.length - 5; i < offsets.length; i++) {
      const r = log.append(idem(5, 1, i));
      assert.equal(r.duplicate, true, `batch ${i} recognised`);
      assert.equal(r.baseOffset, offsets[i]);
    }
    assert.deepEqual(log.producers.abortedTxns(0, log.logEndOffset).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[6, 5, 8]]);
    assert.equal(log.producers.lastStableOffset(log.highWatermark), 9, 'the open transaction still holds the LSO');
    await log.close();
  });
}

test('a corrupt snapshot is dropped and the state is rebuilt from the log', async () => {
  const fs = new MemoryFs();
  let log = PartitionLog.open(DIR, { fs });
  log.append(idem(5, 0, 0, 2));
  await log.close();
  const snap = fs.readdir(DIR).find((n) => n.endsWith('.snapshot'))!;
  fs.corrupt(`${DIR}/${snap}`, 8);
  log = PartitionLog.open(DIR, { fs });
  assert.equal(log.append(idem(5, 0, 0, 2)).duplicate, true);
  assert.ok(!fs.readdir(DIR).includes(snap) || fs.readFile(`${DIR}/${snap}`).length > 0);
  await log.close();
});

test('property: whatever mix of new batches, retries and gaps, every accepted batch is stored once in order', () => {
  type Op = { kind: 'next' | 'retry' | 'gap'; back: number; count: number };
  const op = fc.record({ kind: fc.constantFrom('next', 'next', 'retry', 'gap') as fc.Arbitrary<Op['kind']>, back: fc.nat(7), count: fc.integer({ min: 1, max: 4 }) });
  fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
    const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
    const sent: { seq: number; count: number; offset: number }[] = [];
    let nextSeq = 0;
    for (const o of ops) {
      if (o.kind === 'next') {
        const r = log.append(idem(1, 0, nextSeq, o.count));
        assert.equal(r.duplicate, undefined);
        sent.push({ seq: nextSeq, count: o.count, offset: r.baseOffset });
        nextSeq += o.count;
      } else if (o.kind === 'retry' && sent.length > 0) {
        const i = Math.max(0, sent.length - 1 - o.back);
        const b = sent[i]!;
        if (sent.length - i <= 5) assert.equal(log.append(idem(1, 0, b.seq, b.count)).baseOffset, b.offset);
        else assert.equal(code(() => log.append(idem(1, 0, b.seq, b.count))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
      } else if (o.kind === 'gap' && sent.length > 0) {
        assert.equal(code(() => log.append(idem(1, 0, nextSeq + 1 + o.back, o.count))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
      }
    }
    const total = sent.reduce((n, b) => n + b.count, 0);
    assert.equal(log.logEndOffset, total);
  }), { numRuns: 200 });
});

test('producer.id.expiration.ms: idle producers without open transactions are forgotten', () => {
  const state = new ProducerStateManager();
  state.apply(state.check(idem(1, 0, 0), 'client'), 0, 1000);
  state.apply(state.check(idem(2, 0, 0, 1, { txn: true }), 'client'), 1, 1000);
  assert.equal(state.expire(5000, 1000), 1);
  assert.equal(state.entry(1), undefined);
  assert.notEqual(state.entry(2), undefined);
});

test('producer expiration counts on the broker clock, not the batch timestamp, also after a restart', async () => {
  // The batch timestamps are the client's (CreateTime, an hour old here): they must not expire a producer early.
  const state = new ProducerStateManager();
  state.apply(state.check(idem(1, 0, 0, 1, { ts: 1000 }), 'client'), 0, 3_600_000);
  assert.equal(state.entry(1)?.batches.at(-1)?.timestampMs, 1000, 'the batch maxTimestamp is what DescribeProducers reports');
  assert.equal(state.expire(3_600_500, 1000), 0);
  assert.equal(state.expire(3_601_000, 1000), 1);

  const fs = new MemoryFs();
  let now = 3_600_000;
  let log = PartitionLog.open(DIR, { fs, clock: () => now });
  log.append(idem(5, 0, 0, 2, { ts: 1000 }));
  await log.close();
  now = 7_200_000;
  log = PartitionLog.open(DIR, { fs, clock: () => now });
  assert.equal(log.producers.entry(5)?.lastUpdateMs, 7_200_000, 'a restored producer counts from the load');
  assert.equal(log.producers.expire(now + 999, 1000), 0);
  assert.equal(log.append(idem(5, 0, 0, 2, { ts: 1000 })).duplicate, true);
  await log.close();
});

test('batch timestamps round-trip through a snapshot; out-of-range ones are stored as -1 and never make it unreadable', async () => {
  const fs = new MemoryFs();
  let log = PartitionLog.open(DIR, { fs, clock: () => 50_000 });
  log.append(idem(5, 0, 0, 2, { ts: 1234 }));
  log.append(idem(6, 0, 0, 1, { ts: -5 })); // a negative CreateTime other than -1 passes validation
  await log.close();
  const snap = fs.readdir(DIR).find((n) => n.endsWith('.snapshot'))!;
  log = PartitionLog.open(DIR, { fs, clock: () => 60_000 });
  assert.ok(fs.readdir(DIR).includes(snap), 'the snapshot was read, not dropped');
  assert.equal(log.producers.entry(5)?.batches.at(-1)?.timestampMs, 1234);
  assert.equal(log.producers.entry(6)?.batches.at(-1)?.timestampMs, -1);
  assert.equal(log.append(idem(6, 0, 0, 1, { ts: -5 })).duplicate, true);
  await log.close();

  // A snapshot row with a timestamp no number holds (written elsewhere, or by an older build) loads too.
  const row = { producerId: 7n, epoch: 0, lastSequence: 0, lastOffset: 2n, offsetDelta: 0, coordinatorEpoch: -1, currentTxnFirstOffset: -1n };
  const last = fs.readdir(DIR).filter((n) => n.endsWith('.snapshot')).sort().at(-1)!;
  writeFileAtomic(fs, `${DIR}/${last}`, encodeProducerSnapshotFile([{ ...row, timestamp: -7n }, { ...row, producerId: 8n, timestamp: 1n << 60n }]));
  log = PartitionLog.open(DIR, { fs, clock: () => 70_000 });
  assert.ok(fs.readdir(DIR).includes(last), 'the snapshot was read, not dropped');
  assert.deepEqual([log.producers.entry(7)?.batches.at(-1)?.timestampMs, log.producers.entry(8)?.batches.at(-1)?.timestampMs], [-1, -1]);
  assert.equal(log.producers.entry(7)?.lastUpdateMs, 70_000);
  await log.close();
});

test('compaction: an aborted transactional value never replaces the committed one before it, and goes (its batch stays empty, its marker stays)', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: { cleanupPolicy: { delete: false, compact: true }, minCleanableDirtyRatio: 0 } });
  const value = (v: string) => [{ key: Buffer.from('k'), value: Buffer.from(v) }];
  log.append(buildRecordBatch({ baseTimestamp: 1, records: value('committed') }));
  log.append(buildRecordBatch({ attributes: ATTR_TRANSACTIONAL, producerId: 4, producerEpoch: 0, baseSequence: 0, baseTimestamp: 1, records: value('aborted') }));
  log.append(marker(4, 0, false), { origin: 'coordinator' });
  log.append(buildRecordBatch({ baseTimestamp: 1, records: [{ key: Buffer.from('other'), value: Buffer.from('plain-old') }] }));
  log.append(buildRecordBatch({ baseTimestamp: 1, records: [{ key: Buffer.from('other'), value: Buffer.from('plain-new') }] }));
  log.roll();
  log.append(buildRecordBatch({ baseTimestamp: 1, records: [{ key: Buffer.from('active'), value: Buffer.from('z') }] }));
  await log.flush();
  const result = await log.compact(0, { force: true });
  assert.ok(result.ran);
  const read = log.read(0, 1 << 20);
  assert.ok(read.ok);
  const text = read.records.toString('latin1');
  assert.ok(text.includes('committed'), 'the committed value survives');
  assert.ok(!text.includes('aborted'), 'the aborted value is removed, as Kafka\'s cleaner does');
  assert.deepEqual(log.producers.abortedTxns(0, log.logEndOffset).map((t) => [t.firstOffset, t.lastOffset]), [[1, 2]]);
  assert.ok(!text.includes('plain-old') && text.includes('plain-new'), 'plain records are still compacted');
  await log.close();
});

test('an abort in a segment rolled after the log was opened survives clean and unclean restarts', async () => {
  // Regression: its .txnindex entry was filed under the segment list of open time, so it was never written.
  for (const clean of [true, false]) {
    const fs = new MemoryFs();
    let log = PartitionLog.open(DIR, { fs });
    log.append(idem(9, 0, 0));
    log.roll();
    log.append(idem(1, 0, 0, 1, { txn: true }));
    log.append(marker(1, 0, false), { origin: 'coordinator' });
    log.roll();
    log.append(idem(9, 0, 1));
    await log.flush();
    if (clean) await log.close();
    else log.release();
    log = PartitionLog.open(DIR, { fs });
    assert.deepEqual(log.producers.abortedTxns(0, log.logEndOffset).map((t) => [t.firstOffset, t.lastOffset]), [[1, 2]], clean ? 'clean restart' : 'unclean restart');
    await log.close();
  }
});

test('aborts in the active segment from before and after a clean restart all survive the next restart', async () => {
  // Regression: the active segment's .txnindex was rewritten at shutdown with only the aborts since the last open.
  const fs = new MemoryFs();
  let log = PartitionLog.open(DIR, { fs });
  const abort = (pid: number): void => {
    log.append(idem(pid, 0, 0, 1, { txn: true }));
    log.append(marker(pid, 0, false), { origin: 'coordinator' });
  };
  abort(1);
  await log.close();
  log = PartitionLog.open(DIR, { fs });
  abort(2);
  await log.close();
  log = PartitionLog.open(DIR, { fs });
  assert.deepEqual(log.producers.abortedTxns(0, log.logEndOffset).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[1, 0, 1], [2, 2, 3]]);
  await log.close();
});
