// Compaction of transactional data (src/storage/cleaner-txn.ts with cleaner.ts), as Kafka's
// LogCleaner does it: aborted records removed, markers removed once their transaction's data is
// gone and delete.retention.ms has passed, a producer's last batch kept (empty if need be), nothing
// cleaned at or past the segment holding the last stable offset; and retention or DeleteRecords
// past an open transaction keep the LSO at the log start, as Kafka does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRecordBatch, isControlBatch, isTransactionalBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL, buildMarkerBatch, controlBatchType, CONTROL_ABORT } from '../../src/protocol/txn-records.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog, type LogConfig } from '../../src/storage/log.js';
import { decodeUncompressed, type ReadRecord } from './compaction-helpers.js';

const DIR = '/data/t/0';
const RETENTION_MS = 100;
const CONFIG: Partial<LogConfig> = { cleanupPolicy: { delete: false, compact: true }, minCleanableDirtyRatio: 0, deleteRetentionMs: RETENTION_MS };

type KV = [key: string, value: string | null];

function plain(...kvs: KV[]): Buffer {
  return buildRecordBatch({ baseTimestamp: 1000, records: kvs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })) });
}

function txn(pid: number, seq: number, ...kvs: KV[]): Buffer {
  return buildRecordBatch({
    attributes: ATTR_TRANSACTIONAL, producerId: pid, producerEpoch: 0, baseSequence: seq, baseTimestamp: 1000,
    records: kvs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
  });
}

function marker(log: PartitionLog, pid: number, commit: boolean): number {
  return log.append(buildMarkerBatch({ producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, commit, timestampMs: 1000 }), { origin: 'coordinator' }).baseOffset;
}

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  control: boolean;
  transactional: boolean;
  producerId: number;
  records: ReadRecord[];
  raw: Buffer;
}

function batches(log: PartitionLog, upTo = log.logEndOffset): StoredBatch[] {
  const out: StoredBatch[] = [];
  for (let at = log.logStartOffset; at < upTo; ) {
    const r = log.read(at, 1 << 20, { minOneBatch: true, maxOffset: upTo });
    assert.ok(r.ok);
    if (r.records.length === 0) break;
    for (let pos = 0; pos < r.records.length; ) {
      const h = readBatchHeader(r.records, pos);
      const raw = Buffer.from(r.records.subarray(pos, pos + h.sizeBytes));
      const control = isControlBatch(h.attributes);
      out.push({ baseOffset: h.baseOffset, lastOffset: h.baseOffset + h.lastOffsetDelta, control, transactional: isTransactionalBatch(h.attributes), producerId: h.producerId, records: control ? [] : decodeUncompressed(raw), raw });
      at = h.baseOffset + h.lastOffsetDelta + 1;
      pos += h.sizeBytes;
    }
  }
  return out;
}

const view = (records: ReadRecord[]): Array<[number, string | null, string | null]> => records.map((r) => [r.offset, r.key, r.value]);

function readUncommitted(log: PartitionLog): ReadRecord[] {
  return batches(log).flatMap((b) => b.records);
}

/** A read_committed consumer as Kafka's Java client reads: up to the LSO, skipping aborted transactions by the fetch's list. */
function readCommitted(log: PartitionLog): ReadRecord[] {
  const lso = log.lastStableOffset;
  const aborted = [...log.producers.abortedTxns(log.logStartOffset, lso)].sort((a, b) => a.firstOffset - b.firstOffset);
  const abortedPids = new Set<number>();
  const out: ReadRecord[] = [];
  for (const b of batches(log, lso)) {
    while (aborted.length > 0 && aborted[0]!.firstOffset <= b.lastOffset) abortedPids.add(aborted.shift()!.producerId);
    if (b.control) {
      if (controlBatchType(b.raw, 0) === CONTROL_ABORT) abortedPids.delete(b.producerId);
      continue;
    }
    if (b.transactional && abortedPids.has(b.producerId)) continue;
    out.push(...b.records.filter((r) => r.offset < lso));
  }
  return out;
}

