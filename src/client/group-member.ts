// Group membership in the background: KIP-848 (ConsumerGroupHeartbeat, broker-side assignment) or the
// classic protocol (JoinGroup/SyncGroup/Heartbeat, range assignment by the leader, eager rebalancing).
// Both hand each new assignment to the consumer's `reconcile`, which revokes and assigns.
import { randomUUID } from 'node:crypto';
import { ApiKey, ZERO_UUID, type Cluster } from './cluster.js';
import { KafkaClientError, brokerError } from './errors.js';
import type { TopicPartition } from './types.js';
import { Waiter } from './waiter.js';
import { ErrorCode } from '../protocol/errors.js';
import { decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription, topicPartitionList, topicPartitionPairs } from '../protocol/consumer-protocol.js';
import { rangeAssign } from '../group/assignors/range.js';
import type { AssignorMember } from '../group/assignors/types.js';

export interface MemberHost {
  cluster: Cluster;
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Topic names the consumer subscribes to now (a RegExp is resolved against metadata). */
  subscribedTopics(): Promise<string[]>;
  /** Applies a new full assignment; resolves when revocation and assignment listeners are done. */
  reconcile(target: TopicPartition[]): Promise<void>;
  onError(err: Error): void;
}

export interface GroupMember {
  /** Identity for OffsetCommit. */
  readonly identity: { memberId: string; generation: number };
  start(): void;
  /** Re-sends the subscription soon (after `subscribe` changed it). */
  poke(): void;
  /** Leaves the group and stops every timer. */
  stop(): Promise<void>;
}

const FENCED_MEMBER_EPOCH = ErrorCode.FENCED_MEMBER_EPOCH;
const UNKNOWN_MEMBER_ID = ErrorCode.UNKNOWN_MEMBER_ID;
const ILLEGAL_GENERATION = ErrorCode.ILLEGAL_GENERATION;
const REBALANCE_IN_PROGRESS = ErrorCode.REBALANCE_IN_PROGRESS;
const MEMBER_ID_REQUIRED = ErrorCode.MEMBER_ID_REQUIRED;
/** Eager range assignment needs neither owned partitions (v1) nor the generation (v2) in the subscription. */
const CONSUMER_PROTOCOL_VERSION = 0;

abstract class LoopingMember {
  protected stopped = false;
  protected readonly waiter = new Waiter();
  private loop: Promise<void> | undefined;

  constructor(protected readonly host: MemberHost) {}

  start(): void {
    this.loop ??= this.run();
  }

  poke(): void {
    this.waiter.wake();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let waitMs: number;
      try {
        waitMs = await this.step();
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        const e = err as KafkaClientError;
        if (!(e instanceof KafkaClientError) || !e.retriable) this.host.onError(e);
        this.host.cluster.invalidate(e.code ?? -1, undefined, this.host.groupId);
        waitMs = this.host.cluster.backoffMs(failures++);
      }
      if (waitMs > 0 && !this.stopped) await this.waiter.sleep(waitMs);
    }
  }

  /** One round of membership work; returns how long to wait before the next. */
  protected abstract step(): Promise<number>;
  protected abstract leave(): Promise<void>;

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.waiter.wake();
    await this.loop;
    await this.leave().catch(() => undefined);
  }
}

/** KIP-848: the broker assigns; the member heartbeats its owned partitions and reconciles. */
export class Kip848Member extends LoopingMember implements GroupMember {
  private memberId = randomUUID();
  private epoch = 0;
  private owned: TopicPartition[] = [];

  get identity(): { memberId: string; generation: number } {
    return { memberId: this.memberId, generation: this.epoch };
  }

