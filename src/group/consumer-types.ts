/** The shapes of a KIP-848 consumer group: a ConsumerGroupHeartbeat as the group sees it, its answer, a member, and what the group needs from the coordinator. */
import type { TimerHandle, Scheduler } from './clock.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { GroupErrorName, GroupLogger, TopicView } from './types.js';

export interface ConsumerHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: Array<{ topicId: string; partitions: number[] }> | null;
  clientId: string;
  clientHost: string;
  /** v1+ (KIP-1082): the client generates its member id. */
  clientGeneratesMemberId: boolean;
  /**
   * Whether the member's principal may DESCRIBE a topic; a regex subscription resolves only to topics
   * it may (Kafka: KAFKA-18813). Undefined: no authorizer, every topic.
   */
  topicVisible?: (topic: string) => boolean;
}

export interface ConsumerHeartbeatResult {
  error: GroupErrorName;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: Array<{ topicId: string; partitions: number[] }> | null;
}

export interface ConsumerEnv {
  scheduler: Scheduler;
  log: GroupLogger;
  topics: TopicView;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
  newMemberId(): string;
  persist(group: ConsumerGroup): void;
  onChange(group: ConsumerGroup): void;
}

export type MemberState = 'stable' | 'unrevoked' | 'unreleased';

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** tpKey(topic, partition) the member owns now. */
  assigned: Set<string>;
  /** Partitions taken from the member that it has not yet acknowledged: still owned. */
  revoking: Set<string>;
  sessionTimer?: TimerHandle;
  rebalanceTimer?: TimerHandle;
  /** From the member's latest heartbeat (never persisted): see ConsumerHeartbeatRequest.topicVisible. */
  topicVisible?: (topic: string) => boolean;
}
