/**
 * A KIP-848 consumer group: members heartbeat (ConsumerGroupHeartbeat), the broker computes the
 * assignment. Epochs, as Kafka names them:
 *   groupEpoch       bumped whenever membership, a subscription or the subscribed topics' metadata changes;
 *   assignmentEpoch  the groupEpoch the target assignment was computed at (we compute it at once, so it
 *                    catches up within the same request);
 *   memberEpoch      the assignment epoch a member has reconciled to.
 * Reconciliation is incremental: a member first loses what its target no longer holds (state
 * 'unrevoked': those partitions stay counted as owned until the member acknowledges the revocation by
 * leaving them out of a heartbeat's owned partitions), and is given a new partition only once no other
 * member owns or is revoking it (state 'unreleased' until then). A member that does not revoke within its
 * rebalance timeout, or stops heartbeating for the session timeout, is removed and its partitions freed.
 * Not implemented: members' rack-aware assignment, client-side assignors, the classic-to-consumer online
 * migration (a group id used with the other protocol gets Kafka's error instead).
 */
import type { TimerHandle } from './clock.js';
import type { GroupErrorName, TopicPartitions } from './types.js';
import { tpKey } from './types.js';
import { defaultServerAssignor, serverAssignors, type AssignorMember } from './assignors/index.js';
import { compileTopicRegex, MatchBudget } from './topic-regex.js';
export type { ConsumerEnv, ConsumerHeartbeatRequest, ConsumerHeartbeatResult, ConsumerMember, MemberState } from './consumer-types.js';
import type { ConsumerEnv, ConsumerHeartbeatRequest, ConsumerHeartbeatResult, ConsumerMember } from './consumer-types.js';

