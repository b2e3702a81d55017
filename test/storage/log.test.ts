import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecordBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { MemoryFs, realFs } from '../../src/storage/fs.js';
import { CLEAN_SHUTDOWN_FILE, PartitionLog, type LogConfig, type Logger } from '../../src/storage/log.js';
import { StorageError } from '../../src/storage/errors.js';
import { allValid, batch, withTempDir } from './helpers.js';
import { ErrorCode } from '../../src/protocol/errors.js';

const DIR = '/data/t/0';
const small: Partial<LogConfig> = { segmentBytes: 1000, indexIntervalBytes: 100 };

function recordingLogger(): Logger & { lines: Array<{ level: string; obj: object; msg: string }> } {
  const lines: Array<{ level: string; obj: object; msg: string }> = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function baseOffsets(buf: Buffer): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < buf.length; pos += readBatchHeader(buf, pos).sizeBytes) out.push(readBatchHeader(buf, pos).baseOffset);
  return out;
}

test('append assigns dense offsets across multi-batch buffers and reads return whole batches', () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: small });
  assert.deepEqual(log.append(batch(3)), { baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1 });
  assert.deepEqual(log.append(Buffer.concat([batch(1), batch(2)])), { baseOffset: 3, lastOffset: 5, logAppendTimeMs: -1 });
  assert.equal(log.logEndOffset, 6);
  assert.equal(log.highWatermark, 6);
  const r = log.read(4, 10_000);
  assert.ok(r.ok);
  assert.deepEqual(baseOffsets(r.records), [4]);
  const all = log.read(0, 10_000);
  assert.ok(all.ok);
  assert.deepEqual(baseOffsets(all.records), [0, 3, 4]);
  assert.ok(allValid(all.records));
});

test('read: out of range is a result; maxBytes limits whole batches; minOneBatch overrides', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: small });
  for (let i = 0; i < 3; i++) log.append(batch(1, { valueBytes: 50 }));
  const size = log.read(0, 1e6).ok ? (log.read(0, 1e6) as { records: Buffer }).records.length / 3 : 0;
  assert.equal(log.read(4, 100).ok, false);
  assert.equal((log.read(4, 100) as { error: string }).error, 'OFFSET_OUT_OF_RANGE');
  const atEnd = log.read(3, 100);
  assert.ok(atEnd.ok && atEnd.records.length === 0);
  const two = log.read(0, size * 2 + 5);
  assert.ok(two.ok && two.records.length === size * 2);
  const none = log.read(0, size - 1);
  assert.ok(none.ok && none.records.length === 0);
  const one = log.read(0, 1, { minOneBatch: true });
  assert.ok(one.ok && one.records.length === size);
  const bounded = log.read(0, 1e6, { maxOffset: 2 });
  assert.ok(bounded.ok && baseOffsets(bounded.records).length === 2);
});

test('segments roll at segmentBytes and reads cross segment boundaries', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: small });
  for (let i = 0; i < 40; i++) log.append(batch(2, { valueBytes: 30 }));
  assert.ok(log.segmentCount > 3);
  for (let off = 0; off < 80; off++) {
    const r = log.read(off, 500);
    assert.ok(r.ok && r.records.length > 0);
    const first = readBatchHeader(r.records, 0);
    assert.ok(first.baseOffset <= off && off <= first.baseOffset + first.lastOffsetDelta);
  }
});

test('segments roll at segmentMs', () => {
  let now = 1000;
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: { segmentMs: 100 }, clock: () => now });
  log.append(batch(1));
  now += 50;
  log.append(batch(1));
  assert.equal(log.segmentCount, 1);
  now += 60;
  log.append(batch(1));
  assert.equal(log.segmentCount, 2);
});

test('append rejects invalid batches with the Kafka error name', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
  const bad = batch(2);
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => log.append(bad), (e: unknown) => e instanceof StorageError && e.code === 'CORRUPT_MESSAGE' && e.errorCode === ErrorCode.CORRUPT_MESSAGE);
  assert.equal(log.logEndOffset, 0);
});

test('LogAppendTime rewrites maxTimestamp and keeps the CRC valid', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs(), config: { timestampType: 'LogAppendTime' }, clock: () => 5555 });
  assert.equal(log.append(batch(2, { ts: 1 })).logAppendTimeMs, 5555);
  assert.equal(log.append(batch(1, { ts: 1 }), { logAppendTimeMs: 7777 }).logAppendTimeMs, 7777);
  const r = log.read(0, 1e6);
  assert.ok(r.ok && allValid(r.records));
  assert.equal(readBatchHeader(r.records, 0).maxTimestamp, 5555);
  assert.deepEqual(log.maxTimestampOffset(), { offset: 2, timestamp: 7777 });
});