const markers = (log: PartitionLog): number[] => batches(log).filter((b) => b.control).map((b) => b.baseOffset);
const abortedRanges = (log: PartitionLog): number[][] => log.producers.abortedTxns(0, log.logEndOffset).map((t) => [t.firstOffset, t.lastOffset]);

test('aborted records are removed; committed ones are compacted like any other; a producer\'s last batch stays, empty', async () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: CONFIG });
  log.append(plain(['k1', 'a'])); // 0
  log.append(txn(1, 0, ['k1', 'b'], ['k2', 'c'])); // 1-2
  marker(log, 1, true); // 3
  log.append(txn(2, 0, ['k1', 'x'], ['k3', 'y'])); // 4-5
  marker(log, 2, false); // 6
  log.append(plain(['k2', 'd'])); // 7
  log.roll();
  log.append(plain(['k9', 'z'])); // 8
  await log.flush();
  const before = view(readCommitted(log));
  assert.deepEqual(before, [[0, 'k1', 'a'], [1, 'k1', 'b'], [2, 'k2', 'c'], [7, 'k2', 'd'], [8, 'k9', 'z']]);
  assert.ok((await log.compact(0, { force: true })).ran);
  assert.deepEqual(view(readUncommitted(log)), [[1, 'k1', 'b'], [7, 'k2', 'd'], [8, 'k9', 'z']], 'the aborted values and the superseded ones are gone');
  assert.deepEqual(view(readCommitted(log)), [[1, 'k1', 'b'], [7, 'k2', 'd'], [8, 'k9', 'z']]);
  const emptied = batches(log).find((b) => b.baseOffset === 4);
  assert.ok(emptied !== undefined && emptied.records.length === 0 && emptied.producerId === 2, 'producer 2\'s last batch is kept, empty (its sequence stays known)');
  assert.deepEqual(markers(log), [3, 6], 'markers stay while their transactions\' batches do');
  assert.deepEqual(abortedRanges(log), [[4, 6]]);
  await log.close();
});

test('markers go once their transaction\'s data is gone and delete.retention.ms has passed (Kafka\'s two passes)', async () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: CONFIG, clock: () => 0 });
  log.append(txn(1, 0, ['k1', 'b'])); // 0
  marker(log, 1, true); // 1
  log.append(txn(2, 0, ['k2', 'x'])); // 2
  marker(log, 2, false); // 3
  log.append(plain(['k1', 'c'])); // 4
  log.append(plain(['k3', 'd'])); // 5
  log.roll();
  log.append(plain(['k9', 'z'])); // 6
  await log.flush();
  assert.equal(log.producers.expire(10_000, 1), 2, 'both producers expire: none of their batches is kept for its sequence');
  await log.compact(0, { force: true });
  assert.deepEqual(view(readUncommitted(log)), [[4, 'k1', 'c'], [5, 'k3', 'd'], [6, 'k9', 'z']]);
  assert.deepEqual(markers(log), [1, 3], 'first pass: the markers saw their data');
  assert.deepEqual(abortedRanges(log), [[2, 3]]);
  await log.compact(0, { force: true });
  assert.deepEqual(markers(log), [1, 3], 'second pass: no data left, the markers get a delete horizon');
  assert.deepEqual(abortedRanges(log), [], 'an abort whose data is gone leaves the index');
  await log.compact(RETENTION_MS - 1, { force: true });
  assert.deepEqual(markers(log), [1, 3], 'before the horizon they stay');
  await log.compact(RETENTION_MS, { force: true });
  assert.deepEqual(markers(log), [], 'after delete.retention.ms they are removed');
  assert.deepEqual(view(readCommitted(log)), [[4, 'k1', 'c'], [5, 'k3', 'd'], [6, 'k9', 'z']]);
  await log.close();
});

