/** Loading `__consumer_offsets` validates what it reads: crafted records are skipped with a log line, never trusted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { TopicStore } from '../../src/storage/topic-store.js';
import { offsetsPartitionFor } from '../../src/group/partitioning.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/group/consumer-protocol.js';
import {
  encodeConsumerGroupMetadataKey, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey, encodeOffsetCommitValue,
  type GroupMetadataValue,
} from '../../src/group/records.js';
import type { KeyValueWrite } from '../../src/group/offsets-topic.js';
import { rig, settle } from './helpers.js';
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
