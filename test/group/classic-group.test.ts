import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig, settle, type Rig } from './helpers.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/protocol/consumer-protocol.js';
import { assertSinglePartitionOwner } from '../../src/group/invariant.js';
import type { JoinRequest, JoinResult } from '../../src/group/classic-types.js';

function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g', memberId: '', groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeConsumerSubscription({ topics: ['t'] }) }], sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000,
    clientId: 'c', clientHost: '/h', requireKnownMemberId: true, supportsSkipAssignment: true, ...over,
  };
}

/** KIP-394: first join gets MEMBER_ID_REQUIRED and an id; the second join carries it. Returns the parked join. */
async function joinNew(r: Rig, over: Partial<JoinRequest> = {}): Promise<{ memberId: string; result: Promise<JoinResult> }> {
  const first = await r.coordinator.joinGroup(joinReq(over));
  assert.equal(first.error, 'MEMBER_ID_REQUIRED');
  const result = r.coordinator.joinGroup(joinReq({ ...over, memberId: first.memberId }));
  r.clock.advance(0); // a fresh group's first generation completes from its initial-delay timer, even at 0 ms
  return { memberId: first.memberId, result };
}

test('classic: two members join, the leader assigns, both sync; heartbeats and errors', async () => {
  const r = rig();
  r.store.createTopic('t', 2);
  const a = await joinNew(r);
  const ja = await a.result;
  assert.equal(ja.error, 'NONE');
  assert.equal(ja.leader, a.memberId);
  assert.equal(ja.generationId, 1);
  // b joins: a must rejoin (heartbeat says so) before generation 2 completes.
  const b = await joinNew(r);
  assert.equal(r.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }), 'REBALANCE_IN_PROGRESS');
  const ja2 = r.coordinator.joinGroup(joinReq({ memberId: a.memberId }));
  const [la, lb] = await Promise.all([ja2, b.result]);
  assert.equal(la.generationId, 2);
  assert.equal(la.members.length, 2, 'the leader sees every member');
  assert.equal(lb.members.length, 0);
  const follower = r.coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  const leader = await r.coordinator.syncGroup({
    groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: [
      { memberId: a.memberId, assignment: encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }] }) },
      { memberId: b.memberId, assignment: encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [1] }] }) },
    ],
  });
  assert.equal(leader.error, 'NONE');
  assert.equal((await follower).error, 'NONE');
  const g = r.coordinator.groups.get('g')!;
  assert.equal(g.kind === 'classic' && g.state, 'Stable');
  assertSinglePartitionOwner(g);
  assert.equal(r.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }), 'ILLEGAL_GENERATION');
  assert.equal(r.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: 'nobody', groupInstanceId: null }), 'UNKNOWN_MEMBER_ID');
  assert.equal((await r.coordinator.joinGroup(joinReq({ memberId: a.memberId, protocolType: 'connect' }))).error, 'INCONSISTENT_GROUP_PROTOCOL');
  assert.equal((await r.coordinator.joinGroup(joinReq({ sessionTimeoutMs: 10 }))).error, 'INVALID_SESSION_TIMEOUT');
  // b dies: after its session timeout the group rebalances; a rejoins alone.
  r.clock.advance(5_000);
  assert.equal(r.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null }), 'NONE');
  r.clock.advance(5_001);
  assert.equal(r.coordinator.heartbeat({ groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null }), 'REBALANCE_IN_PROGRESS');
  const alone = await r.coordinator.joinGroup(joinReq({ memberId: a.memberId }));
  assert.equal(alone.generationId, 3);
  assert.equal(alone.members.length, 1);
  r.coordinator.close();
});

test('classic: a leader assignment that gives one partition to two members is refused', async () => {
  const r = rig();
  r.store.createTopic('t', 2);
  const a = await joinNew(r);
  await a.result;
  const b = await joinNew(r);
  const [la] = await Promise.all([r.coordinator.joinGroup(joinReq({ memberId: a.memberId })), b.result]);
  const both = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }] });
  const res = await r.coordinator.syncGroup({
    groupId: 'g', generationId: la.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null,
    assignments: [{ memberId: a.memberId, assignment: both }, { memberId: b.memberId, assignment: both }],
  });
  assert.equal(res.error, 'INCONSISTENT_GROUP_PROTOCOL');
  const g = r.coordinator.groups.get('g')!;
  assert.equal(g.kind === 'classic' && g.state, 'PreparingRebalance');
  r.coordinator.close();
});

test('classic: a static member that restarts takes its place back without a rebalance; the old id is fenced', async () => {
  const r = rig();
  r.store.createTopic('t', 1);
  const joining = r.coordinator.joinGroup(joinReq({ groupInstanceId: 'i1' }));
  r.clock.advance(0);
  const first = await joining;
  assert.equal(first.error, 'NONE', 'static members skip MEMBER_ID_REQUIRED');
  await r.coordinator.syncGroup({ groupId: 'g', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'i1', protocolType: null, protocolName: null, assignments: [{ memberId: first.memberId, assignment: encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }] }) }] });
  const again = await r.coordinator.joinGroup(joinReq({ groupInstanceId: 'i1' }));
  assert.equal(again.error, 'NONE');
  assert.equal(again.generationId, first.generationId, 'no new generation');
  assert.notEqual(again.memberId, first.memberId);
  assert.equal(r.coordinator.heartbeat({ groupId: 'g', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'i1' }), 'FENCED_INSTANCE_ID');
  r.coordinator.close();
});

