/** Loading `__consumer_offsets` validates what it reads: crafted records are skipped with a log line, never trusted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch, isControlBatch, readBatchHeader } from '../../src/protocol/record-batch.js';
import { ATTR_TRANSACTIONAL, buildMarkerBatch } from '../../src/protocol/txn-records.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { offsetsPartitionFor } from '../../src/group/partitioning.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/group/consumer-protocol.js';
import {
  encodeConsumerGroupMetadataKey, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../../src/protocol/offsets-records.js';
import { OffsetsTopic, type KeyValueWrite } from '../../src/group/offsets-topic.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { rig, settle } from './helpers.js';
import { silentGroupLogger } from '../../src/group/types.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const OFFSETS = '__consumer_offsets';

/** GroupMetadata for a Stable classic group whose two members are both assigned t-0. */
function doubleOwner(overrides: Partial<GroupMetadataValue> = {}): GroupMetadataValue {
  const member = (memberId: string) => ({
    memberId, groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 300_000,
    subscription: encodeConsumerSubscription(['t']), assignment: encodeConsumerAssignment(new Map([['t', [0]]])),
  });
  return { protocolType: 'consumer', generation: 3, protocol: 'range', leader: 'm1', currentStateTimestampMs: 1, members: [member('m1'), member('m2')], ...overrides };
}

const int16 = (v: number) => { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; };

/** Every kind of bad record the load must skip, for group `g` (and a good commit of `good`, which must load). */
function craftedRecords(): KeyValueWrite[] {
  return [
    { key: encodeGroupMetadataKey('g'), value: encodeGroupMetadataValue(doubleOwner()) },
    { key: encodeGroupMetadataKey('g2'), value: encodeGroupMetadataValue(doubleOwner({ leader: 'nobody' })) },
    { key: encodeGroupMetadataKey('g3'), value: Buffer.concat([int16(9), Buffer.from('garbage')]) },
    { key: Buffer.from([0xff]), value: Buffer.from('x') },
    { key: encodeOffsetCommitKey('g', 't', -5), value: encodeOffsetCommitValue({ offset: 1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: -1 }) },
    { key: encodeOffsetCommitKey('g', 't', 0), value: Buffer.concat([int16(77), Buffer.alloc(30)]) },
    { key: encodeConsumerGroupMetadataKey('c'), value: Buffer.concat([int16(0), Buffer.from([0xff, 0xff, 0xff, 0xfe]), Buffer.from([0])]) },
    { key: encodeOffsetCommitKey('good', 't', 0), value: encodeOffsetCommitValue({ offset: 42n, leaderEpoch: -1, metadata: 'ok', commitTimestampMs: 1, expireTimestampMs: -1 }) },
  ];
}

/** Writes each record into the group's offsets partition through the storage layer, as Produce once allowed. */
function plant(store: TopicStore, records: KeyValueWrite[]): void {
  if (store.topic(OFFSETS) === undefined) store.createTopic(OFFSETS, 4, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1' });
  for (const r of records) {
    const group = r.key.length > 4 ? r.key.toString('utf8', 4, 4 + r.key.readInt16BE(2)) : 'g';
    store.partition(OFFSETS, offsetsPartitionFor(group, 4)).append(buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: r.key, value: r.value }] }));
  }
}

// A GroupMetadata record giving one partition to two members was restored as a Stable group: the
// first JoinGroup of that group failed the golden-rule assertion, and the pending member's timer threw
// it again, uncaught, so the process exited (on every start, as the record stayed in the log).
test('crafted records in __consumer_offsets are skipped at load; the group still serves joins and its timers run', async () => {
  const r = rig();
  plant(r.store, craftedRecords());
  const c = r.restart();
  assert.equal(c.groups.get('g'), undefined, 'the double-owner group was not restored');
  assert.equal(c.fetchOffsets('good', [{ name: 't', partitions: [0] }]).topics[0]!.partitions[0]!.offset, 42n);
  r.store.createTopic('t', 1);
  const join = c.joinGroup({
    groupId: 'g', memberId: '', groupInstanceId: null, clientId: 'c', clientHost: '/x', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: encodeConsumerSubscription(['t']) }], requireKnownMemberId: true, supportsSkipAssignment: false,
  });
  assert.equal((await join).error, 'MEMBER_ID_REQUIRED');
  r.clock.advance(60_000); // the pending member's timer, and every restored session timer
  await settle();
});

