/**
 * A classic group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup; the leader member computes the
 * assignment). States as Kafka's: Empty → PreparingRebalance → CompletingRebalance → Stable, and Dead
 * once deleted. A rebalance completes when every known member has rejoined (and no member is pending
 * its KIP-394 id), or when the rebalance timeout (largest of the members') runs out: members that did
 * not rejoin are then removed, static ones kept (KIP-345). The generation is bumped on every completed
 * join. Members that do not sync within the rebalance timeout after a join are removed too.
 * Session timers are reset by every request of the member; a member parked in a join or sync is kept
 * alive, as Kafka does (the join/sync deadlines bound it instead).
 */
import type { TimerHandle } from './clock.js';
import {
  joinError, syncError,
  type ClassicState, type HeartbeatRequest, type JoinRequest, type JoinResult, type LeaveMember,
  type SyncRequest, type SyncResult,
} from './classic-types.js';
import type { GroupErrorName } from './types.js';
export type { ClassicEnv, ClassicMember } from './classic-types.js';
import type { ClassicEnv, ClassicMember } from './classic-types.js';
import { acceptsProtocols, leaderMemberList, restoredMembers, sameOffers, voteProtocol, type RestoredClassicGroup } from './classic-protocols.js';

const EMPTY = Buffer.alloc(0);

