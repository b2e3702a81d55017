import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { SegmentFdPool, type PooledFile } from '../../src/storage/fd-pool.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { readInt64Number } from '../../src/protocol/record-batch.js';
import { allValid, batch, withTempDir } from './helpers.js';

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

class FakeFile implements PooledFile {
  open = true;
  pinned = false;
  evictable(): boolean {
    return !this.pinned;
  }
  closeIdle(): void {
    this.open = false;
  }
}

test('the pool closes the least recently used evictable files beyond its bound, never the one in use or a pinned one', () => {
  const pool = new SegmentFdPool(3);
  const files = Array.from({ length: 5 }, () => new FakeFile());
  files[0]!.pinned = true;
  for (const f of files.slice(0, 4)) pool.touch(f);
  assert.deepEqual(files.map((f) => f.open), [true, false, true, true, true], 'the oldest unpinned one went');
  pool.touch(files[2]!); // used again: now the most recent
  pool.touch(files[4]!);
  assert.deepEqual(files.map((f) => f.open), [true, false, true, false, true]);
  assert.equal(pool.openCount, 3);
  const lone = new SegmentFdPool(1);
  const a = new FakeFile();
  a.pinned = true;
  const b = new FakeFile();
  lone.touch(a);
  lone.touch(b);
  assert.ok(a.open && b.open, 'pinned and in-use files stay open even over the bound');
});

test('a partition with hundreds of segments keeps open descriptors under the bound while every segment is read back', () =>
  withTempDir(async (dir) => {
    // Bug: every segment kept its .log/.index/.timeindex open for ever: many small segments exhausted descriptors (EMFILE).
    const bound = 24;
    const store = TopicStore.open(dir, { defaults: { internalSegmentBytes: 200, indexIntervalBytes: 64, openSegmentFilesMax: bound } });
    store.createTopic('many', 1);
    const log = store.partition('many', 0);
    const before = openFds();
    let peak = 0;
    const batches = 400;
    for (let i = 0; i < batches; i++) {
      log.append(batch(1, { valueBytes: 120, seed: i }));
      if (i % 50 === 0) await log.flush();
      peak = Math.max(peak, openFds() - before);
    }
    await log.flush();
    assert.ok(log.segmentCount >= batches / 2, `${log.segmentCount} segments`);
    // Read every batch back from its own segment, checking offsets and CRCs.
    for (let offset = 0; offset < batches; ) {
      const r = log.read(offset, 1 << 20, { minOneBatch: true });
      assert.ok(r.ok && r.records.length > 0, `read at ${offset}`);
      assert.ok(allValid(r.records), `CRC at ${offset}`);
      assert.equal(readInt64Number(r.records, 0), offset);
      offset += 1;
      peak = Math.max(peak, openFds() - before);
    }
    // Timestamp lookups open the time indexes of many segments too.
    assert.ok(log.offsetForTimestamp(0) !== undefined);
    peak = Math.max(peak, openFds() - before);
    assert.ok(peak <= bound + 2, `open descriptors grew by ${peak}, bound ${bound}`);
    assert.ok(store.fdPool.evictions > 0);
    await store.close();
    // Closed cleanly, a reopen recovers nothing and reads the same data.
    const again = TopicStore.open(dir, { defaults: { internalSegmentBytes: 200, openSegmentFilesMax: bound } });
    const reopened = again.partition('many', 0);
    assert.equal(reopened.logEndOffset, batches);
    const last = reopened.read(batches - 1, 1 << 20);
    assert.ok(last.ok && readInt64Number(last.records, 0) === batches - 1);
    await again.close();
  }));

test('many partitions, each with a synced active segment, keep open descriptors under the bound', () =>
  withTempDir(async (dir) => {
    // Bug: an active segment was pinned for ever, so every open partition held 3 descriptors: 10,000
    // partitions needed 30,000 (EMFILE near 6,600 partitions with a limit of 20,000).
    const bound = 30;
    const store = TopicStore.open(dir, { defaults: { openSegmentFilesMax: bound } });
    store.createTopic('wide', 100);
    const before = openFds();
    let peak = 0;
    for (let p = 0; p < 100; p++) {
      const log = store.partition('wide', p);
      log.append(batch(1, { valueBytes: 50, seed: p }));
      await log.flush();
      peak = Math.max(peak, openFds() - before);
    }
    assert.ok(peak <= bound + 6, `peak ${peak} descriptors over the bound ${bound}`);
    // Every partition still appends after its files were closed, and reads both records back.
    for (let p = 0; p < 100; p++) {
      const log = store.partition('wide', p);
      log.append(batch(1, { valueBytes: 50, seed: 1000 + p }));
      await log.flush();
      assert.equal(log.highWatermark, 2);
      const read = log.read(0, 1 << 20);
      assert.ok(read.ok && allValid(read.records), `partition ${p} reads back valid batches`);
      assert.equal(readInt64Number(read.records, 0), 0);
    }
    assert.ok(openFds() - before <= bound + 6, 'still under the bound');
    await store.close();
  }));