test('a broker restarted over crafted __consumer_offsets records starts, logs each skip, and serves the group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-offsets-load-'));
  try {
    const first = await startTestBroker({}, dir);
    await first.close();
    const store = TopicStore.open(dir);
    plant(store, craftedRecords());
    await store.close();

    const broker = await startTestBroker({}, dir);
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const skipped = broker.logs.filter((l) => l.level === 'error' && String(l.msg).startsWith('skipping'));
      assert.ok(skipped.length >= 7, `each bad record logged (${skipped.length}): ${JSON.stringify(broker.logs.slice(0, 12))}`);
      for (const l of skipped) assert.ok(JSON.stringify(l).length < 2000, 'log lines are bounded');
      await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
      const join = (memberId: string) => client.request(ApiKey.JoinGroup, 9, {
        groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null,
        protocolType: 'consumer', protocols: [{ name: 'range', metadata: encodeConsumerSubscription(['t']) }], reason: null,
      });
      const first = await join('');
      assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
      const joined = await join(first.memberId);
      assert.equal(joined.errorCode, ErrorCode.NONE);
      assert.equal(joined.leader, first.memberId);
      const sync = await client.request(ApiKey.SyncGroup, 5, {
        groupId: 'g', generationId: joined.generationId, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
        assignments: [{ memberId: first.memberId, assignment: encodeConsumerAssignment(new Map([['t', [0]]])) }],
      });
      assert.equal(sync.errorCode, ErrorCode.NONE);
      const fetched = await client.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'good', topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: false });
      assert.equal(fetched.groups[0].topics[0].partitions[0].committedOffset, 42n);
    } finally {
      client.close();
      await broker.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Kafka's cleaner removes a commit marker once its segment holds none of its transaction's batches,
// while the committed records stay: the load took them for a transaction still open, so the
// committed offset was never seen again.
test('a transactional offset commit whose commit marker the cleaner removed loads as committed', async () => {
  const r = rig();
  r.store.createTopic(OFFSETS, 4, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1', 'delete.retention.ms': '0' });
  const log = r.store.partition(OFFSETS, offsetsPartitionFor('good', 4));
  log.config = { ...log.config, segmentBytes: 120 }; // too small to clean two segments into one: the marker's group holds none of its transaction's batches
  const value = encodeOffsetCommitValue({ offset: 42n, leaderEpoch: -1, metadata: 'txn', commitTimestampMs: 1, expireTimestampMs: -1 });
  log.append(buildRecordBatch({ attributes: ATTR_TRANSACTIONAL, producerId: 5, producerEpoch: 0, baseTimestamp: 1, records: [{ key: encodeOffsetCommitKey('good', 't', 0), value }] }), { origin: 'coordinator' });
  log.roll();
  log.append(buildMarkerBatch({ producerId: 5, producerEpoch: 0, coordinatorEpoch: 0, commit: true, timestampMs: 1 }), { origin: 'coordinator' });
  log.roll();
  await log.flush();
  await log.compact(1, { force: true }); // the marker's group holds no batch of its transaction: it gets a delete horizon
  await log.compact(2, { force: true }); // and goes
  const read = log.read(0, 1 << 20);
  assert.ok(read.ok);
  for (let pos = 0; pos < read.records.length; pos += readBatchHeader(read.records, pos).sizeBytes) {
    assert.ok(!isControlBatch(readBatchHeader(read.records, pos).attributes), 'the commit marker is gone');
  }
  const c = r.restart();
  assert.equal(c.fetchOffsets('good', [{ name: 't', partitions: [0] }]).topics[0]!.partitions[0]!.offset, 42n);
});

// The cleaner keeps a producer's last marker, emptied of its record, while the producer is known
// (Kafka's empty control batch): the load took it for an abort and dropped the committed records.
test('an emptied commit marker ends nothing: the committed records before it still load', async () => {
  const store = TopicStore.open('/data', { fs: new MemoryFs() });
  store.createTopic(OFFSETS, 1, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1', 'delete.retention.ms': '0' });
  const log = store.partition(OFFSETS, 0);
  log.config = { ...log.config, segmentBytes: 120 };
  const key = encodeOffsetCommitKey('good', 't', 0);
  log.append(buildRecordBatch({ attributes: ATTR_TRANSACTIONAL, producerId: 5, producerEpoch: 0, baseTimestamp: 1, records: [{ key, value: Buffer.from('v') }] }), { origin: 'coordinator' });
  log.roll();
  log.append(buildMarkerBatch({ producerId: 5, producerEpoch: 0, coordinatorEpoch: 0, commit: true, timestampMs: 1 }), { origin: 'coordinator' });
  log.roll();
  await log.flush();
  await log.compact(1, { force: true });
  await log.compact(2, { force: true });
  const read = log.read(1, 1 << 20);
  assert.ok(read.ok);
  const marker = readBatchHeader(read.records, 0);
  assert.ok(isControlBatch(marker.attributes) && marker.recordCount === 0, 'the producer\'s last marker is kept, empty');
  const loaded = [...OffsetsTopic.open(store, 1, silentGroupLogger).scan(() => undefined)];
  assert.deepEqual(loaded.map((r) => [r.offset, 'pendingProducerId' in r]), [[0, false]]);
  await store.close();
});