test('group commit: concurrent flushes coalesce into few fdatasyncs and advance durableEndOffset', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs });
  log.append(batch(1));
  const before = fs.counts.fdatasync;
  const first = log.flush(); // starts now: covers offset 0
  log.append(batch(1));
  const waiters = [log.flush(), log.flush(), log.flush()]; // all queued behind `first`: one follow-up flush
  log.append(batch(1));
  const late = log.flush();
  await Promise.all([first, ...waiters, late]);
  assert.equal(fs.counts.fdatasync - before, 2);
  assert.equal(log.durableEndOffset, 3);
  await log.flush(); // nothing dirty: no fdatasync at all
  assert.equal(fs.counts.fdatasync - before, 2);
});

test('flush failure takes the log offline: later appends and flushes fail with KAFKA_STORAGE_ERROR', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs });
  log.append(batch(1));
  const remove = fs.inject((op) => (op === 'fsync' ? 'EIO' : undefined));
  await assert.rejects(log.flush(), (e: unknown) => e instanceof StorageError && e.code === 'KAFKA_STORAGE_ERROR');
  remove();
  assert.ok(log.offline);
  assert.throws(() => log.append(batch(1)), StorageError);
  await assert.rejects(log.flush());
});

test('ENOSPC on write fails the append, rolls it back, and the log carries on', () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs });
  log.append(batch(1));
  const remove = fs.inject((op, path) => (op === 'write' && path.endsWith('.log') ? 'ENOSPC' : undefined));
  assert.throws(() => log.append(batch(2)), (e: unknown) => e instanceof StorageError && e.code === 'KAFKA_STORAGE_ERROR');
  remove();
  assert.equal(log.logEndOffset, 1);
  assert.deepEqual(log.append(batch(1)), { baseOffset: 1, lastOffset: 1, logAppendTimeMs: -1 });
  const r = log.read(0, 1e6);
  assert.ok(r.ok && allValid(r.records) && baseOffsets(r.records).length === 2);
});

test('clean close and reopen: same offsets, marker consumed, no full scan', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: small });
  for (let i = 0; i < 30; i++) log.append(batch(2, { valueBytes: 30, ts: 100 + i }));
  const snapshot = log.read(0, 1e6);
  await log.close(true);
  assert.ok(fs.exists(`${DIR}/${CLEAN_SHUTDOWN_FILE}`));
  assert.equal(fs.openFdCount(), 0);
  const reads = fs.counts.reads;
  const logger = recordingLogger();
  const again = PartitionLog.open(DIR, { fs, config: small, logger });
  assert.ok(fs.counts.reads - reads < 20, `clean open read ${fs.counts.reads - reads} times`);
  assert.equal(logger.lines.length, 0);
  assert.ok(!fs.exists(`${DIR}/${CLEAN_SHUTDOWN_FILE}`));
  assert.equal(again.logEndOffset, 60);
  assert.deepEqual(again.read(0, 1e6), snapshot);
  assert.deepEqual(again.append(batch(1)).baseOffset, 60);
});

test('recovery truncates a torn tail and logs what it did', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: small });
  for (let i = 0; i < 5; i++) log.append(batch(1));
  await log.flush();
  log.append(batch(3, { valueBytes: 100 }));
  fs.crash({ tornTailBytes: (path, tail) => (path.endsWith('.log') ? tail.length - 7 : 0) });
  const logger = recordingLogger();
  const again = PartitionLog.open(DIR, { fs, config: small, logger });
  assert.equal(again.logEndOffset, 5);
  assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('truncated')));
  assert.equal(again.append(batch(1)).baseOffset, 5);
  const r = again.read(0, 1e6);
  assert.ok(r.ok && allValid(r.records));
});