test('the cleaner leaves the segment holding the LSO and everything after it alone', async () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: CONFIG });
  log.append(plain(['k1', 'a'])); // 0
  log.append(plain(['k1', 'b'])); // 1
  log.roll();
  log.append(txn(1, 0, ['k2', 'open'])); // 2
  log.append(plain(['k1', 'c'])); // 3
  log.roll();
  log.append(plain(['k1', 'd'])); // 4
  log.roll();
  log.append(plain(['k9', 'z'])); // 5
  await log.flush();
  assert.equal(log.lastStableOffset, 2);
  await log.compact(0, { force: true });
  assert.deepEqual(view(readUncommitted(log)), [[1, 'k1', 'b'], [2, 'k2', 'open'], [3, 'k1', 'c'], [4, 'k1', 'd'], [5, 'k9', 'z']], 'only the segment below the LSO is cleaned');
  marker(log, 1, false); // 6
  log.roll();
  await log.flush();
  await log.compact(0, { force: true });
  assert.deepEqual(view(readUncommitted(log)), [[4, 'k1', 'd'], [5, 'k9', 'z']], 'once the transaction ended everything sealed is cleaned');
  await log.close();
});

test('DeleteRecords past an open transaction\'s first offset: the LSO is the log start until it ends, as in Kafka', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: { cleanupPolicy: { delete: true, compact: false } } });
  log.append(txn(1, 0, ['k', 'v'])); // 0
  log.append(plain(['k', 'p'])); // 1
  log.append(plain(['k', 'q'])); // 2
  assert.equal(log.lastStableOffset, 0);
  log.deleteRecordsBefore(2);
  assert.equal(log.lastStableOffset, 2, 'never below the log start');
  marker(log, 1, false);
  assert.equal(log.lastStableOffset, log.highWatermark);
  assert.deepEqual(abortedRanges(log), [[0, 3]]);
});

// ---------------------------------------------------------------- property test against a model

type Op =
  | { kind: 'plain'; key: number; tombstone: boolean }
  | { kind: 'txn'; pid: number; key: number; tombstone: boolean }
  | { kind: 'end'; pid: number; commit: boolean }
  | { kind: 'roll' }
  | { kind: 'compact'; advanceMs: number }
  | { kind: 'expire' }
  | { kind: 'reopen'; clean: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('plain' as const), key: fc.integer({ min: 0, max: 4 }), tombstone: fc.boolean().map((b) => b && Math.random() < 0.3) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('txn' as const), pid: fc.integer({ min: 1, max: 3 }), key: fc.integer({ min: 0, max: 4 }), tombstone: fc.boolean().map((b) => b && Math.random() < 0.3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('end' as const), pid: fc.integer({ min: 1, max: 3 }), commit: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'roll' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('compact' as const), advanceMs: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }) },
);

interface ModelRecord {
  offset: number;
  key: string;
  value: string | null;
  /** Producer id of a transactional record, -1 for a plain one. */
  pid: number;
}

class Model {
  records: ModelRecord[] = [];
  /** pid → offsets of its open transaction's records. */
  open = new Map<number, number>();
  aborted = new Set<number>();
  seq = new Map<number, number>();
  n = 0;

  lso(end: number): number {
    return Math.min(end, ...this.open.values());
  }
}