export class ClassicGroup {
  readonly kind = 'classic' as const;
  state: ClassicState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** groupInstanceId → memberId (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Ids handed out with MEMBER_ID_REQUIRED, not yet joined. */
  readonly pendingMembers = new Map<string, TimerHandle>();
  /** Members that got a join response for this generation but have not sent SyncGroup. */
  readonly pendingSync = new Set<string>();
  /** When the group last changed state (GroupMetadataValue.currentStateTimestamp; offsets expiry of empty groups). */
  stateTimestampMs: number;
  private joinTimer: TimerHandle | undefined;
  private syncTimer: TimerHandle | undefined;
  private initialDelayActive = false;
  private newMemberAdded = false; // since the initial delay was (re)armed, as Kafka's flag of that name

  constructor(readonly groupId: string, private readonly env: ClassicEnv) {
    this.stateTimestampMs = env.scheduler.now();
  }

  // ------------------------------------------------------------------ JoinGroup

  join(req: JoinRequest): Promise<JoinResult> {
    if (this.state === 'Dead') return Promise.resolve(joinError('COORDINATOR_NOT_AVAILABLE', req.memberId));
    if (!acceptsProtocols(this, req.protocolType, req.protocols)) return Promise.resolve(joinError('INCONSISTENT_GROUP_PROTOCOL', req.memberId));
    const result = req.memberId === '' ? this.joinUnknown(req) : this.joinKnown(req);
    this.env.onChange(this);
    return result;
  }

  private isFull(): boolean {
    return this.members.size + this.pendingMembers.size >= this.env.maxSize;
  }

  private joinUnknown(req: JoinRequest): Promise<JoinResult> {
    const newId = this.env.newMemberId(req.clientId);
    if (req.groupInstanceId !== null) {
      const oldId = this.staticMembers.get(req.groupInstanceId);
      if (oldId !== undefined) return this.replaceStaticMember(oldId, newId, req);
      if (this.isFull()) return Promise.resolve(joinError('GROUP_MAX_SIZE_REACHED'));
      return this.addMemberAndRebalance(newId, req);
    }
    if (this.isFull()) return Promise.resolve(joinError('GROUP_MAX_SIZE_REACHED'));
    if (req.requireKnownMemberId) {
      const timer = this.env.scheduler.schedule(req.sessionTimeoutMs, () => {
        if (this.pendingMembers.delete(newId)) {
          this.maybeCompleteJoin();
          this.env.onChange(this);
        }
      });
      this.pendingMembers.set(newId, timer);
      return Promise.resolve(joinError('MEMBER_ID_REQUIRED', newId));
    }
    return this.addMemberAndRebalance(newId, req);
  }

  private joinKnown(req: JoinRequest): Promise<JoinResult> {
    const pending = this.pendingMembers.get(req.memberId);
    if (pending !== undefined) {
      pending.cancel();
      this.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(req.memberId, req);
    }
    const problem = this.validateMember(req.memberId, req.groupInstanceId);
    if (problem !== 'NONE') return Promise.resolve(joinError(problem, req.memberId));
    const member = this.members.get(req.memberId)!;
    switch (this.state) {
      case 'PreparingRebalance':
        this.updateMember(member, req);
        return this.parkJoin(member, 'member rejoined');
      case 'CompletingRebalance':
        if (sameOffers(member, req.protocols)) {
          this.touchSession(member);
          return Promise.resolve(this.joinResponse(member, false));
        }
        this.updateMember(member, req);
        return this.parkJoin(member, `member ${member.memberId} changed its protocols`);
      case 'Stable':
        if (member.memberId === this.leaderId || !sameOffers(member, req.protocols)) {
          this.updateMember(member, req);
          return this.parkJoin(member, `${member.memberId === this.leaderId ? 'leader' : 'member'} ${member.memberId} rejoined`);
        }
        this.touchSession(member);
        return Promise.resolve(this.joinResponse(member, false));
      default:
        return Promise.resolve(joinError('UNKNOWN_MEMBER_ID', req.memberId));
    }
  }

  /** Kafka's validateMember: static identity first (FENCED_INSTANCE_ID), then the member id. */
  validateMember(memberId: string, groupInstanceId: string | null): GroupErrorName {
    if (groupInstanceId !== null) {
      const owner = this.staticMembers.get(groupInstanceId);
      if (owner === undefined) return 'UNKNOWN_MEMBER_ID';
      if (owner !== memberId) return 'FENCED_INSTANCE_ID';
    }
    if (!this.members.has(memberId)) return 'UNKNOWN_MEMBER_ID';
    return 'NONE';
  }

  private updateMember(member: ClassicMember, req: JoinRequest): void {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.supportsSkipAssignment = req.supportsSkipAssignment;
    this.touchSession(member);
  }

  private addMemberAndRebalance(memberId: string, req: JoinRequest): Promise<JoinResult> {
    const member: ClassicMember = {
      memberId, groupInstanceId: req.groupInstanceId, clientId: req.clientId, clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs, rebalanceTimeoutMs: req.rebalanceTimeoutMs, protocolType: req.protocolType,
      protocols: req.protocols, assignment: EMPTY, supportsSkipAssignment: req.supportsSkipAssignment,
    };
    if (this.members.size === 0) this.protocolType = req.protocolType;
    this.members.set(memberId, member);
    if (req.groupInstanceId !== null) this.staticMembers.set(req.groupInstanceId, memberId);
    if (this.leaderId === null) this.leaderId = memberId;
    this.touchSession(member);
    this.newMemberAdded = true;
    return this.parkJoin(member, `member ${memberId} joined`);
  }

  /** Parks the member's join until the rebalance completes, starting one if none is under way. */
  private parkJoin(member: ClassicMember, reason: string): Promise<JoinResult> {
    const p = this.awaitJoin(member);
    if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
    else this.prepareRebalance(reason);
    return p;
  }

  /** KIP-345: a known group.instance.id came back with no member id: the old id is fenced, the new one takes its place. */
  private replaceStaticMember(oldId: string, newId: string, req: JoinRequest): Promise<JoinResult> {
    const old = this.members.get(oldId)!;
    old.sessionTimer?.cancel();
    old.joinWaiter?.(joinError('FENCED_INSTANCE_ID', oldId));
    old.syncWaiter?.(syncError('FENCED_INSTANCE_ID'));
    old.joinWaiter = undefined;
    old.syncWaiter = undefined;
    this.members.delete(oldId);
    const member: ClassicMember = { ...old, memberId: newId, sessionTimer: undefined };
    const protocolsChanged = !sameOffers(old, req.protocols);
    member.protocols = req.protocols;
    this.members.set(newId, member);
    this.staticMembers.set(req.groupInstanceId!, newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    if (this.pendingSync.delete(oldId)) this.pendingSync.add(newId);
    this.updateMember(member, req);
    this.env.log.info({ groupId: this.groupId, oldId, newId, instanceId: req.groupInstanceId }, 'static member replaced');
    if (this.state === 'Stable' && !protocolsChanged) {
      this.env.persist(this);
      const isLeader = newId === this.leaderId;
      const r = this.joinResponse(member, isLeader);
      // The leader of a stable group need not reassign (v9+ skipAssignment); older leaders get the members and may resync.
      if (isLeader && !req.supportsSkipAssignment) r.skipAssignment = false;
      return Promise.resolve(r);
    }
    return this.parkJoin(member, `static member ${req.groupInstanceId} rejoined`);
  }

  private awaitJoin(member: ClassicMember): Promise<JoinResult> {
    // A second join from the same member while one is parked: the first is answered as Kafka does.
    member.joinWaiter?.(joinError('UNKNOWN_MEMBER_ID', member.memberId));
    return new Promise((resolve) => {
      member.joinWaiter = resolve;
    });
  }

  private joinResponse(member: ClassicMember, skipAssignment: boolean): JoinResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      error: 'NONE',
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      skipAssignment,
      memberId: member.memberId,
      members: isLeader ? leaderMemberList(this.members.values(), this.protocolName) : [],
    };
  }