test('recovery truncates at a flipped byte, even with a clean marker, and drops later segments', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: { ...small, segmentBytes: 400 } });
  for (let i = 0; i < 20; i++) log.append(batch(1, { valueBytes: 40 }));
  await log.close(true);
  const segs = fs.readdir(DIR).filter((n) => n.endsWith('.log'));
  assert.ok(segs.length >= 3);
  // Corrupt the 2nd batch of the first segment; without a marker the scan starts from the checkpoint (segment 0 here).
  fs.rm(`${DIR}/${CLEAN_SHUTDOWN_FILE}`);
  fs.rm(`${DIR}/recovery-point-checkpoint`);
  const size = readBatchHeader(fs.readFile(`${DIR}/${segs[0]}`), 0).sizeBytes;
  fs.corrupt(`${DIR}/${segs[0]}`, size + 70);
  const again = PartitionLog.open(DIR, { fs, config: { ...small, segmentBytes: 400 } });
  assert.equal(again.logEndOffset, 1);
  assert.equal(again.segmentCount, 1);
  assert.equal(fs.readdir(DIR).filter((n) => n.endsWith('.log')).length, 1);
});

test('a clean marker does not hide a corrupt tail of the active segment', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs });
  for (let i = 0; i < 3; i++) log.append(batch(1));
  await log.close(true);
  const path = `${DIR}/${'0'.padStart(20, '0')}.log`;
  fs.corrupt(path, fs.stat(path)!.size - 1);
  const logger = recordingLogger();
  const again = PartitionLog.open(DIR, { fs, logger });
  assert.equal(again.logEndOffset, 2);
  assert.ok(logger.lines.some((l) => l.level === 'warn'));
});

test('retention by bytes and by time deletes whole old segments, never the active one', () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: { ...small, segmentBytes: 300 } });
  for (let i = 0; i < 30; i++) log.append(batch(1, { valueBytes: 40, ts: 1000 + i }));
  return log.flush().then(() => {
    const segments = log.segmentCount;
    assert.equal(log.applyRetention(2000, { retentionMs: -1, retentionBytes: -1 }), 0);
    const deleted = log.applyRetention(2000, { retentionMs: -1, retentionBytes: 600 });
    assert.ok(deleted > 0 && log.sizeBytes() <= 600 + 300);
    assert.equal(log.segmentCount, segments - deleted);
    assert.ok(log.logStartOffset > 0);
    assert.equal(log.read(0, 100).ok, false);
    const r = log.read(log.logStartOffset, 1e6);
    assert.ok(r.ok && readBatchHeader(r.records, 0).baseOffset === log.logStartOffset);
    log.applyRetention(1e9, { retentionMs: 1, retentionBytes: -1 });
    assert.equal(log.segmentCount, 1);
    assert.equal(log.logEndOffset, 30);
  });
});

test('offsetForTimestamp uses the time index; maxTimestampOffset finds the largest', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: { segmentBytes: 2000, indexIntervalBytes: 150 } });
  const ts = [10, 20, 20, 5, 40, 30, 50, 45, 60, 70, 15, 80, 90, 100, 85, 110, 120, 130, 125, 140];
  for (const t of ts) log.append(batch(1, { valueBytes: 60, ts: t }));
  const check = (l: PartitionLog) => {
    for (const target of [0, 5, 11, 20, 21, 41, 84, 86, 100, 131, 140]) {
      const i = ts.findIndex((t) => t >= target);
      assert.deepEqual(l.offsetForTimestamp(target), { offset: i, timestamp: ts[i] }, `ts ${target}`);
    }
    assert.equal(l.offsetForTimestamp(141), undefined);
    assert.deepEqual(l.maxTimestampOffset(), { offset: 19, timestamp: 140 });
  };
  assert.ok(log.segmentCount > 1);
  check(log);
  await log.close(true);
  check(PartitionLog.open(DIR, { fs, config: { segmentBytes: 2000, indexIntervalBytes: 150 } }));
});

test('deleteRecordsBefore moves logStartOffset durably', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs, config: { ...small, segmentBytes: 300 } });
  for (let i = 0; i < 20; i++) log.append(batch(1, { valueBytes: 40 }));
  await log.flush();
  assert.equal(log.deleteRecordsBefore(13), 13);
  assert.ok(log.segmentCount < 10);
  assert.equal(log.read(12, 100).ok, false);
  fs.crash();
  const again = PartitionLog.open(DIR, { fs, config: { ...small, segmentBytes: 300 } });
  assert.equal(again.logStartOffset, 13);
  assert.equal(again.logEndOffset, 20);
});

