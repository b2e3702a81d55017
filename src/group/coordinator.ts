/**
 * GroupCoordinator: every group of this broker, classic and KIP-848 in one map (a group id belongs to
 * one protocol at a time), committed offsets, and their persistence in `__consumer_offsets`.
 * This single node is the coordinator of every group. Decisions:
 *  - A classic request for a non-empty consumer group gets INCONSISTENT_GROUP_PROTOCOL (JoinGroup) or
 *    UNKNOWN_MEMBER_ID (its members are not there); ConsumerGroupHeartbeat for a non-empty classic group
 *    gets GROUP_ID_NOT_FOUND ("not a consumer group"), as Kafka answers. An *empty* group of the other
 *    kind is converted (its offsets stay).
 *  - OffsetCommit is answered after its records are fsynced; group metadata records are appended in
 *    order with commits and flushed in the background (a crash may lose the latest membership, never
 *    an acknowledged offset).
 *  - KIP-848 members are not persisted (only the group epoch): after a broker restart they get
 *    UNKNOWN_MEMBER_ID and rejoin, which every KIP-848 client does.
 *  - What reaches group state from clients or disk is validated before use (a leader's assignment by
 *    checkAssignment, `__consumer_offsets` by offsets-load.ts, regexes by topic-regex.ts), so the golden
 *    rule asserted after every change, in requests and timers alike, can fail only on a bug of ours.
 */
import { randomUUID } from 'node:crypto';
import type { TopicStore } from '../storage/topic-store.js';
import { realScheduler, type Scheduler, type TimerHandle } from './clock.js';
import { ClassicGroup, type ClassicEnv } from './classic-group.js';
import { ConsumerGroup, type ConsumerEnv, type ConsumerHeartbeatRequest, type ConsumerHeartbeatResult } from './consumer-group.js';
import { joinError, syncError, type HeartbeatRequest, type JoinRequest, type JoinResult, type LeaveMember, type SyncRequest, type SyncResult } from './classic-types.js';
import { assertSinglePartitionOwner, classicAssignmentProblem } from './invariant.js';
import { OffsetStore, type CommittedOffset } from './offsets.js';
import { OFFSETS_TOPIC, OffsetsTopic, type KeyValueWrite } from './offsets-topic.js';
import { PendingTxnOffsets } from './txn-offsets.js';
import {
  encodeConsumerGroupMetadataKey, encodeConsumerGroupMetadataValue, encodeGroupMetadataKey, encodeGroupMetadataValue, encodeOffsetCommitKey,
  encodeOffsetCommitValue, type GroupMetadataValue,
} from '../protocol/offsets-records.js';
import { loadOffsetsTopic } from './offsets-load.js';
import type { GroupErrorName, GroupLogger, TopicView } from './types.js';
import { stopOnInvariant } from '../invariant.js';
import { commitError, subscribedTopicsOf } from './offset-rules.js';
export type { CommitRequest, CommitResult, DescribedClassicGroup, FetchedOffsets, ListedGroup } from './coordinator-api.js';
import type { CommitRequest, CommitResult, FetchedOffsets, DescribedClassicGroup, ListedGroup } from './coordinator-api.js';
export { defaultGroupConfig, type GroupConfig } from './group-config.js';
import { defaultGroupConfig, type GroupConfig } from './group-config.js';

export type Group = ClassicGroup | ConsumerGroup;

export interface CoordinatorOptions {
  store: TopicStore;
  config?: Partial<GroupConfig>;
  log: GroupLogger;
  scheduler?: Scheduler;
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  readonly offsets = new OffsetStore();
  private readonly pendingTxnOffsets = new PendingTxnOffsets();
  readonly config: GroupConfig;
  readonly scheduler: Scheduler;
  private readonly log: GroupLogger;
  private readonly topics: TopicView;
  private readonly offsetsTopic: OffsetsTopic;
  private readonly classicEnv: ClassicEnv;
  private readonly consumerEnv: ConsumerEnv;
  private expiryTimer: TimerHandle | undefined;
  private closed = false;

