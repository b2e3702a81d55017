/** minikafka.group.classic.shared.partitions.enable: a classic leader may give one partition to several members (a broadcast assignor), as Kafka allows; off by default. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig, type Rig } from './helpers.js';
import { decodeConsumerAssignment, encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/protocol/consumer-protocol.js';
import { assertSinglePartitionOwner } from '../../src/group/invariant.js';
import type { JoinRequest } from '../../src/group/classic-types.js';

function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g', memberId: '', groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'broadcast', metadata: encodeConsumerSubscription({ topics: ['t'] }) }], sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000,
    clientId: 'c', clientHost: '/h', requireKnownMemberId: false, supportsSkipAssignment: true, ...over,
  };
}

/** Two members join; the leader gives both partitions to both. Returns the leader's and the follower's sync errors. */
async function broadcast(r: Rig): Promise<{ leader: string; follower: string; followerAssignment: Buffer }> {
  const aFirst = r.coordinator.joinGroup(joinReq());
  r.clock.advance(0); // the initial-delay timer completes a fresh group's first join
  const a = await aFirst;
  const bJoin = r.coordinator.joinGroup(joinReq());
  const [la, lb] = await Promise.all([r.coordinator.joinGroup(joinReq({ memberId: a.memberId })), bJoin]);
  assert.equal(la.generationId, lb.generationId);
  const both = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }] });
  const follower = r.coordinator.syncGroup({ groupId: 'g', generationId: lb.generationId, memberId: lb.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  const leader = await r.coordinator.syncGroup({
    groupId: 'g', generationId: la.generationId, memberId: la.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'broadcast',
    assignments: [{ memberId: la.memberId, assignment: both }, { memberId: lb.memberId, assignment: both }],
  });
  if (leader.error !== 'NONE') return { leader: leader.error, follower: '', followerAssignment: Buffer.alloc(0) };
  const f = await follower;
  return { leader: leader.error, follower: f.error, followerAssignment: f.assignment };
}

test('default: one owner per partition, a broadcast assignment is refused', async () => {
  const r = rig();
  r.store.createTopic('t', 2);
  assert.equal((await broadcast(r)).leader, 'INCONSISTENT_GROUP_PROTOCOL');
  r.coordinator.close();
});

test('enabled: both members get every partition, the group is Stable, and it survives a restart of the coordinator', async () => {
  const r = rig({ classicSharedPartitions: true });
  r.store.createTopic('t', 2);
  const res = await broadcast(r);
  assert.equal(res.leader, 'NONE');
  assert.equal(res.follower, 'NONE');
  assert.deepEqual(decodeConsumerAssignment(res.followerAssignment).assignedPartitions, [{ topic: 't', partitions: [0, 1] }]);
  const g = r.coordinator.groups.get('g')!;
  assert.equal(g.kind === 'classic' && g.state, 'Stable');
  assert.throws(() => assertSinglePartitionOwner(g), /assigned to both/, 'the strict check would refuse it');
  assertSinglePartitionOwner(g, true);
  const c2 = r.restart();
  const loaded = c2.groups.get('g');
  assert.ok(loaded !== undefined && loaded.kind === 'classic' && loaded.members.size === 2, 'the shared assignment loads back');
  c2.close();
});