  protected async step(): Promise<number> {
    const { cluster, groupId } = this.host;
    const topics = await this.host.subscribedTopics();
    const ids = new Map<string, string>();
    for (const t of topics) {
      const info = cluster.topics.get(t);
      if (info !== undefined) ids.set(t, info.topicId);
    }
    const owned = new Map<string, number[]>();
    for (const tp of this.owned) {
      const id = ids.get(tp.topic) ?? cluster.topics.get(tp.topic)?.topicId;
      if (id !== undefined) owned.set(id, [...(owned.get(id) ?? []), tp.partition]);
    }
    const conn = await cluster.coordinator(groupId);
    const { body } = await conn.request(ApiKey.ConsumerGroupHeartbeat, (v) => ({
      groupId,
      memberId: v === 0 && this.epoch === 0 ? '' : this.memberId,
      memberEpoch: this.epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: this.host.rebalanceTimeoutMs,
      subscribedTopicNames: topics,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [...owned].map(([topicId, partitions]) => ({ topicId, partitions })),
    }));
    if (body.errorCode === FENCED_MEMBER_EPOCH || body.errorCode === UNKNOWN_MEMBER_ID) {
      this.epoch = 0;
      this.owned = [];
      await this.host.reconcile([]);
      return 0;
    }
    if (body.errorCode !== ErrorCode.NONE) {
      // Kafka refuses a subscription naming topics the member may not DESCRIBE (those missing from its metadata).
      const unresolved = topics.filter((t) => !ids.has(t));
      throw brokerError(body.errorCode, `ConsumerGroupHeartbeat ${groupId}${body.errorMessage ? `: ${body.errorMessage}` : ''}`, { groupId, topics: unresolved.length > 0 ? unresolved : topics });
    }
    if (body.memberId !== null && body.memberId !== '') this.memberId = body.memberId;
    this.epoch = body.memberEpoch;
    const interval = body.heartbeatIntervalMs > 0 ? body.heartbeatIntervalMs : this.host.heartbeatIntervalMs;
    if (body.assignment === null || this.stopped) return interval;
    const target = await this.resolveAssignment(body.assignment.topicPartitions);
    await this.host.reconcile(target);
    this.owned = target;
    return 0; // acknowledge the new assignment at once
  }

  private async resolveAssignment(tps: { topicId: string; partitions: number[] }[]): Promise<TopicPartition[]> {
    const { cluster } = this.host;
    const byId = (): Map<string, string> => new Map([...cluster.topics.values()].map((t) => [t.topicId, t.name]));
    let names = byId();
    if (tps.some((t) => !names.has(t.topicId))) {
      await cluster.refreshMetadata(null);
      names = byId();
    }
    const out: TopicPartition[] = [];
    for (const t of tps) {
      const topic = names.get(t.topicId);
      if (topic === undefined || t.topicId === ZERO_UUID) continue;
      for (const p of [...t.partitions].sort((a, b) => a - b)) out.push({ topic, partition: p });
    }
    return out;
  }

  protected async leave(): Promise<void> {
    if (this.epoch <= 0) return;
    const conn = await this.host.cluster.coordinator(this.host.groupId);
    await conn.request(ApiKey.ConsumerGroupHeartbeat, {
      groupId: this.host.groupId, memberId: this.memberId, memberEpoch: -1, instanceId: null, rackId: null,
      rebalanceTimeoutMs: this.host.rebalanceTimeoutMs, subscribedTopicNames: null, subscribedTopicRegex: null,
      serverAssignor: null, topicPartitions: null,
    }, { timeoutMs: 5000 });
    this.epoch = -1;
  }
}

/** The classic protocol with eager rebalancing and the range assignor. */
export class ClassicMember extends LoopingMember implements GroupMember {
  private memberId = '';
  private generation = -1;
  private needJoin = true;
  private joinedTopics: string[] = [];

  get identity(): { memberId: string; generation: number } {
    return { memberId: this.memberId, generation: this.generation };
  }

  override poke(): void {
    this.needJoin = true;
    super.poke();
  }

