// Types of Admin's inputs and results.

export interface NewTopic {
  topic: string;
  /** Default: the broker's num.partitions. */
  partitions?: number;
  /** Default: the broker's default. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionDescription[];
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
}

export interface ConfigResource {
  type: 'topic' | 'broker';
  name: string;
  /** Default: every config. */
  configNames?: string[];
}

export interface ConfigResourceResult {
  type: 'topic' | 'broker';
  name: string;
  configs: ConfigEntry[];
}

/**
 * One change made by `Admin.alterConfigs`: set a value (the default op), delete an override (back to
 * the broker's default), or append to / subtract from a list config such as cleanup.policy.
 */
export type ConfigChange =
  | { name: string; op?: 'set'; value: string }
  | { name: string; op: 'delete' }
  | { name: string; op: 'append' | 'subtract'; value: string };

export interface ConfigChanges {
  type: 'topic' | 'broker';
  /** Topic name, or broker id as a string. */
  name: string;
  changes: ConfigChange[];
}

export interface DeleteRecordsPartition {
  partition: number;
  /** Records below this offset are deleted; -1n deletes up to the high watermark. */
  offset: bigint;
}

export interface DeletedRecords {
  partition: number;
  /** The partition's log start offset after the deletion. */
  lowWatermark: bigint;
}

/** Which offset ListOffsets should find. */
export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

export interface PartitionOffset {
  partition: number;
  offset: bigint;
  /** -1 for 'earliest' and 'latest'. */
  timestamp: number;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1n when the group committed nothing for the partition. */
  offset: bigint;
  metadata: string | null;
}

/** Where `resetOffsets` moves a group's committed offsets. */
export type ResetTarget = 'earliest' | 'latest' | { timestamp: number } | { offset: bigint };

export interface GroupListing {
  groupId: string;
  protocolType: string;
  /** e.g. "Stable", "Empty" (as the broker names it; "" if it does not say). */
  state: string;
  /** "classic" or "consumer" (KIP-848), "" if the broker does not say. */
  type: string;
}

export interface GroupMemberDescription {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partition: number }[];
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** -1n if nothing is committed. */
  committed: bigint;
  /** The high watermark. */
  end: bigint;
  /** end - committed, or end - earliest when nothing is committed. */
  lag: bigint;
}

export interface GroupDescription {
  groupId: string;
  /** "classic" or "consumer". */
  type: string;
  state: string;
  protocolType: string;
  /** The classic assignor, or the KIP-848 server assignor. */
  protocol: string;
  members: GroupMemberDescription[];
  offsets: GroupPartitionLag[];
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number }[];
}

export interface TransactionListing {
  transactionalId: string;
  producerId: bigint;
  /** Kafka's state name: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, ... */
  state: string;
}

/** One active idempotent or transactional producer of a partition (DescribeProducers). */
export interface ProducerDescription {
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  /** Sequence of the producer's last record here, -1 when none. */
  lastSequence: number;
  /** maxTimestamp of its last batch here (ms; CreateTime, or LogAppendTime), -1 when unknown. */
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of its open transaction in this partition, -1 when none. */
  currentTransactionStartOffset: bigint;
}

export interface TransactionDescription extends TransactionListing {
  producerEpoch: number;
  timeoutMs: number;
  /** -1 when no transaction has started. */
  startTimeMs: number;
  partitions: { topic: string; partition: number }[];
}