  // ------------------------------------------------------------------ rebalance

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  prepareRebalance(reason: string): void {
    if (this.state === 'CompletingRebalance') this.failSyncWaiters('REBALANCE_IN_PROGRESS');
    this.syncTimer?.cancel();
    this.syncTimer = undefined;
    this.pendingSync.clear();
    const wasEmpty = this.state === 'Empty';
    this.setState('PreparingRebalance');
    this.env.log.info({ groupId: this.groupId, generationId: this.generationId, reason }, 'preparing rebalance');
    this.joinTimer?.cancel();
    if (wasEmpty) {
      // As in Kafka, a timer ends a fresh group's first join even at 0 ms: consumers started together share generation 1.
      this.armInitialDelay(this.env.initialRebalanceDelayMs, Math.max(this.rebalanceTimeoutMs() - this.env.initialRebalanceDelayMs, 0));
    } else {
      this.joinTimer = this.env.scheduler.schedule(this.rebalanceTimeoutMs(), () => this.onJoinTimeout());
    }
    this.maybeCompleteJoin();
  }

  /** Kafka's tryCompleteInitialRebalanceElseSchedule: wait `delayMs` again while new members joined and time remains. */
  private armInitialDelay(delayMs: number, remainingMs: number): void {
    this.initialDelayActive = true;
    this.newMemberAdded = false;
    this.joinTimer = this.env.scheduler.schedule(delayMs, () => {
      if (this.newMemberAdded && remainingMs > 0) return this.armInitialDelay(Math.min(delayMs, remainingMs), Math.max(remainingMs - delayMs, 0));
      this.initialDelayActive = false;
      this.joinTimer = this.env.scheduler.schedule(this.rebalanceTimeoutMs(), () => this.onJoinTimeout());
      this.maybeCompleteJoin();
      this.env.onChange(this);
    });
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.initialDelayActive) return;
    if (this.pendingMembers.size > 0) return;
    for (const m of this.members.values()) if (m.joinWaiter === undefined) return;
    this.completeJoin();
  }

  private onJoinTimeout(): void {
    if (this.state !== 'PreparingRebalance') return;
    this.initialDelayActive = false;
    for (const m of [...this.members.values()]) {
      if (m.joinWaiter === undefined && m.groupInstanceId === null) this.removeMemberOnly(m, 'did not rejoin within the rebalance timeout');
    }
    for (const t of this.pendingMembers.values()) t.cancel();
    this.pendingMembers.clear();
    this.completeJoin();
    this.env.onChange(this);
  }

  private completeJoin(): void {
    this.joinTimer?.cancel();
    this.joinTimer = undefined;
    const joined = [...this.members.values()].filter((m) => m.joinWaiter !== undefined);
    this.generationId++;
    if (this.members.size === 0) {
      this.protocolName = null;
      this.leaderId = null;
      this.setState('Empty');
      this.env.log.info({ groupId: this.groupId, generationId: this.generationId }, 'group is empty');
      this.env.persist(this);
      return;
    }
    if (this.leaderId === null || !this.members.get(this.leaderId)?.joinWaiter) this.leaderId = joined[0]?.memberId ?? this.members.keys().next().value!;
    this.protocolName = voteProtocol(this.members.values());
    for (const m of this.members.values()) m.assignment = EMPTY;
    this.setState('CompletingRebalance');
    this.env.log.info({ groupId: this.groupId, generationId: this.generationId, members: this.members.size, leader: this.leaderId, protocol: this.protocolName }, 'join complete');
    for (const m of joined) {
      const waiter = m.joinWaiter!;
      m.joinWaiter = undefined;
      this.touchSession(m);
      waiter(this.joinResponse(m, false));
    }
    for (const id of this.members.keys()) this.pendingSync.add(id);
    const generation = this.generationId;
    this.syncTimer = this.env.scheduler.schedule(this.rebalanceTimeoutMs(), () => this.onSyncTimeout(generation));
  }

  private onSyncTimeout(generation: number): void {
    if (this.generationId !== generation || (this.state !== 'CompletingRebalance' && this.state !== 'Stable')) return;
    if (this.pendingSync.size === 0) return;
    for (const id of [...this.pendingSync]) {
      const m = this.members.get(id);
      if (m !== undefined) this.removeMemberOnly(m, 'did not sync within the rebalance timeout');
    }
    this.pendingSync.clear();
    this.prepareRebalance('members missed SyncGroup');
    this.env.onChange(this);
  }

  // ------------------------------------------------------------------ SyncGroup

  sync(req: SyncRequest): Promise<SyncResult> {
    const result = this.syncInner(req);
    this.env.onChange(this);
    return result;
  }

  private syncInner(req: SyncRequest): Promise<SyncResult> {
    if (this.state === 'Dead') return Promise.resolve(syncError('COORDINATOR_NOT_AVAILABLE'));
    const problem = this.validateMember(req.memberId, req.groupInstanceId);
    if (problem !== 'NONE') return Promise.resolve(syncError(problem));
    if (req.generationId !== this.generationId) return Promise.resolve(syncError('ILLEGAL_GENERATION'));
    if ((req.protocolType !== null && req.protocolType !== this.protocolType) || (req.protocolName !== null && req.protocolName !== this.protocolName)) {
      return Promise.resolve(syncError('INCONSISTENT_GROUP_PROTOCOL'));
    }
    const member = this.members.get(req.memberId)!;
    this.touchSession(member);
    switch (this.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError('REBALANCE_IN_PROGRESS'));
      case 'Stable':
        this.pendingSync.delete(member.memberId);
        return Promise.resolve(this.syncResponse(member));
      case 'CompletingRebalance': {
        this.pendingSync.delete(member.memberId);
        member.syncWaiter?.(syncError('REBALANCE_IN_PROGRESS'));
        const p = new Promise<SyncResult>((resolve) => {
          member.syncWaiter = resolve;
        });
        if (member.memberId === this.leaderId) this.applyLeaderAssignment(req);
        return p;
      }
      default:
        return Promise.resolve(syncError('UNKNOWN_MEMBER_ID'));
    }
  }

  private applyLeaderAssignment(req: SyncRequest): void {
    const proposed = new Map<string, Buffer>();
    for (const a of req.assignments) if (this.members.has(a.memberId)) proposed.set(a.memberId, a.assignment);
    const problem = this.env.checkAssignment(this, proposed);
    if (problem !== undefined) {
      // A leader that hands one partition to two members would break the golden rule: refuse and rebalance.
      this.env.log.warn({ groupId: this.groupId, generationId: this.generationId, leader: this.leaderId, problem }, 'leader assignment rejected');
      const leader = this.members.get(this.leaderId!)!;
      const waiter = leader.syncWaiter!;
      leader.syncWaiter = undefined;
      this.prepareRebalance('leader sent an inconsistent assignment');
      waiter(syncError('INCONSISTENT_GROUP_PROTOCOL'));
      return;
    }
    for (const m of this.members.values()) m.assignment = proposed.get(m.memberId) ?? EMPTY;
    this.setState('Stable');
    this.env.persist(this);
    for (const m of this.members.values()) {
      const waiter = m.syncWaiter;
      if (waiter === undefined) continue;
      m.syncWaiter = undefined;
      waiter(this.syncResponse(m));
    }
  }

  private syncResponse(member: ClassicMember): SyncResult {
    return { error: 'NONE', protocolType: this.protocolType, protocolName: this.protocolName, assignment: member.assignment };
  }

  private failSyncWaiters(error: GroupErrorName): void {
    for (const m of this.members.values()) {
      const waiter = m.syncWaiter;
      if (waiter === undefined) continue;
      m.syncWaiter = undefined;
      waiter(syncError(error));
    }
  }

  // ------------------------------------------------------------------ Heartbeat, LeaveGroup

  heartbeat(req: HeartbeatRequest): GroupErrorName {
    if (this.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    const problem = this.validateMember(req.memberId, req.groupInstanceId);
    if (problem !== 'NONE') return problem;
    if (req.generationId !== this.generationId) return 'ILLEGAL_GENERATION';
    const member = this.members.get(req.memberId)!;
    this.touchSession(member);
    switch (this.state) {
      case 'PreparingRebalance':
        return 'REBALANCE_IN_PROGRESS';
      case 'CompletingRebalance':
      case 'Stable':
        return 'NONE';
      default:
        return 'UNKNOWN_MEMBER_ID';
    }
  }

  /** One member of a (batched) LeaveGroup; the member id may be empty when only the instance id is known (v3+). */
  leave(who: LeaveMember): GroupErrorName {
    if (this.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    let memberId = who.memberId;
    if (who.groupInstanceId !== null) {
      const owner = this.staticMembers.get(who.groupInstanceId);
      if (owner === undefined) return 'UNKNOWN_MEMBER_ID';
      if (memberId !== '' && owner !== memberId) return 'FENCED_INSTANCE_ID';
      memberId = owner;
    }
    const pending = this.pendingMembers.get(memberId);
    if (pending !== undefined) {
      pending.cancel();
      this.pendingMembers.delete(memberId);
      this.maybeCompleteJoin();
      this.env.onChange(this);
      return 'NONE';
    }
    const member = this.members.get(memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    this.removeMemberAndUpdate(member, 'left the group');
    return 'NONE';
  }

  // ------------------------------------------------------------------ sessions and removal

  touchSession(member: ClassicMember): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.env.scheduler.schedule(member.sessionTimeoutMs, () => this.onSessionExpired(member));
  }

  private onSessionExpired(member: ClassicMember): void {
    if (this.members.get(member.memberId) !== member) return;
    if (member.joinWaiter !== undefined || member.syncWaiter !== undefined) {
      this.touchSession(member); // parked: the join/sync deadline bounds it
      return;
    }
    this.removeMemberAndUpdate(member, `session timeout (${member.sessionTimeoutMs} ms) expired`);
  }

  private removeMemberOnly(member: ClassicMember, reason: string): void {
    member.sessionTimer?.cancel();
    this.members.delete(member.memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === member.memberId) this.staticMembers.delete(member.groupInstanceId);
    this.pendingSync.delete(member.memberId);
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
    member.joinWaiter?.(joinError('UNKNOWN_MEMBER_ID', member.memberId));
    member.syncWaiter?.(syncError('UNKNOWN_MEMBER_ID'));
    member.joinWaiter = undefined;
    member.syncWaiter = undefined;
    this.env.log.info({ groupId: this.groupId, memberId: member.memberId, reason }, 'member removed');
  }

  private removeMemberAndUpdate(member: ClassicMember, reason: string): void {
    this.removeMemberOnly(member, reason);
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance(`member ${member.memberId} ${reason}`);
    else if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
    this.env.onChange(this);
  }

  private setState(state: ClassicState): void {
    if (this.state !== state) this.stateTimestampMs = this.env.scheduler.now();
    this.state = state;
  }

  /** DeleteGroups: only an Empty group may go; every timer stops. */
  markDead(): void {
    this.stopTimers();
    this.setState('Dead');
  }

  stopTimers(): void {
    this.joinTimer?.cancel();
    this.syncTimer?.cancel();
    for (const t of this.pendingMembers.values()) t.cancel();
    for (const m of this.members.values()) m.sessionTimer?.cancel();
  }

  /** Rebuilds a group from its GroupMetadataValue at start-up: members keep their assignment and get a fresh session. */
  restore(v: RestoredClassicGroup): void {
    this.generationId = v.generation;
    this.protocolType = v.protocolType === '' && v.members.length === 0 ? null : v.protocolType;
    this.protocolName = v.protocol;
    this.leaderId = v.leader;
    this.stateTimestampMs = v.currentStateTimestampMs >= 0 ? v.currentStateTimestampMs : this.env.scheduler.now();
    for (const member of restoredMembers(v)) {
      this.members.set(member.memberId, member);
      if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
      this.touchSession(member);
    }
    this.state = this.members.size > 0 ? 'Stable' : 'Empty';
  }
}