test('offsets: commit is durable and survives a coordinator restart; delete writes tombstones; simple groups', async () => {
  const r = rig();
  r.store.createTopic('t', 3);
  const commit = (groupId: string, offset: bigint) => r.coordinator.commitOffsets({ groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, version: 8, topics: [{ name: 't', partitions: [{ partition: 1, offset, leaderEpoch: -1, metadata: 'md' }, { partition: 9, offset, leaderEpoch: -1, metadata: null }] }] });
  const res = await commit('simple', 5n);
  assert.deepEqual(res.topics[0]!.partitions.map((p) => p.error), ['NONE', 'UNKNOWN_TOPIC_OR_PARTITION']);
  await commit('simple', 7n);
  await commit('other', 3n);
  assert.equal((await r.coordinator.commitOffsets({ groupId: 'nope', generationIdOrMemberEpoch: 3, memberId: 'm', groupInstanceId: null, version: 8, topics: [{ name: 't', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] }] })).topics[0]!.partitions[0]!.error, 'ILLEGAL_GENERATION');
  const c2 = r.restart();
  assert.equal(c2.fetchOffsets('simple', [{ name: 't', partitions: [1, 2] }]).topics[0]!.partitions.map((p) => p.offset).join(), '7,-1');
  assert.equal(c2.fetchOffsets('simple', null).topics[0]!.partitions[0]!.metadata, 'md');
  assert.deepEqual(c2.listGroups([], []).map((g) => g.groupId), ['other', 'simple']);
  assert.deepEqual(await c2.deleteGroups(['other', 'missing']), [{ groupId: 'other', error: 'NONE' }, { groupId: 'missing', error: 'GROUP_ID_NOT_FOUND' }]);
  const c3 = r.restart();
  assert.equal(c3.fetchOffsets('other', [{ name: 't', partitions: [1] }]).topics[0]!.partitions[0]!.offset, -1n);
  assert.equal(c3.groups.has('other'), false);
  c3.close();
});

test('offsets of an empty group expire after offsets.retention', async () => {
  const r = rig({ offsetsRetentionMs: 60_000, offsetsRetentionCheckIntervalMs: 10_000 });
  r.store.createTopic('t', 1);
  await r.coordinator.commitOffsets({ groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, version: 8, topics: [{ name: 't', partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] }] });
  r.clock.advance(30_000);
  await settle();
  assert.equal(r.coordinator.fetchOffsets('g', null).topics.length, 1);
  assert.equal(await r.coordinator.expireOffsets(), 0);
  r.clock.advance(31_000);
  assert.equal(await r.coordinator.expireOffsets(), 1);
  assert.equal(r.coordinator.groups.has('g'), false);
  assert.equal(r.restart().fetchOffsets('g', null).topics.length, 0);
  r.coordinator.close();
});

test('classic: consumers that join a fresh group together share its first generation (initial delay 0, as Kafka)', async () => {
  // Regression: with group.initial.rebalance.delay.ms=0 the first JoinGroup completed the join at once, so
  // four consumers started together got a first generation of one and a rebalance a heartbeat later.
  const r = rig();
  r.store.createTopic('t', 4);
  const a = await joinNewParked(r);
  const b = await joinNewParked(r);
  r.clock.advance(0);
  const [ja, jb] = await Promise.all([a.result, b.result]);
  assert.equal(ja.generationId, 1);
  assert.equal(jb.generationId, 1);
  assert.equal(ja.members.length + jb.members.length, 2, 'the leader of generation 1 sees both members');
  r.coordinator.close();
});

test('classic: the initial delay is re-armed while new members keep arriving (Kafka newMemberAdded)', async () => {
  const r = rig({ initialRebalanceDelayMs: 100 });
  r.store.createTopic('t', 4);
  const a = await joinNewParked(r);
  r.clock.advance(50);
  const b = await joinNewParked(r);
  r.clock.advance(50); // the first delay ends; b arrived during it, so it waits another 100 ms
  r.clock.advance(50);
  const c = await joinNewParked(r);
  r.clock.advance(50); // c arrived during the second delay: a third one
  let done = false;
  void a.result.then(() => { done = true; });
  await settle();
  assert.equal(done, false, 'still waiting for more members');
  r.clock.advance(100);
  const all = await Promise.all([a.result, b.result, c.result]);
  assert.deepEqual(all.map((j) => j.generationId), [1, 1, 1]);
  assert.equal(all.reduce((n, j) => n + j.members.length, 0), 3, 'one generation with all three');
  r.coordinator.close();
});

/** joinNew without moving the clock: the join stays parked until the test advances it. */
async function joinNewParked(r: Rig): Promise<{ memberId: string; result: Promise<JoinResult> }> {
  const first = await r.coordinator.joinGroup(joinReq());
  assert.equal(first.error, 'MEMBER_ID_REQUIRED');
  return { memberId: first.memberId, result: r.coordinator.joinGroup(joinReq({ memberId: first.memberId })) };
}
