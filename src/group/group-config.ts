/** The group coordinator's settings (from the broker's group.* and offsets.* configs) and Kafka's defaults. */
export interface GroupConfig {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  maxSize: number;
  consumerSessionTimeoutMs: number;
  consumerHeartbeatIntervalMs: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
  offsetsTopicPartitions: number;
  /** Classic groups: a leader may give one partition to several members (Kafka allows it; off keeps one owner). */
  classicSharedPartitions: boolean;
}

export const defaultGroupConfig: GroupConfig = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 0,
  maxSize: 2147483647,
  consumerSessionTimeoutMs: 45_000,
  consumerHeartbeatIntervalMs: 5000,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
  offsetsTopicPartitions: 4,
  classicSharedPartitions: false,
};