  private constructor(options: CoordinatorOptions) {
    this.config = { ...defaultGroupConfig, ...options.config };
    this.scheduler = options.scheduler ?? realScheduler;
    this.log = options.log;
    this.topics = options.store;
    this.offsetsTopic = OffsetsTopic.open(options.store, this.config.offsetsTopicPartitions, this.log, () => this.scheduler.now());
    const shared = this.config.classicSharedPartitions;
    const onChange = (g: Group): void => assertSinglePartitionOwner(g, shared);
    this.classicEnv = {
      scheduler: this.scheduler,
      log: this.log,
      initialRebalanceDelayMs: this.config.initialRebalanceDelayMs,
      maxSize: this.config.maxSize,
      newMemberId: (clientId) => `${clientId}-${randomUUID()}`,
      persist: (g) => this.persistClassic(g),
      checkAssignment: (g, a) => classicAssignmentProblem(g, a, shared),
      onChange,
    };
    this.consumerEnv = {
      scheduler: this.scheduler,
      log: this.log,
      topics: this.topics,
      sessionTimeoutMs: this.config.consumerSessionTimeoutMs,
      heartbeatIntervalMs: this.config.consumerHeartbeatIntervalMs,
      maxSize: this.config.maxSize,
      newMemberId: () => Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url'),
      persist: (g) => this.persistConsumer(g),
      onChange,
    };
  }

  /** Opens (creating if needed) `__consumer_offsets`, rebuilds every group and offset from it, starts offset expiry. */
  static open(options: CoordinatorOptions): GroupCoordinator {
    const c = new GroupCoordinator(options);
    c.load();
    c.scheduleExpiry();
    return c;
  }

  /** Kafka creates `__consumer_offsets` when a client first looks for a group coordinator; so do we. */
  ensureOffsetsTopic(): void {
    this.offsetsTopic.ensureCreated();
  }

  close(): void {
    this.closed = true;
    this.expiryTimer?.cancel();
    for (const g of this.groups.values()) g.stopTimers();
  }

  // ------------------------------------------------------------------ classic protocol

