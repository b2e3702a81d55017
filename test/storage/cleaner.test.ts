// Log compaction: what survives a pass, offsets, tombstones, codecs, policies, and swaps cut short by a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OFFSET_ATTRIBUTES, OFFSET_CRC, buildRecordBatch, computeBatchCrc, readBatchHeader } from '../../src/protocol/record-batch.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { PartitionLog, type LogConfig } from '../../src/storage/log.js';
import { StorageError } from '../../src/storage/errors.js';
import { TopicStore, logConfigFrom } from '../../src/storage/topic-store.js';
import { defaultLogConfig } from '../../src/storage/log-types.js';
import { buildCompressedBatch, compressXerialSnappy, decodeRecordBatches, isXerialSnappy } from '../../src/protocol/compression.js';
import { checkRecords } from '../../src/protocol/records-check.js';
import { decodePlainOrGzip, dumpLog, gzipped, keyedBatch, type KV, type ReadRecord } from './compaction-helpers.js';

const compact: Partial<LogConfig> = { segmentBytes: 300, indexIntervalBytes: 64, cleanupPolicy: { compact: true, delete: false }, deleteRetentionMs: 1000 };

function openLog(fs: MemoryFs, config: Partial<LogConfig> = compact, clock = () => 0): PartitionLog {
  return PartitionLog.open('/d/p', { fs, config, clock });
}

function kv(key: string, value: string | null): KV {
  return { key, value };
}

function appendAll(log: PartitionLog, writes: KV[][]): void {
  for (const w of writes) log.append(keyedBatch(w));
}

function latest(records: ReadRecord[]): Map<string, ReadRecord> {
  const m = new Map<string, ReadRecord>();
  for (const r of records) m.set(r.key!, r);
  return m;
}

test('a pass keeps the latest record per key at its original offset; gaps read through; the active segment is untouched', async () => {
  const fs = new MemoryFs();
  const log = openLog(fs);
  const writes: KV[][] = [];
  for (let i = 0; i < 40; i++) writes.push([kv(`k${i % 5}`, `v${i}`), kv(`x${i % 3}`, `w${i}`)]);
  appendAll(log, writes);
  await log.flush();
  const before = dumpLog(log).records;
  const activeBase = log.activeSegmentBaseOffset;
  assert.ok(log.segmentCount > 3);
  const res = await log.compact(0);
  assert.ok(res.ran && res.segmentsRewritten > 0 && res.recordsRemoved > 0);
  const after = dumpLog(log).records;
  // Everything at or past the active segment is exactly as it was.
  assert.deepEqual(after.filter((r) => r.offset >= activeBase), before.filter((r) => r.offset >= activeBase));
  // Below it: exactly the records that are the latest for their key within the sealed segments.
  const want = latest(before.filter((r) => r.offset < activeBase));
  for (const r of after.filter((a) => a.offset < activeBase)) assert.deepEqual(r, want.get(r.key!), `record ${r.offset} is the latest for ${r.key}`);
  for (const r of want.values()) assert.ok(after.some((a) => a.offset === r.offset), `latest ${r.key} kept`);
  assert.ok(after.length < before.length);
  assert.equal(log.logEndOffset, 80);
  // Fetching from an offset that fell into a gap returns the next batch.
  const gap = before.find((r) => !after.some((a) => a.offset === r.offset))!;
  const read = log.read(gap.offset, 1 << 20);
  assert.ok(read.ok && read.records.length > 0 && readBatchHeader(read.records, 0).baseOffset + readBatchHeader(read.records, 0).lastOffsetDelta >= gap.offset);
  // Appends carry on densely after compaction.
  assert.equal(log.append(keyedBatch([kv('k0', 'new')])).baseOffset, 80);
  await log.close();
  // Clean reopen and crash reopen both keep the compacted log as it is (gaps are not "holes").
  const clean = openLog(fs);
  assert.deepEqual(dumpLog(clean).records, [...after, { offset: 80, timestamp: 1000, key: 'k0', value: 'new' }]);
  clean.release();
  fs.crash();
  const crashed = openLog(fs);
  assert.equal(crashed.logEndOffset, 81);
  assert.equal(dumpLog(crashed).records.length, after.length + 1);
});

