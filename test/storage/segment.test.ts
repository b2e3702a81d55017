import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs.js';
import { Segment, parseSegmentFileName, segmentFileName } from '../../src/storage/segment.js';
import { setBaseOffset } from '../../src/protocol/record-batch.js';
import { batch } from './helpers.js';
import { StorageError } from '../../src/storage/errors.js';

test('segment file names are 20-digit base offsets', () => {
  assert.equal(segmentFileName(42, '.log'), '00000000000000000042.log');
  assert.equal(parseSegmentFileName('00000000000000000042.log'), 42);
  assert.equal(parseSegmentFileName('00000000000000000042.index'), undefined);
  assert.equal(parseSegmentFileName('42.log'), undefined);
});

function appendBatches(seg: Segment, n: number, first: number): number {
  let next = first;
  for (let i = 0; i < n; i++) {
    const b = batch(2, { valueBytes: 40, ts: 100 + (i % 7) * 10 });
    setBaseOffset(b, 0, next);
    next += 2;
    seg.append(b, next);
  }
  return next;
}

test('sparse index: one entry per interval; lookups find the batch containing an offset', () => {
  const fs = new MemoryFs();
  fs.mkdir('/s');
  const seg = Segment.create(fs, '/s', 100, 250, 0);
  const end = appendBatches(seg, 30, 100);
  const batchBytes = seg.sizeBytes() / 30;
  assert.equal(fs.stat('/s/00000000000000000100.index')!.size % 8, 0);
  const entries = seg.index.count();
  assert.ok(entries >= Math.floor((30 * batchBytes) / (250 + batchBytes)) - 1 && entries <= (30 * batchBytes) / 250);
  for (let off = 100; off < end; off++) {
    const loc = seg.findBatch(off)!;
    assert.ok(loc.baseOffset <= off && off <= loc.lastOffset);
    assert.equal(loc.position, ((loc.baseOffset - 100) / 2) * batchBytes);
  }
  assert.equal(seg.findBatch(end), undefined);
});

test('time index: entries only when the max timestamp grows; sealed segments end with their max', () => {
  const fs = new MemoryFs();
  fs.mkdir('/s');
  const seg = Segment.create(fs, '/s', 0, 100, 0);
  appendBatches(seg, 20, 0);
  seg.seal();
  const n = seg.timeIndex.count();
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const ts = Number(seg.timeIndex.entry(i).readBigInt64BE(0));
    assert.ok(ts > prev);
    prev = ts;
  }
  assert.equal(prev, 160);
  assert.deepEqual(seg.maxTimestamp(), { timestamp: 160, offset: 12 });
  assert.equal(seg.findByTimestamp(150, 0)!.baseOffset, 10);
  assert.equal(seg.findByTimestamp(161, 0), undefined);
});

test('recover() rebuilds identical indexes and truncates garbage after the last good batch', () => {
  const fs = new MemoryFs();
  fs.mkdir('/s');
  const seg = Segment.create(fs, '/s', 0, 200, 0);
  appendBatches(seg, 15, 0);
  seg.seal();
  const index = fs.readFile('/s/00000000000000000000.index');
  const timeIndex = fs.readFile('/s/00000000000000000000.timeindex');
  const size = seg.sizeBytes();
  seg.close();
  const fd = fs.open('/s/00000000000000000000.log', 'rw');
  fs.write(fd, Buffer.alloc(100, 7), 0, 100, size);
  fs.close(fd);
  const again = Segment.existing(fs, '/s', 0, 200, 0);
  const outcome = again.recover();
  assert.equal(outcome.validBytes, size);
  assert.equal(outcome.truncatedBytes, 100);
  assert.equal(outcome.nextOffset, 30);
  assert.deepEqual(fs.readFile('/s/00000000000000000000.index'), index);
  assert.deepEqual(fs.readFile('/s/00000000000000000000.timeindex'), timeIndex);
});

test('a .log cut short behind the segment\'s back: reads fail as KAFKA_STORAGE_ERROR naming the file relative to the data dir', () => {
  const fs = new MemoryFs();
  fs.mkdir('/data');
  fs.mkdir('/data/t');
  fs.mkdir('/data/t/0');
  const seg = Segment.create(fs, '/data/t/0', 0, 4096, 0);
  appendBatches(seg, 4, 0);
  const size = seg.sizeBytes();
  const fd = fs.open('/data/t/0/00000000000000000000.log', 'rw');
  fs.ftruncate(fd, size - 10);
  fs.close(fd);
  for (const read of [() => seg.read(0, size), () => seg.readBatches(seg.findBatch(0)!, size, Number.MAX_SAFE_INTEGER, true)]) {
    assert.throws(read, (err: unknown) => {
      assert.ok(err instanceof StorageError, String(err));
      assert.equal(err.code, 'KAFKA_STORAGE_ERROR');
      assert.match(err.message, /short read of t\/0\/00000000000000000000\.log@0/);
      assert.doesNotMatch(err.message, /\/data\//);
      return true;
    });
  }
});
