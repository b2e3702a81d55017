import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs.js';
import { StorageError } from '../../src/storage/errors.js';
import { TopicStore, topicNameProblem } from '../../src/storage/topic-store.js';
import { batch, withTempDir } from './helpers.js';

const code = (c: string) => (e: unknown) => e instanceof StorageError && e.code === c;

test('topic names follow Kafka rules', () => {
  for (const ok of ['a', 'A-b_c.d', 'x'.repeat(249), '__consumer_offsets', 'meta']) assert.equal(topicNameProblem(ok), undefined, ok);
  for (const bad of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'ü', 'a~b']) assert.notEqual(topicNameProblem(bad), undefined, bad);
});

test('createTopic validates and persists; reopen finds topics by name and id', async () => {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  const t = store.createTopic('orders', 3, { 'retention.ms': '1000', 'cleanup.policy': 'delete' });
  assert.match(t.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.throws(() => store.createTopic('orders', 1), code('TOPIC_ALREADY_EXISTS'));
  assert.throws(() => store.createTopic('bad name', 1), code('INVALID_TOPIC_EXCEPTION'));
  assert.throws(() => store.createTopic('orders_x', 0), code('INVALID_PARTITIONS'));
  assert.throws(() => store.createTopic('o', 1, { 'segment.bytes': 'abc' }), code('INVALID_CONFIG'));
  assert.throws(() => store.createTopic('o', 1, { 'message.timestamp.type': 'Nope' }), code('INVALID_CONFIG'));
  store.createTopic('a.b', 1);
  assert.throws(() => store.createTopic('a_b', 1), code('INVALID_TOPIC_EXCEPTION'));
  store.createTopic('meta', 1); // must not collide with the broker's own files
  store.partition('meta', 0).append(batch(1));
  await store.close();
  const again = TopicStore.open('/data', { fs });
  assert.deepEqual(again.topic('orders'), t);
  assert.deepEqual(again.topicById(t.id), t);
  assert.deepEqual(again.topics().map((x) => x.name).sort(), ['a.b', 'meta', 'orders']);
  assert.equal(again.partition('meta', 0).logEndOffset, 1);
  assert.throws(() => again.partition('orders', 3), code('UNKNOWN_TOPIC_OR_PARTITION'));
  assert.throws(() => again.partition('nope', 0), code('UNKNOWN_TOPIC_OR_PARTITION'));
});

test('partitions open lazily, appends notify listeners, createPartitions grows', async () => {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  store.createTopic('t', 2);
  assert.equal(store.openPartitions().length, 0);
  const seen: Array<[string, number, number]> = [];
  store.onAppend((topic, partition, bytes) => seen.push([topic, partition, bytes]));
  const b = batch(2);
  store.partition('t', 1).append(b);
  assert.deepEqual(seen, [['t', 1, b.length]]);
  assert.equal(store.openPartitions().length, 1);
  assert.throws(() => store.createPartitions('t', 2), code('INVALID_PARTITIONS'));
  assert.equal(store.createPartitions('t', 4).partitions, 4);
  store.partition('t', 3).append(batch(1));
  await store.flushAll();
  await store.close();
  assert.equal(TopicStore.open('/data', { fs }).topic('t')!.partitions, 4);
});

test('per-topic configs override defaults (LogAppendTime, segment.bytes)', () => {
  const store = TopicStore.open('/data', { fs: new MemoryFs(), defaults: { segmentBytes: 1 << 30 }, clock: () => 4242 });
  store.createTopic('lat', 1, { 'message.timestamp.type': 'LogAppendTime', 'segment.bytes': String(1 << 20) });
  const log = store.partition('lat', 0);
  assert.equal(log.append(batch(1)).logAppendTimeMs, 4242);
  assert.equal(log.config.segmentBytes, 1 << 20);
});

test('segment.bytes below 1 MiB is refused, as a topic config and as the broker default (Kafka 4, KIP-1030)', () => {
  // Bug: segment.bytes=14 was accepted; every batch became a segment and descriptors ran out (EMFILE).
  const store = TopicStore.open('/data', { fs: new MemoryFs() });
  assert.throws(() => store.createTopic('tiny', 1, { 'segment.bytes': '14' }), code('INVALID_CONFIG'));
  assert.throws(() => store.createTopic('tiny', 1, { 'segment.bytes': String((1 << 20) - 1) }), code('INVALID_CONFIG'));
  store.createTopic('tiny', 1, { 'segment.bytes': String(1 << 20) });
  assert.throws(() => store.setTopicConfigs('tiny', { 'segment.bytes': '14' }), code('INVALID_CONFIG'));
  assert.throws(() => TopicStore.open('/other', { fs: new MemoryFs(), defaults: { segmentBytes: 14 } }), code('INVALID_CONFIG'));
});

test('deleteTopic removes the directory and the registry entry; the name can be reused', async () => {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  const t = store.createTopic('gone', 2);
  store.partition('gone', 0).append(batch(1));
  store.deleteTopic('gone');
  assert.equal(store.topic('gone'), undefined);
  assert.equal(store.topicById(t.id), undefined);
  assert.deepEqual(fs.readdir('/data').filter((n) => !n.endsWith('~deleted')), [], 'renamed aside at once, removed in the background');
  assert.throws(() => store.deleteTopic('gone'), code('UNKNOWN_TOPIC_OR_PARTITION'));
  const t2 = store.createTopic('gone', 1);
  assert.notEqual(t2.id, t.id);
  assert.equal(store.partition('gone', 0).logEndOffset, 0);
  await store.close();
  assert.deepEqual(fs.readdir('/data'), ['gone'], 'close waited for the removal');
});

test('runRetention applies per-topic retention', async () => {
  const store = TopicStore.open('/data', { fs: new MemoryFs(), defaults: { internalSegmentBytes: 300 } });
  store.createTopic('short', 1, { 'retention.bytes': '300' });
  store.createTopic('long', 1);
  for (const name of ['short', 'long']) for (let i = 0; i < 20; i++) store.partition(name, 0).append(batch(1, { valueBytes: 60, ts: Date.now() }));
  await store.flushAll();
  assert.ok(store.runRetention(Date.now()) > 0);
  assert.ok(store.partition('short', 0).logStartOffset > 0);
  assert.equal(store.partition('long', 0).logStartOffset, 0);
  await store.close();
});

test('real file system: topics and data survive a clean restart', async () => {
  await withTempDir(async (dir) => {
    const store = TopicStore.open(dir);
    store.createTopic('__consumer_offsets', 2);
    store.partition('__consumer_offsets', 1).append(batch(3));
    await store.close();
    const again = TopicStore.open(dir);
    assert.equal(again.partition('__consumer_offsets', 1).logEndOffset, 3);
    await again.close();
  });
});

test('a topic created where a directory without a readable topic.json lies starts empty (the old files are moved aside)', async () => {
  // Bug: creation reused an existing directory, so a topic whose topic.json was lost served the old records.
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  store.createTopic('x', 1);
  store.partition('x', 0).append(batch(3));
  await store.close();
  fs.rm('/data/x/topic.json'); // as a crash before the topic.json sync may leave it
  const again = TopicStore.open('/data', { fs });
  assert.equal(again.topic('x'), undefined, 'not a topic without its topic.json');
  again.createTopic('x', 1);
  assert.equal(again.partition('x', 0).logEndOffset, 0);
  await again.close();
  assert.deepEqual(fs.readdir('/data'), ['x'], 'the old files were removed');
  assert.equal(TopicStore.open('/data', { fs }).partition('x', 0).logEndOffset, 0);
});

test('deleted-topic directories are never loaded and are removed at open, whatever the name length', async () => {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  const long = 'n'.repeat(249);
  store.createTopic(long, 1);
  store.partition(long, 0).append(batch(2));
  await store.flushAll();
  // A crash right after the rename: the tree is still there under its deleted name.
  const heal = fs.inject((op) => (op === 'rm' ? 'EIO' : undefined));
  store.deleteTopic(long);
  await store.close();
  const left = fs.readdir('/data');
  assert.equal(left.length, 1);
  assert.ok(left[0]!.endsWith('~deleted') && left[0]!.length <= 255, left[0]);
  heal();
  const reopened = TopicStore.open('/data', { fs });
  assert.deepEqual(reopened.topics(), []);
  await reopened.close();
  assert.deepEqual(fs.readdir('/data'), []);
});

test('a crash before a new topic is synced loses only that topic; once topicsDurable() resolves it survives', async () => {
  const fs = new MemoryFs();
  const errors: string[] = [];
  const logger = { info() {}, warn: (_o: object, msg: string) => errors.push(msg), error: (_o: object, msg: string) => errors.push(msg) };
  const store = TopicStore.open('/data', { fs, logger });
  store.createTopic('kept', 1);
  await store.topicsDurable(['kept']);
  store.createTopic('lost', 1); // topic.json written, not yet fsynced
  fs.crash();
  const after = TopicStore.open('/data', { fs, logger });
  assert.ok(after.topic('kept') !== undefined);
  assert.equal(after.topic('lost'), undefined, 'an empty topic.json is not a topic');
  assert.deepEqual(errors, ['empty topic.json (creation cut short by a crash); not a topic']);
  after.createTopic('lost', 1);
  await after.topicsDurable();
  fs.crash();
  assert.ok(TopicStore.open('/data', { fs }).topic('lost') !== undefined);
});

test('a partition flush waits for its new topic to be durable', async () => {
  const fs = new MemoryFs();
  const store = TopicStore.open('/data', { fs });
  store.createTopic('t', 1);
  store.partition('t', 0).append(batch(2));
  await store.partition('t', 0).flush();
  fs.crash();
  const after = TopicStore.open('/data', { fs });
  assert.equal(after.partition('t', 0).logEndOffset, 2, 'the flushed records and their topic survived');
});