test('a second pass over an already clean log rewrites nothing; the dirty ratio gates passes', async () => {
  const fs = new MemoryFs();
  const log = openLog(fs);
  for (let i = 0; i < 30; i++) log.append(keyedBatch([kv(`k${i % 4}`, `v${i}`)]));
  await log.flush();
  assert.ok((await log.compact(0)).segmentsRewritten > 0);
  const second = await log.compact(0, { force: true });
  assert.equal(second.segmentsRewritten, 0);
  assert.equal((await log.compact(0)).ran, false, 'nothing dirty since the last pass');
  const policyDelete = openLog(new MemoryFs(), { ...compact, cleanupPolicy: { compact: false, delete: true } });
  assert.equal((await policyDelete.compact(0, { force: true })).ran, false, 'delete-only logs are never compacted');
});

test('tombstones stay for delete.retention.ms after their batch was first cleaned, then go', async () => {
  const fs = new MemoryFs();
  const log = openLog(fs);
  appendAll(log, [[kv('a', '1'), kv('b', '1')], [kv('a', null)], [kv('c', '1')]]);
  for (let i = 0; i < 12; i++) log.append(keyedBatch([kv(`f${i}`, 'x'.repeat(20))]));
  await log.flush();
  await log.compact(5000);
  let recs = dumpLog(log).records;
  assert.deepEqual(recs.filter((r) => r.key === 'a').map((r) => r.value), [null], 'older value gone, tombstone kept');
  // The tombstone's batch carries Kafka's delete horizon (KIP-534) and its record timestamps are unchanged.
  const tomb = recs.find((r) => r.key === 'a')!;
  assert.equal(tomb.timestamp, 1000);
  const holder = dumpLog(log).batches.find((b) => readBatchHeader(b, 0).baseOffset <= tomb.offset && readBatchHeader(b, 0).baseOffset + readBatchHeader(b, 0).lastOffsetDelta >= tomb.offset)!;
  assert.equal(readBatchHeader(holder, 0).attributes & 0x40, 0x40);
  assert.equal(readBatchHeader(holder, 0).baseTimestamp, 6000);
  assert.equal((await log.compact(5999)).ran, false, 'horizon not reached, nothing dirty');
  const res = await log.compact(6000);
  assert.ok(res.ran && res.tombstonesRemoved === 1);
  recs = dumpLog(log).records;
  assert.equal(recs.filter((r) => r.key === 'a').length, 0);
  assert.deepEqual(recs.filter((r) => r.key === 'b' || r.key === 'c').map((r) => r.value), ['1', '1']);
});

test('a rewritten batch keeps base offset, last offset delta, producer fields, attributes; an emptied last batch stays as an empty batch', async () => {
  const fs = new MemoryFs();
  const log = openLog(fs, { ...compact, segmentBytes: 100_000 });
  const first = buildRecordBatch({
    baseTimestamp: 500, producerId: 7, producerEpoch: 2, baseSequence: 5,
    records: ['a', 'b', 'a', 'c'].map((k, i) => ({ key: Buffer.from(k), value: Buffer.from(`v${i}`), timestampDelta: i * 10 })),
  });
  log.append(first, { leaderEpoch: 3 });
  appendAll(log, [[kv('c', 'v4'), kv('d', 'v5')], [kv('d', 'v6')], [kv('e', null)]]);
  log.roll();
  log.append(keyedBatch([kv('z', '1')]));
  await log.flush();
  await log.compact(0, { force: true });
  let { batches, records } = dumpLog(log);
  const h0 = readBatchHeader(batches[0]!, 0);
  assert.deepEqual([h0.baseOffset, h0.lastOffsetDelta, h0.recordCount, h0.producerId, h0.producerEpoch, h0.baseSequence, h0.partitionLeaderEpoch], [0, 3, 2, 7, 2, 5, 3]);
  assert.equal(h0.maxTimestamp, 520, 'max timestamp of the records kept');
  assert.deepEqual(records.filter((r) => r.offset < 4).map((r) => [r.offset, r.key, r.value, r.timestamp]), [[1, 'b', 'v1', 510], [2, 'a', 'v2', 520]]);
  const h1 = readBatchHeader(batches[1]!, 0);
  assert.deepEqual([h1.baseOffset, h1.lastOffsetDelta, h1.recordCount], [4, 1, 0 + 1]);
  assert.deepEqual(records.map((r) => r.key), ['b', 'a', 'c', 'd', 'e', 'z']);
  // The tombstone expires: its batch was the last of the sealed segment, so an empty batch keeps the segment's end.
  await log.compact(1000);
  ({ batches, records } = dumpLog(log));
  assert.deepEqual(records.map((r) => r.key), ['b', 'a', 'c', 'd', 'z']);
  const empty = batches.map((b) => readBatchHeader(b, 0)).find((h) => h.baseOffset === 7)!;
  assert.deepEqual([empty.recordCount, empty.lastOffsetDelta, empty.attributes & 7], [0, 0, 0]);
  await log.close();
  fs.crash();
  const reopened = openLog(fs);
  assert.equal(reopened.logEndOffset, 9);
  assert.deepEqual(dumpLog(reopened).records.map((r) => r.key), ['b', 'a', 'c', 'd', 'z']);
});

