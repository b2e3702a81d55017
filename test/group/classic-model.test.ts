import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rig, settle, type Rig } from './helpers.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/protocol/consumer-protocol.js';
import { assertSinglePartitionOwner } from '../../src/group/invariant.js';
import type { JoinRequest, JoinResult, SyncResult } from '../../src/group/classic-types.js';

const PARTITIONS = 5;

/** A classic consumer as a state machine: joins, the leader assigns ranges, heartbeats, leaves. */
class Member {
  memberId = '';
  generation = -1;
  joined: JoinResult | undefined;
  joining: Promise<JoinResult> | undefined;
  syncing: Promise<SyncResult> | undefined;
  constructor(readonly r: Rig, readonly staticId: string | null) {}

  private req(memberId: string): JoinRequest {
    return {
      groupId: 'g', memberId, groupInstanceId: this.staticId, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeConsumerSubscription({ topics: ['t'] }) }], sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 15_000,
      clientId: 'c', clientHost: '/h', requireKnownMemberId: true, supportsSkipAssignment: true,
    };
  }

  async join(): Promise<void> {
    if (this.joining !== undefined) return;
    if (this.memberId === '' && this.staticId === null) {
      const first = await this.r.coordinator.joinGroup(this.req(''));
      if (first.error !== 'MEMBER_ID_REQUIRED') return;
      this.memberId = first.memberId;
    }
    this.joining = this.r.coordinator.joinGroup(this.req(this.memberId));
    void this.joining.then((res) => {
      this.joining = undefined;
      if (res.error === 'NONE') {
        this.memberId = res.memberId;
        this.generation = res.generationId;
        this.joined = res;
      } else if (res.error === 'UNKNOWN_MEMBER_ID' || res.error === 'FENCED_INSTANCE_ID') {
        this.memberId = '';
        this.joined = undefined;
      }
    });
  }

  sync(): void {
    const j = this.joined;
    if (j === undefined || this.syncing !== undefined) return;
    const assignments = j.members.map((m, i) => {
      const per = Math.ceil(PARTITIONS / j.members.length);
      const parts = Array.from({ length: PARTITIONS }, (_, p) => p).filter((p) => Math.floor(p / per) === i);
      return { memberId: m.memberId, assignment: encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: parts }] }) };
    });
    this.syncing = this.r.coordinator.syncGroup({ groupId: 'g', generationId: j.generationId, memberId: this.memberId, groupInstanceId: this.staticId, protocolType: 'consumer', protocolName: 'range', assignments });
    void this.syncing.then(() => {
      this.syncing = undefined;
    });
    this.joined = undefined;
  }

  heartbeat(): void {
    if (this.memberId === '') return;
    const e = this.r.coordinator.heartbeat({ groupId: 'g', generationId: this.generation, memberId: this.memberId, groupInstanceId: this.staticId });
    if (e === 'REBALANCE_IN_PROGRESS' || e === 'ILLEGAL_GENERATION') void this.join();
    if (e === 'UNKNOWN_MEMBER_ID' || e === 'FENCED_INSTANCE_ID') this.memberId = '';
  }

  leave(): void {
    if (this.memberId === '') return;
    this.r.coordinator.leaveGroup('g', [{ memberId: this.memberId, groupInstanceId: this.staticId }]);
    this.memberId = '';
    this.joined = undefined;
  }
}

test('classic: the golden rule holds after every step of random join/sync/heartbeat/leave/timeout sequences', async () => {
  const op = fc.record({ kind: fc.constantFrom('join', 'sync', 'beat', 'leave', 'time'), m: fc.integer({ min: 0, max: 3 }), ms: fc.integer({ min: 0, max: 12_000 }) });
  await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
    const r = rig({ minSessionTimeoutMs: 1000 });
    r.store.createTopic('t', PARTITIONS);
    const members = [0, 1, 2, 3].map((i) => new Member(r, i === 3 ? 'static-3' : null));
    try {
      for (const o of ops) {
        const m = members[o.m]!;
        if (o.kind === 'join') await m.join();
        else if (o.kind === 'sync') m.sync();
        else if (o.kind === 'beat') m.heartbeat();
        else if (o.kind === 'leave') m.leave();
        else r.clock.advance(o.ms);
        await settle();
        const g = r.coordinator.groups.get('g');
        if (g !== undefined) assertSinglePartitionOwner(g);
      }
      // Convergence: everyone (re)joins and syncs; the group ends Stable with every partition owned once.
      for (let round = 0; round < 4; round++) {
        for (const m of members) await m.join();
        r.clock.advance(0); // a fresh group's first join completes from its initial-delay timer
        await settle();
        for (const m of members) m.sync();
        await settle();
        const g = r.coordinator.groups.get('g');
        if (g?.kind === 'classic' && g.state === 'Stable') break;
        for (const m of members) m.heartbeat();
        await settle();
      }
      const g = r.coordinator.groups.get('g');
      assert.ok(g?.kind === 'classic');
      assert.equal(g.state, 'Stable');
      assertSinglePartitionOwner(g);
    } finally {
      r.coordinator.close();
    }
  }), { numRuns: 100 });
});