  async joinGroup(req: JoinRequest): Promise<JoinResult> {
    if (req.groupId === '') return joinError('INVALID_GROUP_ID', req.memberId);
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return joinError('INVALID_SESSION_TIMEOUT', req.memberId);
    }
    let group = this.groups.get(req.groupId);
    if (group?.kind === 'consumer') {
      if (group.members.size > 0) return joinError('INCONSISTENT_GROUP_PROTOCOL', req.memberId);
      group = undefined;
    }
    if (group === undefined) {
      if (req.memberId !== '' && req.groupInstanceId === null) return joinError('UNKNOWN_MEMBER_ID', req.memberId);
      group = this.newClassicGroup(req.groupId);
    }
    return group.join(req);
  }

  async syncGroup(req: SyncRequest): Promise<SyncResult> {
    const group = this.groups.get(req.groupId);
    if (req.groupId === '') return syncError('INVALID_GROUP_ID');
    if (group === undefined || group.kind !== 'classic') return syncError('UNKNOWN_MEMBER_ID');
    return group.sync(req);
  }

  heartbeat(req: HeartbeatRequest): GroupErrorName {
    if (req.groupId === '') return 'INVALID_GROUP_ID';
    const group = this.groups.get(req.groupId);
    if (group === undefined || group.kind !== 'classic') return 'UNKNOWN_MEMBER_ID';
    return group.heartbeat(req);
  }

  leaveGroup(groupId: string, members: LeaveMember[]): { error: GroupErrorName; members: Array<LeaveMember & { error: GroupErrorName }> } {
    if (groupId === '') return { error: 'INVALID_GROUP_ID', members: [] };
    const group = this.groups.get(groupId);
    if (group === undefined || group.kind !== 'classic') {
      return { error: 'UNKNOWN_MEMBER_ID', members: members.map((m) => ({ ...m, error: 'UNKNOWN_MEMBER_ID' as const })) };
    }
    const results = members.map((m) => ({ ...m, error: group.leave(m) }));
    return { error: 'NONE', members: results };
  }

  // ------------------------------------------------------------------ KIP-848

  consumerGroupHeartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    const failed = (error: GroupErrorName, errorMessage: string): ConsumerHeartbeatResult =>
      ({ error, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null });
    if (req.groupId === '') return failed('INVALID_REQUEST', 'GroupId can\'t be empty.');
    let group = this.groups.get(req.groupId);
    if (group?.kind === 'classic') {
      if (group.members.size > 0 || group.state === 'Dead') return failed('GROUP_ID_NOT_FOUND', `Group ${req.groupId} is not a consumer group.`);
      group.stopTimers();
      group = undefined;
    }
    if (group === undefined) {
      if (req.memberEpoch !== 0) return failed('UNKNOWN_MEMBER_ID', `Group ${req.groupId} has no member ${req.memberId}.`);
      group = new ConsumerGroup(req.groupId, this.consumerEnv);
      this.groups.set(req.groupId, group);
    }
    return group.heartbeat(req);
  }

  // ------------------------------------------------------------------ offsets

  async commitOffsets(req: CommitRequest): Promise<CommitResult> {
    const all = (error: GroupErrorName): CommitResult => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, error })) })),
    });
    if (req.groupId === '') return all('INVALID_GROUP_ID');
    const groupError = commitError(this.groups.get(req.groupId), req);
    if (groupError !== 'NONE') return all(groupError);
    const now = this.scheduler.now();
    const writes: KeyValueWrite[] = [];
    const accepted: CommittedOffset[] = [];
    const result: CommitResult = { topics: [] };
    for (const t of req.topics) {
      const topic = this.topics.topic(t.name);
      const parts: CommitResult['topics'][number]['partitions'] = [];
      for (const p of t.partitions) {
        let error: GroupErrorName = 'NONE';
        if (topic === undefined || p.partition < 0 || p.partition >= topic.partitions) error = 'UNKNOWN_TOPIC_OR_PARTITION';
        else if (p.metadata !== null && Buffer.byteLength(p.metadata, 'utf8') > this.config.offsetMetadataMaxBytes) error = 'OFFSET_METADATA_TOO_LARGE';
        if (error === 'NONE') {
          const c: CommittedOffset = { topic: t.name, partition: p.partition, offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata ?? '', commitTimestampMs: now, expireTimestampMs: -1 };
          accepted.push(c);
          writes.push({ key: encodeOffsetCommitKey(req.groupId, t.name, p.partition), value: encodeOffsetCommitValue({ ...c, commitTimestampMs: now }) });
        }
        parts.push({ partition: p.partition, error });
      }
      result.topics.push({ name: t.name, partitions: parts });
    }
    if (writes.length === 0) return result;
    if (!this.groups.has(req.groupId)) this.newClassicGroup(req.groupId); // a "simple" group: commits without membership
    try {
      await this.offsetsTopic.appendDurable(req.groupId, writes, req.txn);
    } catch (err) {
      if (stopOnInvariant(err, this.log)) throw err;
      this.log.error({ groupId: req.groupId, err }, 'offset commit write failed');
      for (const t of result.topics) for (const p of t.partitions) if (p.error === 'NONE') p.error = 'COORDINATOR_NOT_AVAILABLE';
      return result;
    }
    if (req.txn !== undefined) this.pendingTxnOffsets.add(req.txn.producerId, req.groupId, accepted);
    else for (const c of accepted) this.offsets.put(req.groupId, c);
    return result;
  }

  /** The `__consumer_offsets` partition that a group's (transactional) commits go to. */
  offsetsPartitionFor(groupId: string): { topic: string; partition: number } {
    return { topic: OFFSETS_TOPIC, partition: this.offsetsTopic.partitionFor(groupId) };
  }

  /** Called by the transaction coordinator once its marker is in `__consumer_offsets`: applies or drops the producer's offsets. */
  completeTxnOffsets(producerId: number, commit: boolean): void {
    const n = this.pendingTxnOffsets.complete(producerId, commit, this.offsets);
    if (n > 0) this.log.debug({ producerId, commit, offsets: n }, 'transactional offsets completed');
  }

  /** OffsetFetch RequireStable: a transaction that committed offsets for this partition has not ended yet. */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    return this.pendingTxnOffsets.isPending(groupId, topic, partition);
  }

  /** topics null: every committed offset of the group. Unknown partitions answer offset -1, as Kafka does. */
  fetchOffsets(groupId: string, topics: Array<{ name: string; partitions: number[] }> | null, member?: { memberId: string | null; memberEpoch: number }): FetchedOffsets {
    const group = this.groups.get(groupId);
    if (member !== undefined && member.memberId !== null && member.memberEpoch >= 0 && group?.kind === 'consumer') {
      const m = group.members.get(member.memberId);
      if (m === undefined) return { error: 'UNKNOWN_MEMBER_ID', topics: [] };
      if (m.memberEpoch !== member.memberEpoch) return { error: 'STALE_MEMBER_EPOCH', topics: [] };
    }
    if (topics === null) {
      const byTopic = new Map<string, FetchedOffsets['topics'][number]>();
      for (const c of this.offsets.all(groupId).sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))) {
        let t = byTopic.get(c.topic);
        if (t === undefined) byTopic.set(c.topic, (t = { name: c.topic, partitions: [] }));
        t.partitions.push({ partition: c.partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, error: 'NONE' });
      }
      return { error: 'NONE', topics: [...byTopic.values()] };
    }
    return {
      error: 'NONE',
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const c = this.offsets.get(groupId, t.name, p);
          return c === undefined
            ? { partition: p, offset: -1n, leaderEpoch: -1, metadata: '', error: 'NONE' as const }
            : { partition: p, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, error: 'NONE' as const };
        }),
      })),
    };
  }

  /** OffsetDelete: refused per partition while the group is subscribed to the topic. */
  async deleteOffsets(groupId: string, topics: Array<{ name: string; partitions: number[] }>): Promise<{ error: GroupErrorName; topics: Array<{ name: string; partitions: Array<{ partition: number; error: GroupErrorName }> }> }> {
    const group = this.groups.get(groupId);
    if (groupId === '') return { error: 'INVALID_GROUP_ID', topics: [] };
    if (group === undefined || (group.kind === 'classic' && group.state === 'Dead')) return { error: 'GROUP_ID_NOT_FOUND', topics: [] };
    const subscribed = subscribedTopicsOf(group);
    if (subscribed === undefined) return { error: 'NON_EMPTY_GROUP', topics: [] };
    const writes: KeyValueWrite[] = [];
    const out = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (subscribed.has(t.name)) return { partition: p, error: 'GROUP_SUBSCRIBED_TO_TOPIC' as GroupErrorName };
        if (this.offsets.get(groupId, t.name, p) !== undefined) writes.push({ key: encodeOffsetCommitKey(groupId, t.name, p), value: null });
        return { partition: p, error: 'NONE' as GroupErrorName };
      }),
    }));
    if (writes.length > 0) {
      await this.offsetsTopic.appendDurable(groupId, writes);
      for (const t of out) for (const p of t.partitions) if (p.error === 'NONE') this.offsets.delete(groupId, t.name, p.partition);
    }
    return { error: 'NONE', topics: out };
  }

  // ------------------------------------------------------------------ admin

  /**
   * Starts a rebalance of a group now (tests: minikafka/testing's Faults.forceRebalance). A classic group
   * with members prepares a rebalance, so members learn it at their next heartbeat and rejoin; a KIP-848
   * group gets a new group epoch, which members reconcile to. False when the group has no members.
   */
  forceRebalance(groupId: string): boolean {
    const g = this.groups.get(groupId);
    if (g === undefined || g.members.size === 0) return false;
    if (g.kind === 'classic') {
      if (g.state === 'PreparingRebalance') return true;
      g.prepareRebalance('forced');
      return true;
    }
    g.forceNewEpoch('forced');
    return true;
  }

  describeGroups(ids: string[]): DescribedClassicGroup[] {
    return ids.map((groupId) => {
      const g = this.groups.get(groupId);
      if (groupId === '') return { error: 'INVALID_GROUP_ID', groupId, state: '', protocolType: '', protocolData: '', members: [] };
      if (g === undefined || g.kind !== 'classic') return { error: 'NONE', groupId, state: 'Dead', protocolType: '', protocolData: '', members: [] };
      const stable = g.state === 'Stable';
      return {
        error: 'NONE', groupId, state: g.state, protocolType: g.protocolType ?? '', protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
          metadata: stable ? (m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? EMPTY) : EMPTY,
          assignment: stable ? m.assignment : EMPTY,
        })),
      };
    });
  }

  listGroups(states: string[], types: string[]): ListedGroup[] {
    const wantStates = new Set(states.map((s) => s.toLowerCase()));
    const wantTypes = new Set(types.map((s) => s.toLowerCase()));
    const out: ListedGroup[] = [];
    for (const g of this.groups.values()) {
      if (g.kind === 'classic' && g.state === 'Dead') continue;
      const listed: ListedGroup = g.kind === 'classic'
        ? { groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state, type: 'classic' }
        : { groupId: g.groupId, protocolType: 'consumer', state: g.state, type: 'consumer' };
      if (wantStates.size > 0 && !wantStates.has(listed.state.toLowerCase())) continue;
      if (wantTypes.size > 0 && !wantTypes.has(listed.type)) continue;
      out.push(listed);
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  async deleteGroups(ids: string[]): Promise<Array<{ groupId: string; error: GroupErrorName }>> {
    const out: Array<{ groupId: string; error: GroupErrorName }> = [];
    for (const groupId of ids) {
      const g = this.groups.get(groupId);
      if (groupId === '') out.push({ groupId, error: 'INVALID_GROUP_ID' });
      else if (g === undefined || (g.kind === 'classic' && g.state === 'Dead')) out.push({ groupId, error: 'GROUP_ID_NOT_FOUND' });
      else if (g.members.size > 0) out.push({ groupId, error: 'NON_EMPTY_GROUP' });
      else {
        try {
          await this.deleteGroupNow(g);
          out.push({ groupId, error: 'NONE' });
        } catch (err) {
          if (stopOnInvariant(err, this.log)) throw err;
          this.log.error({ groupId, err }, 'group delete write failed');
          out.push({ groupId, error: 'COORDINATOR_NOT_AVAILABLE' });
        }
      }
    }
    return out;
  }

  /** Tombstones for every offset and the group's metadata, then forgets the group. */
  private async deleteGroupNow(g: Group): Promise<void> {
    const writes: KeyValueWrite[] = this.offsets.all(g.groupId).map((c) => ({ key: encodeOffsetCommitKey(g.groupId, c.topic, c.partition), value: null }));
    writes.push({ key: g.kind === 'classic' ? encodeGroupMetadataKey(g.groupId) : encodeConsumerGroupMetadataKey(g.groupId), value: null });
    g.stopTimers();
    if (g.kind === 'classic') g.markDead();
    this.groups.delete(g.groupId);
    this.offsets.dropGroup(g.groupId);
    await this.offsetsTopic.appendDurable(g.groupId, writes);
    this.log.info({ groupId: g.groupId }, 'group deleted');
  }

  // ------------------------------------------------------------------ expiry

  private scheduleExpiry(): void {
    if (this.closed) return;
    this.expiryTimer = this.scheduler.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      this.expireOffsets().catch((err) => stopOnInvariant(err, this.log) || this.log.error({ err }, 'offset expiry failed')).finally(() => this.scheduleExpiry());
    });
  }

  /**
   * Offsets of empty groups expire offsets.retention.minutes after the group became empty (Kafka's rule
   * since KIP-211); commits without a group protocol ("simple" groups) expire by their commit time.
   * A group left with no offsets and no members is deleted.
   */
  async expireOffsets(): Promise<number> {
    const now = this.scheduler.now();
    const retention = this.config.offsetsRetentionMs;
    let expired = 0;
    for (const g of [...this.groups.values()]) {
      if (g.members.size > 0 || (g.kind === 'classic' && g.state !== 'Empty')) continue;
      const usesProtocol = g.kind === 'consumer' || g.protocolType !== null || g.generationId > 0;
      const writes: KeyValueWrite[] = [];
      const doomed: CommittedOffset[] = [];
      for (const c of this.offsets.all(g.groupId)) {
        const base = c.expireTimestampMs >= 0 ? c.expireTimestampMs - retention : usesProtocol ? Math.max(g.stateTimestampMs, c.commitTimestampMs) : c.commitTimestampMs;
        if (base + retention <= now) {
          doomed.push(c);
          writes.push({ key: encodeOffsetCommitKey(g.groupId, c.topic, c.partition), value: null });
        }
      }
      if (writes.length > 0) {
        await this.offsetsTopic.appendDurable(g.groupId, writes);
        for (const c of doomed) this.offsets.delete(g.groupId, c.topic, c.partition);
        expired += doomed.length;
        this.log.info({ groupId: g.groupId, expired: doomed.length }, 'expired offsets of empty group');
      }
      if (!this.offsets.has(g.groupId) && this.groups.get(g.groupId) === g && g.members.size === 0) await this.deleteGroupNow(g);
    }
    return expired;
  }

  // ------------------------------------------------------------------ persistence

  private newClassicGroup(groupId: string): ClassicGroup {
    const g = new ClassicGroup(groupId, this.classicEnv);
    this.groups.set(groupId, g);
    return g;
  }

  private persistClassic(g: ClassicGroup): void {
    const value: GroupMetadataValue = {
      protocolType: g.protocolType ?? '',
      generation: g.generationId,
      protocol: g.protocolName,
      leader: g.leaderId,
      currentStateTimestampMs: g.stateTimestampMs,
      members: g.state === 'Empty' ? [] : [...g.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs, sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? EMPTY, assignment: m.assignment,
      })),
    };
    this.writeInBackground(g.groupId, [{ key: encodeGroupMetadataKey(g.groupId), value: encodeGroupMetadataValue(value) }]);
  }

  private persistConsumer(g: ConsumerGroup): void {
    this.writeInBackground(g.groupId, [{ key: encodeConsumerGroupMetadataKey(g.groupId), value: encodeConsumerGroupMetadataValue(g.groupEpoch) }]);
  }

  private writeInBackground(groupId: string, writes: KeyValueWrite[]): void {
    if (this.closed) return;
    try {
      const log = this.offsetsTopic.append(groupId, writes);
      log.flush().catch((err: unknown) => stopOnInvariant(err, this.log) || this.log.error({ groupId, err }, 'group metadata flush failed'));
    } catch (err) {
      if (stopOnInvariant(err, this.log)) return;
      this.log.error({ groupId, err }, 'group metadata write failed');
    }
  }

  /** Replays `__consumer_offsets` (validated: see offsets-load.ts) and rebuilds every group from it. */
  private load(): void {
    const loaded = loadOffsetsTopic(this.offsetsTopic, this.offsets, { maxSize: this.config.maxSize, sharedPartitions: this.config.classicSharedPartitions }, this.log, this.pendingTxnOffsets);
    for (const [groupId, meta] of loaded.groups) {
      if (meta.kind === 'classic') {
        const g = this.newClassicGroup(groupId);
        g.restore(meta.value);
        assertSinglePartitionOwner(g, this.config.classicSharedPartitions); // validated at load: a failure here is a bug
      } else {
        const g = new ConsumerGroup(groupId, this.consumerEnv);
        g.restore(meta.epoch);
        this.groups.set(groupId, g);
      }
    }
    for (const groupId of this.offsets.groups()) if (!this.groups.has(groupId)) this.newClassicGroup(groupId);
    this.log.info({ records: loaded.records, skipped: loaded.skipped, groups: this.groups.size }, 'group state loaded from __consumer_offsets');
  }
}