test('compacted topics refuse records without a key (INVALID_RECORD), other topics take them', () => {
  const log = openLog(new MemoryFs());
  assert.throws(() => log.append(keyedBatch([kv('a', '1'), { key: null, value: 'x' }])), (err: unknown) => err instanceof StorageError && err.code === 'INVALID_RECORD');
  assert.throws(() => log.append(gzipped(keyedBatch([{ key: null, value: 'x' }]))), (err: unknown) => err instanceof StorageError && err.code === 'INVALID_RECORD');
  assert.equal(log.logEndOffset, 0);
  log.append(keyedBatch([kv('a', null)]));
  const plain = openLog(new MemoryFs(), { ...compact, cleanupPolicy: { compact: false, delete: true } });
  plain.append(keyedBatch([{ key: null, value: 'x' }]));
});

test('gzip batches are compacted and re-compressed; a stored batch whose records cannot be read is left as it is', async () => {
  const fs = new MemoryFs();
  const warnings: object[] = [];
  const logger = { info() {}, error() {}, warn: (o: object) => warnings.push(o) };
  const log = PartitionLog.open('/d/p', { fs, config: { ...compact, segmentBytes: 100_000 }, clock: () => 0, logger });
  log.append(gzipped(keyedBatch([kv('a', '1'), kv('b', '1'), kv('a', '2')])));
  const fakeSnappy = keyedBatch([kv('a', 'old-in-snappy')]);
  fakeSnappy.writeInt16BE(2, OFFSET_ATTRIBUTES); // claims snappy, holds plain records: unreadable
  fakeSnappy.writeUInt32BE(computeBatchCrc(fakeSnappy, 0, fakeSnappy.length), OFFSET_CRC);
  log.append(fakeSnappy, { recordsChecked: true }); // as if stored before the checks existed
  log.append(keyedBatch([kv('b', '2')]));
  log.roll();
  log.append(keyedBatch([kv('z', '1')]));
  await log.flush();
  const res = await log.compact(0, { force: true });
  assert.equal(res.undecodableBatches, 1);
  assert.ok(warnings.length >= 1);
  const decode = (b: Buffer): ReadRecord[] => ((readBatchHeader(b, 0).attributes & 7) === 2 ? [] : decodePlainOrGzip(b));
  const { batches, records } = dumpLog(log, decode);
  assert.equal(readBatchHeader(batches[0]!, 0).attributes & 7, 1, 'still gzip');
  assert.deepEqual(records.map((r) => [r.offset, r.key, r.value]), [[2, 'a', '2'], [4, 'b', '2'], [5, 'z', '1']]);
  assert.ok(batches[1]!.equals(fakeSnappy.fill(0, 0, 0)) || readBatchHeader(batches[1]!, 0).attributes === 2, 'snappy batch kept verbatim');
});

test('retention follows cleanup.policy: compact-only logs keep old segments, compact,delete logs lose them', async () => {
  for (const [policy, expectDeleted] of [[{ compact: true, delete: false }, false], [{ compact: true, delete: true }, true], [{ compact: false, delete: true }, true]] as const) {
    const log = openLog(new MemoryFs(), { ...compact, cleanupPolicy: policy, retentionMs: 10 });
    for (let i = 0; i < 20; i++) log.append(keyedBatch([kv(`k${i}`, 'v')]));
    await log.flush();
    const deleted = log.applyRetention(1_000_000);
    assert.equal(deleted > 0, expectDeleted, JSON.stringify(policy));
  }
});