function fail(error: GroupErrorName, errorMessage: string | null = null): ConsumerHeartbeatResult {
  return { error, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
}

export class ConsumerGroup {
  readonly kind = 'consumer' as const;
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  /** memberId → target partitions (tp keys). */
  readonly target = new Map<string, Set<string>>();
  assignorName = defaultServerAssignor;
  private metadataHash = '';
  stateTimestampMs: number;
  /**
   * Set when the group is restored from __consumer_offsets at start-up, until one session timeout has
   * passed: members from before the restart may resume (see resume()). Ids seen since the start are
   * never resumed, so a member removed here (session timeout, leave) rejoins the normal way.
   */
  private resumeWindow: { seen: Set<string>; timer: TimerHandle } | undefined;
  /**
   * The first two heartbeat intervals after a restart: every live member from before has heartbeated
   * by then, so partitions nobody has claimed yet are held back instead of handed to the first member
   * back (which would take them from their owner and redeliver what it had not committed).
   */
  private settleTimer: TimerHandle | undefined;

  constructor(readonly groupId: string, private readonly env: ConsumerEnv) {
    this.stateTimestampMs = env.scheduler.now();
  }

  /** After a restart: the stored epoch, and a session timeout's window for the old members to resume. */
  restore(epoch: number): void {
    this.groupEpoch = epoch;
    this.assignmentEpoch = epoch;
    this.resumeWindow?.timer.cancel();
    const timer = this.env.scheduler.schedule(this.env.sessionTimeoutMs, () => { this.resumeWindow = undefined; });
    this.resumeWindow = { seen: new Set(), timer };
    this.settleTimer?.cancel();
    this.settleTimer = this.env.scheduler.schedule(2 * this.env.heartbeatIntervalMs, () => { this.settleTimer = undefined; });
  }

  get state(): 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' {
    if (this.members.size === 0) return 'Empty';
    if (this.assignmentEpoch < this.groupEpoch) return 'Assigning';
    for (const m of this.members.values()) if (m.memberEpoch !== this.assignmentEpoch || m.state !== 'stable') return 'Reconciling';
    return 'Stable';
  }

  heartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    const invalid = this.validate(req);
    if (invalid !== undefined) return invalid;
    const epochBefore = this.groupEpoch;
    let result: ConsumerHeartbeatResult;
    if (req.memberEpoch === -1 || req.memberEpoch === -2) result = this.leave(req);
    else result = this.memberHeartbeat(req);
    if (this.groupEpoch !== epochBefore) this.env.persist(this);
    this.env.onChange(this);
    return result;
  }

  private validate(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult | undefined {
    if (req.memberEpoch < -2) return fail('INVALID_REQUEST', `MemberEpoch ${req.memberEpoch} is invalid.`);
    if (req.memberId === '' && (req.memberEpoch !== 0 || req.clientGeneratesMemberId)) return fail('INVALID_REQUEST', 'MemberId can\'t be empty.');
    if (req.memberEpoch === -2 && req.instanceId === null) return fail('INVALID_REQUEST', 'InstanceId can\'t be null when leaving with epoch -2.');
    if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs < 0) return fail('INVALID_REQUEST', 'RebalanceTimeoutMs must be provided when joining.');
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) return fail('INVALID_REQUEST', 'SubscribedTopicNames or SubscribedTopicRegex must be set when joining.');
      if (req.topicPartitions !== null && req.topicPartitions.length > 0) return fail('INVALID_REQUEST', 'TopicPartitions must be empty when (re-)joining.');
    }
    if (req.serverAssignor !== null && !serverAssignors.has(req.serverAssignor)) {
      return fail('UNSUPPORTED_ASSIGNOR', `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${[...serverAssignors.keys()].join(', ')}.`);
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '') {
      const compiled = compileTopicRegex(req.subscribedTopicRegex);
      if (!compiled.ok) return fail('INVALID_REGULAR_EXPRESSION', compiled.message);
    }
    return undefined;
  }

  private leave(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    const member = this.members.get(req.memberId);
    if (member === undefined) return fail('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${this.groupId}.`);
    if (req.memberEpoch === -2) {
      // A static member leaving for a moment (KIP-848): it keeps its partitions until the session times out or it returns.
      member.memberEpoch = -2;
      this.touchSession(member);
    } else {
      this.removeMember(member, 'left the group');
    }
    return { error: 'NONE', errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  }

  private memberHeartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    let member: ConsumerMember;
    if (req.memberEpoch === 0) {
      const joined = this.join(req);
      if ('error' in joined) return joined;
      member = joined;
    } else {
      const existing = this.members.get(req.memberId) ?? this.resume(req);
      if (existing === undefined) return fail('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${this.groupId}.`);
      const owned = this.ownedFromRequest(req);
      if (req.memberEpoch > existing.memberEpoch) return fail('FENCED_MEMBER_EPOCH', `The consumer group member has a greater member epoch (${req.memberEpoch}) than the one known by the group coordinator (${existing.memberEpoch}).`);
      if (req.memberEpoch < existing.memberEpoch) {
        // A lost response: the member still holds exactly the previous epoch's partitions. Anything else is fenced.
        const sameAsAssigned = owned !== null && owned.size <= existing.assigned.size && [...owned].every((k) => existing.assigned.has(k));
        if (req.memberEpoch !== existing.previousMemberEpoch || !sameAsAssigned) {
          return fail('FENCED_MEMBER_EPOCH', `The consumer group member has a smaller member epoch (${req.memberEpoch}) than the one known by the group coordinator (${existing.memberEpoch}).`);
        }
      }
      member = existing;
      if (this.updateSubscription(member, req)) this.bumpGroupEpoch('subscription changed');
    }
    this.refreshTarget();
    this.reconcile(member, this.ownedFromRequest(req));
    this.touchSession(member);
    return {
      error: 'NONE', errorMessage: null, memberId: member.memberId, memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.env.heartbeatIntervalMs, assignment: this.wireAssignment(member.assigned),
    };
  }

  private join(req: ConsumerHeartbeatRequest): ConsumerMember | ConsumerHeartbeatResult {
    const memberId = req.memberId !== '' ? req.memberId : this.env.newMemberId();
    this.resumeWindow?.seen.add(memberId);
    const previous = this.members.get(memberId);
    if (previous !== undefined) this.removeMember(previous, 'rejoined with epoch 0');
    let inherited: ConsumerMember | undefined;
    if (req.instanceId !== null) {
      const holder = [...this.members.values()].find((m) => m.instanceId === req.instanceId);
      if (holder !== undefined) {
        if (holder.memberEpoch !== -2) return fail('UNRELEASED_INSTANCE_ID', `Static member ${holder.memberId} with instance id ${req.instanceId} is still active; it must leave first.`);
        inherited = holder;
      }
    }
    if (inherited === undefined && this.members.size >= this.env.maxSize) return fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.env.maxSize} members.`);
    const member: ConsumerMember = {
      memberId, instanceId: req.instanceId, rackId: req.rackId, clientId: req.clientId, clientHost: req.clientHost,
      memberEpoch: 0, previousMemberEpoch: -1, state: 'stable', rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: [], subscribedTopicRegex: null, serverAssignor: null, assigned: new Set(), revoking: new Set(),
    };
    this.updateSubscription(member, req);
    if (inherited !== undefined) {
      // The static member's partitions and target pass to its new incarnation without a new group epoch.
      inherited.sessionTimer?.cancel();
      inherited.rebalanceTimer?.cancel();
      this.members.delete(inherited.memberId);
      member.assigned = inherited.assigned;
      member.revoking = inherited.revoking;
      member.state = inherited.state;
      const t = this.target.get(inherited.memberId);
      this.target.delete(inherited.memberId);
      if (t !== undefined) this.target.set(memberId, t);
      this.members.set(memberId, member);
      if (!sameSubscription(inherited, member)) this.bumpGroupEpoch('static member rejoined with a new subscription');
    } else {
      this.members.set(memberId, member);
      this.bumpGroupEpoch(`member ${memberId} joined`);
    }
    return member;
  }

  /**
   * Kafka keeps KIP-848 members across a coordinator restart (their state is in __consumer_offsets);
   * we store only the group epoch. So a member from before the restart that heartbeats with its epoch
   * and a full request (subscription and owned partitions) is taken back with what it owns, minus
   * anything another member already holds, instead of being fenced: no revocation, no redelivery of
   * what it had not committed. Any other unknown member gets UNKNOWN_MEMBER_ID, as in Kafka.
   */
  private resume(req: ConsumerHeartbeatRequest): ConsumerMember | undefined {
    const window = this.resumeWindow;
    if (window === undefined || window.seen.has(req.memberId)) return undefined;
    if (req.memberEpoch <= 0 || req.memberEpoch > this.groupEpoch || req.rebalanceTimeoutMs < 0) return undefined;
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) return undefined;
    const owned = this.ownedFromRequest(req);
    if (owned === null || this.members.size >= this.env.maxSize) return undefined;
    if (req.instanceId !== null && [...this.members.values()].some((m) => m.instanceId === req.instanceId)) return undefined;
    window.seen.add(req.memberId);
    const taken = this.ownedByOthers(req.memberId);
    const member: ConsumerMember = {
      memberId: req.memberId, instanceId: req.instanceId, rackId: req.rackId, clientId: req.clientId, clientHost: req.clientHost,
      memberEpoch: req.memberEpoch, previousMemberEpoch: -1, state: 'stable', rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: [], subscribedTopicRegex: null, serverAssignor: null,
      assigned: new Set([...owned].filter((k) => !taken.has(k))), revoking: new Set(),
    };
    this.updateSubscription(member, req);
    this.members.set(member.memberId, member);
    this.bumpGroupEpoch(`member ${member.memberId} resumed after a restart`);
    this.env.log.info({ groupId: this.groupId, memberId: member.memberId, memberEpoch: req.memberEpoch, partitions: member.assigned.size }, 'member resumed after a restart');
    return member;
  }

  /** Applies the non-null subscription fields; true if anything the assignor looks at changed. */
  private updateSubscription(member: ConsumerMember, req: ConsumerHeartbeatRequest): boolean {
    let changed = false;
    if (req.subscribedTopicNames !== null && !sameList(req.subscribedTopicNames, member.subscribedTopicNames)) {
      member.subscribedTopicNames = [...req.subscribedTopicNames];
      changed = true;
    }
    if (req.subscribedTopicRegex !== null) {
      const regex = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
      if (regex !== member.subscribedTopicRegex) {
        member.subscribedTopicRegex = regex;
        changed = true;
      }
    }
    if (req.serverAssignor !== null && req.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = req.serverAssignor;
      changed = true;
    }
    if (req.rebalanceTimeoutMs >= 0) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.rackId !== null) member.rackId = req.rackId;
    member.topicVisible = req.topicVisible;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    return changed;
  }

  private ownedFromRequest(req: ConsumerHeartbeatRequest): Set<string> | null {
    if (req.topicPartitions === null) return null;
    const out = new Set<string>();
    for (const tp of req.topicPartitions) {
      const topic = this.env.topics.topicById(tp.topicId);
      if (topic === undefined) continue;
      for (const p of tp.partitions) out.add(tpKey(topic.name, p));
    }
    return out;
  }

  private wireAssignment(keys: ReadonlySet<string>): Array<{ topicId: string; partitions: number[] }> {
    const byTopic = new Map<string, number[]>();
    for (const k of keys) {
      const i = k.indexOf('\u0000');
      const topic = k.slice(0, i);
      (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(Number(k.slice(i + 1)));
    }
    const out: Array<{ topicId: string; partitions: number[] }> = [];
    for (const [name, parts] of [...byTopic].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const topic = this.env.topics.topic(name);
      if (topic !== undefined) out.push({ topicId: topic.id, partitions: parts.sort((a, b) => a - b) });
    }
    return out;
  }

  // ------------------------------------------------------------------ target assignment

  /**
   * Topics a member's subscription resolves to now (existing topics only). A regex matches within the
   * budget; names left for lack of time are matched by a later call (see topic-regex.ts).
   */
  subscribedTopics(member: ConsumerMember, budget: MatchBudget = new MatchBudget()): Set<string> {
    const out = new Set<string>();
    for (const name of member.subscribedTopicNames) if (this.env.topics.topic(name) !== undefined) out.add(name);
    if (member.subscribedTopicRegex !== null) {
      const compiled = compileTopicRegex(member.subscribedTopicRegex);
      if (compiled.ok) {
        // Every topic, internal ones included: Kafka's coordinator matches the regex against all the
        // topics of its metadata image (GroupMetadataManager.refreshRegularExpressions).
        // Only topics the member's principal may describe (KAFKA-18813): a hidden topic is never named to it.
        const names = this.env.topics.topics().map((t) => t.name);
        const visible = member.topicVisible;
        for (const name of budget.filter(compiled.regex, names)) if (visible === undefined || visible(name)) out.add(name);
      }
    }
    return out;
  }

  /** A new group epoch with the same target (a forced rebalance): members reconcile to it. */
  forceNewEpoch(reason: string): void {
    this.bumpGroupEpoch(reason);
    this.refreshTarget();
    this.env.persist(this);
  }

  private bumpGroupEpoch(reason: string): void {
    this.groupEpoch++;
    this.env.log.debug({ groupId: this.groupId, groupEpoch: this.groupEpoch, reason }, 'group epoch bumped');
  }

  /** Recomputes the target assignment if the group epoch moved or the subscribed topics changed. */
  refreshTarget(): void {
    const subscribed = new Map<string, Set<string>>();
    const all = new Set<string>();
    const budget = new MatchBudget();
    for (const m of this.members.values()) {
      const topics = this.subscribedTopics(m, budget);
      subscribed.set(m.memberId, topics);
      for (const t of topics) all.add(t);
    }
    const partitionCounts = new Map<string, number>();
    const hashParts: string[] = [];
    for (const name of [...all].sort()) {
      const t = this.env.topics.topic(name)!;
      partitionCounts.set(name, t.partitions);
      hashParts.push(`${name}:${t.id}:${t.partitions}`);
    }
    // A regex member's own resolution counts too: what its principal may describe can change while
    // the union of all subscriptions stays the same.
    for (const m of this.members.values()) {
      if (m.subscribedTopicRegex !== null && m.topicVisible !== undefined) hashParts.push(`${m.memberId}=${[...subscribed.get(m.memberId)!].sort().join('|')}`);
    }
    const hash = hashParts.join(',');
    if (hash !== this.metadataHash) {
      if (this.metadataHash !== '' || this.members.size > 0) this.bumpGroupEpoch('subscribed topic metadata changed');
      this.metadataHash = hash;
    }
    if (this.assignmentEpoch >= this.groupEpoch) return;
    this.assignorName = this.chooseAssignor();
    const members: AssignorMember[] = [...this.members.values()].map((m) => ({ memberId: m.memberId, topics: subscribed.get(m.memberId)! }));
    const previous = new Map<string, TopicPartitions>();
    for (const [id, keys] of this.target) previous.set(id, keysToTopicPartitions(keys));
    const result = serverAssignors.get(this.assignorName)!({ members, partitionCounts, previous });
    this.target.clear();
    for (const [id, tp] of result) {
      const keys = new Set<string>();
      for (const [topic, parts] of tp) for (const p of parts) keys.add(tpKey(topic, p));
      this.target.set(id, keys);
    }
    this.assignmentEpoch = this.groupEpoch;
  }

  /** The assignor most members asked for; the default when none did. */
  private chooseAssignor(): string {
    const votes = new Map<string, number>();
    for (const m of this.members.values()) if (m.serverAssignor !== null) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let best = defaultServerAssignor;
    let bestVotes = 0;
    for (const [name, n] of votes) if (n > bestVotes) { best = name; bestVotes = n; }
    return best;
  }

  // ------------------------------------------------------------------ reconciliation

  private reconcile(member: ConsumerMember, owned: Set<string> | null): void {
    if (member.state === 'unrevoked') {
      if (owned === null || [...member.revoking].some((k) => owned.has(k))) return;
      member.revoking.clear();
      member.rebalanceTimer?.cancel();
      member.rebalanceTimer = undefined;
      member.state = 'stable';
    }
    if (member.memberEpoch === this.assignmentEpoch && member.state === 'stable') return;
    const target = this.target.get(member.memberId) ?? new Set<string>();
    const toRevoke = [...member.assigned].filter((k) => !target.has(k));
    if (toRevoke.length > 0) {
      for (const k of toRevoke) {
        member.assigned.delete(k);
        member.revoking.add(k);
      }
      member.state = 'unrevoked';
      member.rebalanceTimer?.cancel();
      member.rebalanceTimer = this.env.scheduler.schedule(member.rebalanceTimeoutMs, () => {
        if (this.members.get(member.memberId) === member && member.state === 'unrevoked') {
          this.removeMember(member, `did not revoke its partitions within the rebalance timeout (${member.rebalanceTimeoutMs} ms)`);
          this.env.persist(this);
          this.env.onChange(this);
        }
      });
      return;
    }
    const others = this.ownedByOthers(member.memberId);
    let unreleased = false;
    for (const k of target) {
      if (member.assigned.has(k)) continue;
      if (others.has(k) || this.settleTimer !== undefined) unreleased = true;
      else member.assigned.add(k);
    }
    if (member.memberEpoch !== this.assignmentEpoch) {
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = this.assignmentEpoch;
    }
    member.state = unreleased ? 'unreleased' : 'stable';
  }

  private ownedByOthers(self: string): Set<string> {
    const out = new Set<string>();
    for (const m of this.members.values()) {
      if (m.memberId === self) continue;
      for (const k of m.assigned) out.add(k);
      for (const k of m.revoking) out.add(k);
    }
    return out;
  }

  // ------------------------------------------------------------------ sessions and removal

  private touchSession(member: ConsumerMember): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.env.scheduler.schedule(this.env.sessionTimeoutMs, () => {
      if (this.members.get(member.memberId) !== member) return;
      this.removeMember(member, `session timeout (${this.env.sessionTimeoutMs} ms) expired`);
      this.env.persist(this);
      this.env.onChange(this);
    });
  }

  removeMember(member: ConsumerMember, reason: string): void {
    member.sessionTimer?.cancel();
    member.rebalanceTimer?.cancel();
    this.members.delete(member.memberId);
    this.target.delete(member.memberId);
    this.bumpGroupEpoch(`member ${member.memberId} ${reason}`);
    if (this.members.size === 0) this.stateTimestampMs = this.env.scheduler.now();
    this.env.log.info({ groupId: this.groupId, memberId: member.memberId, groupEpoch: this.groupEpoch, reason }, 'member removed');
    this.refreshTarget();
  }

  stopTimers(): void {
    this.resumeWindow?.timer.cancel();
    this.settleTimer?.cancel();
    for (const m of this.members.values()) {
      m.sessionTimer?.cancel();
      m.rebalanceTimer?.cancel();
    }
  }

  /** Target assignment of a member as topic → partitions (describe). */
  targetOf(memberId: string): TopicPartitions {
    return keysToTopicPartitions(this.target.get(memberId) ?? new Set());
  }

  assignedOf(member: ConsumerMember): TopicPartitions {
    return keysToTopicPartitions(member.assigned);
  }
}

export function keysToTopicPartitions(keys: ReadonlySet<string>): TopicPartitions {
  const out: TopicPartitions = new Map();
  for (const k of keys) {
    const i = k.indexOf('\u0000');
    const topic = k.slice(0, i);
    (out.get(topic) ?? out.set(topic, []).get(topic)!).push(Number(k.slice(i + 1)));
  }
  for (const ps of out.values()) ps.sort((a, b) => a - b);
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}

function sameSubscription(a: ConsumerMember, b: ConsumerMember): boolean {
  return sameList(a.subscribedTopicNames, b.subscribedTopicNames) && a.subscribedTopicRegex === b.subscribedTopicRegex && a.serverAssignor === b.serverAssignor;
}