test('property: transactional and plain appends, commits, aborts, cleanings and restarts read as Kafka\'s would', async () => {
  await assertProperty(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 50, size: 'max' }), async (ops) => {
      const fs = new MemoryFs();
      let nowMs = 0;
      const open = (): PartitionLog => PartitionLog.open(DIR, { fs, config: CONFIG, clock: () => nowMs });
      let log = open();
      const m = new Model();
      for (const op of ops) {
        if (op.kind === 'plain' || op.kind === 'txn') {
          const value = op.tombstone ? null : `v${m.n++}`;
          const key = `k${op.key}`;
          let offset: number;
          if (op.kind === 'plain') {
            offset = log.append(plain([key, value])).baseOffset;
          } else {
            const seq = m.seq.get(op.pid) ?? 0;
            offset = log.append(txn(op.pid, seq, [key, value])).baseOffset;
            m.seq.set(op.pid, seq + 1);
            if (!m.open.has(op.pid)) m.open.set(op.pid, offset);
          }
          m.records.push({ offset, key, value, pid: op.kind === 'txn' ? op.pid : -1 });
        } else if (op.kind === 'end') {
          if (!m.open.has(op.pid)) continue;
          const first = m.open.get(op.pid)!;
          marker(log, op.pid, op.commit);
          if (!op.commit) for (const r of m.records) if (r.pid === op.pid && r.offset >= first) m.aborted.add(r.offset);
          m.open.delete(op.pid);
        } else if (op.kind === 'roll') {
          log.roll();
        } else if (op.kind === 'compact') {
          nowMs += op.advanceMs;
          await log.flush();
          await log.compact(nowMs, { force: true });
        } else if (op.kind === 'expire') {
          log.producers.expire(nowMs + 1, 0);
        } else {
          await log.flush();
          if (op.clean) await log.close();
          else log.release();
          log = open();
        }
        check(log, m);
      }
      // Everything ends, is sealed and cleaned past every horizon: only the latest committed live values remain, and no marker.
      for (const pid of [...m.open.keys()]) {
        const first = m.open.get(pid)!;
        marker(log, pid, false);
        for (const r of m.records) if (r.pid === pid && r.offset >= first) m.aborted.add(r.offset);
        m.open.delete(pid);
      }
      log.roll();
      log.producers.expire(nowMs + 1, 0);
      await log.flush();
      for (let i = 0; i < 4; i++) {
        nowMs += RETENTION_MS;
        await log.compact(nowMs, { force: true });
      }
      check(log, m);
      const latest = new Map<string, ModelRecord>();
      for (const r of m.records) if (!m.aborted.has(r.offset)) latest.set(r.key, r);
      const want = [...latest.values()].filter((r) => r.value !== null).sort((a, b) => a.offset - b.offset).map((r) => [r.offset, r.key, r.value]);
      assert.deepEqual(view(readUncommitted(log)), want, 'fully cleaned: the latest committed live value per key, nothing aborted');
      // An abort marker goes once its data is gone; a commit marker stays while its transaction's records share its segment (as in Kafka).
      const stored = batches(log).filter((b) => b.baseOffset < log.activeSegmentBaseOffset);
      for (const b of stored.filter((x) => x.control)) {
        assert.notEqual(controlBatchType(b.raw, 0), CONTROL_ABORT, `abort marker at ${b.baseOffset} removed`);
        assert.ok(stored.some((d) => d.transactional && !d.control && d.producerId === b.producerId && d.baseOffset < b.baseOffset && d.records.length > 0), `commit marker at ${b.baseOffset} kept only with its data`);
      }
      await log.close();
    }),
    { numRuns: 120 },
  );
});

function check(log: PartitionLog, m: Model): void {
  const end = log.logEndOffset;
  const lso = m.lso(end);
  assert.equal(log.lastStableOffset, lso, 'LSO');
  const byOffset = new Map(m.records.map((r) => [r.offset, r]));
  for (const r of readUncommitted(log)) {
    const want = byOffset.get(r.offset);
    assert.ok(want !== undefined, `record at ${r.offset} was appended`);
    assert.deepEqual([r.key, r.value], [want.key, want.value], `record ${r.offset} intact`);
  }
  const committed = readCommitted(log);
  for (const r of committed) {
    assert.ok(!m.aborted.has(r.offset), `read_committed never sees aborted record ${r.offset}`);
    assert.ok(r.offset < lso);
  }
  // Each key's latest committed value below the LSO is what a read_committed reader ends with.
  const wantLatest = new Map<string, ModelRecord>();
  for (const r of m.records) if (r.offset < lso && !m.aborted.has(r.offset)) wantLatest.set(r.key, r);
  const gotLatest = new Map<string, ReadRecord>();
  for (const r of committed) gotLatest.set(r.key!, r);
  for (const [key, want] of wantLatest) {
    const got = gotLatest.get(key);
    if (want.value !== null) assert.equal(got?.offset, want.offset, `latest committed value of ${key}`);
    else assert.ok(got === undefined || got.offset === want.offset, `${key}: its tombstone or nothing`);
  }
}

/** fc.assert, with the failing assertion's message in the thrown error (node:test shows only the message). */
async function assertProperty(prop: fc.IAsyncProperty<any>, params: fc.Parameters<any>): Promise<void> {
  const out = await fc.check(prop, params);
  if (out.failed) throw new Error(`${fc.defaultReportMessage(out)}\n${String((out.errorInstance as Error | undefined)?.stack ?? '')}`);
}
