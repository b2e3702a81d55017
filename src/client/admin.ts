// Admin: topics, configs, offsets and groups.
import { KafkaClientError } from './errors.js';
import type { ClientOptions } from './types.js';
import type {
  ClusterDescription, CommittedOffset, ConfigResource, ConfigResourceResult, GroupDescription, GroupListing,
  NewTopic, OffsetSpec, PartitionOffset, ResetTarget, TopicDescription,
} from './admin-types.js';

const notImplemented = (): never => {
  throw new KafkaClientError(-1, 'not implemented');
};

/** Administers topics, configs, offsets and consumer groups. Every method throws a KafkaClientError on failure. */
export class Admin {
  constructor(readonly options: ClientOptions) {}

  /** Optional: every method connects when needed. */
  async connect(): Promise<void> { notImplemented(); }

  /** Creates topics; `ignoreExisting` makes TOPIC_ALREADY_EXISTS a success. */
  async createTopics(topics: readonly NewTopic[], options?: { ignoreExisting?: boolean; validateOnly?: boolean }): Promise<void> { void topics; void options; notImplemented(); }

  async deleteTopics(topics: readonly string[]): Promise<void> { void topics; notImplemented(); }

  /** Topic names, sorted; internal topics only with `includeInternal`. */
  async listTopics(options?: { includeInternal?: boolean }): Promise<string[]> { void options; return notImplemented(); }

  /** Every topic when `topics` is omitted. */
  async describeTopics(topics?: readonly string[]): Promise<TopicDescription[]> { void topics; return notImplemented(); }

  /** Grows topics to `count` partitions in total. */
  async createPartitions(topics: ReadonlyArray<{ topic: string; count: number }>): Promise<void> { void topics; notImplemented(); }

  async describeConfigs(resources: readonly ConfigResource[]): Promise<ConfigResourceResult[]> { void resources; return notImplemented(); }

  /** One offset per partition of `topic`, by partition. */
  async listOffsets(topic: string, spec?: OffsetSpec): Promise<PartitionOffset[]> { void topic; void spec; return notImplemented(); }

  /** The group's committed offsets, for the given topics or every topic it committed for. */
  async fetchCommittedOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffset[]> { void groupId; void topics; return notImplemented(); }

  /**
   * Moves the group's committed offsets of `topic` (all partitions, or `partitions`) to `to`. The group
   * must have no active members. Resolves with the offsets committed.
   */
  async resetOffsets(groupId: string, topic: string, to: ResetTarget, partitions?: readonly number[]): Promise<CommittedOffset[]> { void groupId; void topic; void to; void partitions; return notImplemented(); }

  async listGroups(): Promise<GroupListing[]> { return notImplemented(); }

  /** Members with their assignments, and committed offsets with lag. */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> { void groupIds; return notImplemented(); }

  async deleteGroups(groupIds: readonly string[]): Promise<void> { void groupIds; notImplemented(); }

  async describeCluster(): Promise<ClusterDescription> { return notImplemented(); }

  /** Closes every connection. Idempotent. */
  async close(): Promise<void> {}

  /** Same as `close`. */
  disconnect(): Promise<void> { return this.close(); }
}