test('a crash at any step of a swap leaves either the old or the compacted log, never a mix', async () => {
  let failures = 0;
  let committedSwaps = 0;
  for (let failAt = 1; failAt < 200; failAt++) {
    const fs = new MemoryFs();
    const log = openLog(fs);
    for (let i = 0; i < 40; i++) log.append(keyedBatch([kv(`k${i % 6}`, `v${i}`)]));
    await log.flush();
    const before = dumpLog(log).records;
    const want = [...latest(before).values()].sort((a, b) => a.offset - b.offset);
    let n = 0;
    const stop = fs.inject((op, path) => (/\.(cleaned|swap)$/.test(path) || op === 'rm' || op === 'rename') && ++n === failAt ? 'EIO' : undefined);
    let threw = false;
    try {
      await log.compact(0);
    } catch {
      threw = true;
    }
    stop();
    fs.crash();
    if (fs.readdir('/d/p').some((name) => name.endsWith('.log.swap'))) committedSwaps += 1;
    if (threw) failures += 1;
    const reopened = openLog(fs);
    const after = dumpLog(reopened).records;
    assert.equal(reopened.logEndOffset, 40, `failAt ${failAt}`);
    for (const r of want) assert.ok(after.some((a) => a.offset === r.offset && a.value === r.value), `failAt ${failAt}: latest of ${r.key} readable`);
    for (const r of after) assert.deepEqual(r, before.find((b) => b.offset === r.offset), `failAt ${failAt}: record ${r.offset} unchanged`);
    assert.ok(fs.readdir('/d/p').every((name) => !/\.(cleaned|swap)$/.test(name)), `failAt ${failAt}: no leftovers`);
    // The reopened log compacts to the same result as an uninterrupted pass.
    await reopened.compact(0, { force: true });
    const final = dumpLog(reopened).records;
    const sealedEnd = reopened.activeSegmentBaseOffset;
    const wantSealed = [...latest(before.filter((r) => r.offset < sealedEnd)).values()].sort((x, y) => x.offset - y.offset);
    assert.deepEqual(final.filter((r) => r.offset < sealedEnd), wantSealed, `failAt ${failAt}`);
    if (!threw) break;
  }
  assert.ok(failures > 5, `only ${failures} failure points`);
  assert.ok(committedSwaps > 0, 'some crashes hit after the commit point');
});

test('config: cleanup.policy and cleaner settings parse; TopicStore.runCompaction only touches compacted topics', async () => {
  assert.deepEqual(logConfigFrom({ 'cleanup.policy': 'delete, compact' }, defaultLogConfig).cleanupPolicy, { compact: true, delete: true });
  assert.deepEqual(logConfigFrom({ 'cleanup.policy': 'compact' }, defaultLogConfig).cleanupPolicy, { compact: true, delete: false });
  assert.throws(() => logConfigFrom({ 'cleanup.policy': 'compact,compact' }, defaultLogConfig), StorageError);
  assert.throws(() => logConfigFrom({ 'min.cleanable.dirty.ratio': '1.5' }, defaultLogConfig), StorageError);
  const c = logConfigFrom({ 'delete.retention.ms': '5', 'min.compaction.lag.ms': '7', 'min.cleanable.dirty.ratio': '0.1' }, defaultLogConfig);
  assert.deepEqual([c.deleteRetentionMs, c.minCompactionLagMs, c.minCleanableDirtyRatio], [5, 7, 0.1]);
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs, clock: () => 0, defaults: { internalSegmentBytes: 300 } });
  store.createTopic('compacted', 1, { 'cleanup.policy': 'compact' });
  store.createTopic('plain', 1);
  for (const t of ['compacted', 'plain']) {
    for (let i = 0; i < 30; i++) store.partition(t, 0).append(keyedBatch([kv(`k${i % 3}`, `v${i}`)]));
  }
  await store.flushAll();
  const plainBefore = dumpLog(store.partition('plain', 0)).records;
  assert.ok((await store.runCompaction(0)) > 0);
  assert.deepEqual(dumpLog(store.partition('plain', 0)).records, plainBefore);
  assert.ok(dumpLog(store.partition('compacted', 0)).records.length < 30);
  assert.throws(() => store.partition('compacted', 0).append(keyedBatch([{ key: null, value: 'x' }])), StorageError);
  await store.close();
});

// Hostile-input finding 8 (cleaner side): a pass over an 84 MB dirty log blocked every client for 1.2 s; it now yields.
test('a pass yields to the event loop: appends and reads interleave with it, and the result is the same', async () => {
  const fs = new MemoryFs();
  const log = openLog(fs, { ...compact, segmentBytes: 64 * 1024 });
  const value = 'x'.repeat(100);
  for (let b = 0; b < 400; b++) log.append(keyedBatch(Array.from({ length: 20 }, (_, i) => kv(`k${(b * 20 + i) % 300}`, `${value}${b}`))));
  log.roll();
  await log.flush();
  const before = dumpLog(log).records;
  let passDone = false;
  let turns = 0;
  const appendedDuring: number[] = [];
  const turn = (): void => {
    if (passDone) return;
    turns += 1;
    if (turns % 5 === 0) appendedDuring.push(log.append(keyedBatch([kv('during', `t${turns}`)])).baseOffset);
    assert.ok(log.read(0, 1024, { minOneBatch: true }).ok);
    setImmediate(turn);
  };
  setImmediate(turn);
  const res = await log.compact(0, { force: true });
  passDone = true;
  assert.ok(res.ran && res.recordsRemoved > 0);
  assert.ok(appendedDuring.length > 0, `no append ran during the pass (${turns} turns)`);
  const after = dumpLog(log).records;
  const want = latest(before);
  for (const r of after.filter((a) => a.offset < 8000)) assert.deepEqual(r, want.get(r.key!), `record ${r.offset} is the latest for ${r.key}`);
  assert.deepEqual(after.filter((r) => r.key === 'during').map((r) => r.offset), appendedDuring);
  await log.close();
});