test('deleteRecordsBefore: bounds, no-op below the start, timestamp lookups never below it, clean restart keeps it', async () => {
  const fs = new MemoryFs();
  const config = { ...small, segmentBytes: 300 };
  const log = PartitionLog.open(DIR, { fs, config });
  for (let i = 0; i < 20; i++) log.append(batch(1, { valueBytes: 40, ts: 1000 + i }));
  assert.throws(() => log.deleteRecordsBefore(21), (e: unknown) => e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE');
  assert.throws(() => log.deleteRecordsBefore(-1), (e: unknown) => e instanceof StorageError && e.code === 'OFFSET_OUT_OF_RANGE');
  const segments = log.segmentCount;
  // Unflushed: the start moves at once, the dirty segments below it stay until they are synced.
  assert.equal(log.deleteRecordsBefore(9), 9);
  assert.equal(log.segmentCount, segments);
  assert.equal(log.read(8, 1e6).ok, false);
  const at9 = log.read(9, 1e6);
  assert.ok(at9.ok && at9.logStartOffset === 9 && readBatchHeader(at9.records, 0).baseOffset <= 9);
  assert.deepEqual(log.offsetForTimestamp(0), { offset: 9, timestamp: 1009 });
  await log.flush();
  assert.ok(log.applyRetention(Date.now(), { retentionMs: -1, retentionBytes: -1 }) > 0, 'synced segments below the start go');
  assert.equal(log.deleteRecordsBefore(4), 9, 'below the start: unchanged');
  assert.equal(log.deleteRecordsBefore(20), 20, 'the high watermark itself');
  assert.equal(log.read(19, 1e6).ok, false);
  assert.deepEqual(log.read(20, 1e6), { ok: true, records: Buffer.alloc(0), highWatermark: 20, logStartOffset: 20, logEndOffset: 20 });
  await log.close(true);
  const again = PartitionLog.open(DIR, { fs, config });
  assert.equal(again.logStartOffset, 20);
  assert.equal(again.logEndOffset, 20);
  assert.equal(again.append(batch(2)).baseOffset, 20, 'appends continue at the end');
  assert.equal(again.read(19, 1e6).ok, false);
});

test('real file system: append, flush, clean reopen, crash-free recovery after an unclean stop', async () => {
  await withTempDir(async (dir) => {
    const log = PartitionLog.open(`${dir}/p0`, { config: small });
    for (let i = 0; i < 25; i++) log.append(batch(2, { valueBytes: 30 }));
    await log.flush();
    const all = log.read(0, 1e6);
    log.release(); // unclean: no marker
    const again = PartitionLog.open(`${dir}/p0`, { fs: realFs, config: small });
    assert.equal(again.logEndOffset, 50);
    assert.deepEqual(again.read(0, 1e6), all);
    await again.close(true);
    const third = PartitionLog.open(`${dir}/p0`, { config: small });
    assert.equal(third.logEndOffset, 50);
    await third.close(true);
  });
});

test('offsetForTimestamp and maxTimestampOffset resolve to the record inside a multi-record batch', () => {
  const log = PartitionLog.open(DIR, { fs: new MemoryFs() });
  log.append(batch(1, { ts: 100 }));
  const multi = buildRecordBatch({ baseTimestamp: 200, records: [0, 50, 300, 100].map((d) => ({ value: Buffer.from('v'), timestampDelta: d })) });
  log.append(multi); // offsets 1..4 at 200, 250, 500, 300
  log.append(batch(1, { ts: 400 }));
  assert.deepEqual(log.offsetForTimestamp(240), { offset: 2, timestamp: 250 });
  assert.deepEqual(log.offsetForTimestamp(260), { offset: 3, timestamp: 500 });
  assert.deepEqual(log.maxTimestampOffset(), { offset: 3, timestamp: 500 });
});

// A new partition used to recover its (empty) log and fsync a checkpoint on its first produce: ~15 ms per partition of fsync in the produce path.
test('a new partition opens without any fsync; a crash before its first flush leaves a consistent log', async () => {
  const fs = new MemoryFs();
  const log = PartitionLog.open(DIR, { fs });
  log.append(batch(3));
  assert.equal(fs.counts.fsync + fs.counts.fdatasync, 0, 'no fsync on open or on an acks=1 append');
  fs.crash();
  const reopened = PartitionLog.open(DIR, { fs });
  assert.equal(reopened.logStartOffset, 0);
  assert.ok(reopened.logEndOffset === 0 || reopened.logEndOffset === 3, `log end ${reopened.logEndOffset}`);
  reopened.append(batch(2));
  const r = reopened.read(0, 1 << 20);
  assert.ok(r.ok && allValid(r.records));
});