  protected async step(): Promise<number> {
    const { cluster, groupId } = this.host;
    if (!this.needJoin) {
      const topics = await this.host.subscribedTopics();
      if (topics.join('\u0000') !== this.joinedTopics.join('\u0000')) this.needJoin = true;
    }
    if (this.needJoin) {
      await this.join();
      return this.host.heartbeatIntervalMs;
    }
    const conn = await cluster.coordinator(groupId);
    const { body } = await conn.request(ApiKey.Heartbeat, { groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: null });
    if (body.errorCode === REBALANCE_IN_PROGRESS || body.errorCode === ILLEGAL_GENERATION || body.errorCode === UNKNOWN_MEMBER_ID) {
      if (body.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
      this.needJoin = true;
      return 0;
    }
    if (body.errorCode !== ErrorCode.NONE) throw brokerError(body.errorCode, `Heartbeat ${groupId}`, { groupId });
    return this.host.heartbeatIntervalMs;
  }

  private async join(): Promise<void> {
    const { cluster, groupId } = this.host;
    await this.host.reconcile([]); // eager: give everything back before rejoining
    const topics = await this.host.subscribedTopics();
    this.joinedTopics = topics;
    const conn = await cluster.coordinator(groupId);
    const joinRequest = () => ({
      groupId, sessionTimeoutMs: this.host.sessionTimeoutMs, rebalanceTimeoutMs: this.host.rebalanceTimeoutMs,
      memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeConsumerSubscription({ topics }, CONSUMER_PROTOCOL_VERSION) }], reason: null,
    });
    const timeoutMs = this.host.rebalanceTimeoutMs + cluster.options.requestTimeoutMs;
    let { body } = await conn.request(ApiKey.JoinGroup, joinRequest(), { timeoutMs });
    if (body.errorCode === MEMBER_ID_REQUIRED) {
      this.memberId = body.memberId;
      ({ body } = await conn.request(ApiKey.JoinGroup, joinRequest(), { timeoutMs }));
    }
    if (body.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
    if (body.errorCode !== ErrorCode.NONE) throw brokerError(body.errorCode, `JoinGroup ${groupId}`, { groupId });
    this.memberId = body.memberId;
    this.generation = body.generationId;
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (body.leader === this.memberId) {
      const members: AssignorMember[] = body.members.map((m: { memberId: string; metadata: Buffer }) => ({ memberId: m.memberId, topics: new Set(decodeConsumerSubscription(m.metadata).topics) }));
      const all = [...new Set(members.flatMap((m) => [...m.topics]))];
      const partitionCounts = new Map<string, number>();
      await cluster.refreshMetadata(all);
      for (const t of all) partitionCounts.set(t, cluster.topics.get(t)?.partitions.length ?? 0);
      // Eager: no previous assignment, so these are exactly Kafka's RangeAssignor ranges.
      assignments = [...rangeAssign({ members, partitionCounts, previous: new Map() })].map(([memberId, tps]) => ({
        memberId, assignment: encodeConsumerAssignment({ assignedPartitions: topicPartitionList(tps) }, CONSUMER_PROTOCOL_VERSION),
      }));
    }
    const sync = await conn.request(ApiKey.SyncGroup, {
      groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: null,
      protocolType: 'consumer', protocolName: 'range', assignments,
    }, { timeoutMs });
    if (sync.body.errorCode === REBALANCE_IN_PROGRESS) return; // needJoin stays true
    if (sync.body.errorCode !== ErrorCode.NONE) throw brokerError(sync.body.errorCode, `SyncGroup ${groupId}`, { groupId });
    this.needJoin = false;
    await this.host.reconcile(topicPartitionPairs(decodeConsumerAssignment(sync.body.assignment).assignedPartitions));
  }

  protected async leave(): Promise<void> {
    if (this.memberId === '') return;
    const conn = await this.host.cluster.coordinator(this.host.groupId);
    await conn.request(ApiKey.LeaveGroup, {
      groupId: this.host.groupId, memberId: this.memberId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: null }],
    }, { timeoutMs: 5000 });
    this.memberId = '';
  }
}