test('closing or deleting a log during a pass stops it: no leftovers, the log reopens as it was', async () => {
  for (const how of ['close', 'retire'] as const) {
    const fs = new MemoryFs();
    const log = openLog(fs, { ...compact, segmentBytes: 64 * 1024 });
    for (let b = 0; b < 200; b++) log.append(keyedBatch(Array.from({ length: 20 }, (_, i) => kv(`k${(b * 20 + i) % 50}`, `v${b}`))));
    log.roll();
    await log.flush();
    const before = dumpLog(log).records;
    const pass = log.compact(0, { force: true });
    await new Promise((resolve) => setImmediate(resolve));
    await (how === 'close' ? log.close() : log.retire());
    assert.equal((await pass).ran, false, how);
    assert.deepEqual(fs.readdir('/d/p').filter((n) => /\.(cleaned|swap)$/.test(n)), [], `${how}: no leftovers`);
    if (how === 'close') {
      const reopened = openLog(fs);
      const after = dumpLog(reopened).records;
      // Groups swapped in before the stop are compacted; the rest is as it was: every latest value is there.
      for (const r of latest(before).values()) assert.ok(after.some((a) => a.offset === r.offset && a.value === r.value), `latest ${r.key} kept`);
      await reopened.close();
    }
  }
});

test('batches of every codec are compacted and keep their codec (snappy its framing)', async () => {
  for (const codec of ['gzip', 'snappy', 'xerial', 'lz4', 'zstd'] as const) {
    const log = openLog(new MemoryFs(), { ...compact, segmentBytes: 100_000 });
    const batchOf = async (kvs: KV[]): Promise<Buffer> => {
      const records = kvs.map((r) => ({ key: Buffer.from(r.key!), value: r.value === null ? null : Buffer.from(r.value) }));
      if (codec !== 'xerial') return buildCompressedBatch({ baseTimestamp: 1000, records }, codec);
      const plain = buildRecordBatch({ baseTimestamp: 1000, records });
      const body = await compressXerialSnappy(plain.subarray(61), 64);
      const b = Buffer.concat([plain.subarray(0, 61), body]);
      b.writeInt32BE(b.length - 12, 8);
      b.writeInt16BE(2, OFFSET_ATTRIBUTES);
      b.writeUInt32BE(computeBatchCrc(b, 0, b.length), OFFSET_CRC);
      return b;
    };
    for (const kvs of [[kv('a', '1'), kv('b', '1'), kv('a', '2')], [kv('b', '2'), kv('c', '1')], [kv('c', null)]]) {
      const b = await batchOf(kvs);
      await checkRecords(b, log.recordsPolicy); // what the produce path does before appending
      log.append(b, { recordsChecked: true });
    }
    log.roll();
    log.append(keyedBatch([kv('z', '1')]));
    await log.flush();
    const res = await log.compact(0, { force: true });
    assert.equal(res.undecodableBatches, 0, codec);
    assert.equal(res.recordsRemoved, 3, codec);
    const read = log.read(0, 1 << 20);
    assert.ok(read.ok);
    const batches = await decodeRecordBatches(read.records);
    assert.deepEqual(batches.flatMap((b) => b.records.map((r) => [Number(r.offset), r.key?.toString() ?? null, r.value?.toString() ?? null])), [[2, 'a', '2'], [3, 'b', '2'], [5, 'c', null]], codec); // the sealed segment: one read
    assert.deepEqual(batches.map((b) => b.compression), [0, 1, 2].map(() => (codec === 'xerial' ? 'snappy' : codec)), codec);
    if (codec === 'xerial' || codec === 'snappy') assert.equal(isXerialSnappy(read.records.subarray(61, readBatchHeader(read.records, 0).sizeBytes)), codec === 'xerial', `${codec}: framing kept`);
    await log.close();
  }
});
