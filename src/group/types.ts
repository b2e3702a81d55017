/**
 * Plain types shared across the group module. The group module does not import the protocol's error
 * table (it may import storage and record-batch only): results carry Kafka error *names*, which the
 * handlers map to codes with `ErrorCode[name]`.
 */
export type GroupErrorName =
  | 'NONE'
  | 'COORDINATOR_NOT_AVAILABLE'
  | 'ILLEGAL_GENERATION'
  | 'INCONSISTENT_GROUP_PROTOCOL'
  | 'INVALID_GROUP_ID'
  | 'UNKNOWN_MEMBER_ID'
  | 'INVALID_SESSION_TIMEOUT'
  | 'REBALANCE_IN_PROGRESS'
  | 'MEMBER_ID_REQUIRED'
  | 'GROUP_MAX_SIZE_REACHED'
  | 'FENCED_INSTANCE_ID'
  | 'NON_EMPTY_GROUP'
  | 'GROUP_ID_NOT_FOUND'
  | 'GROUP_SUBSCRIBED_TO_TOPIC'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'OFFSET_METADATA_TOO_LARGE'
  | 'FENCED_MEMBER_EPOCH'
  | 'STALE_MEMBER_EPOCH'
  | 'UNRELEASED_INSTANCE_ID'
  | 'UNSUPPORTED_ASSIGNOR'
  | 'INVALID_REQUEST'
  | 'INVALID_REGULAR_EXPRESSION'
  | 'UNSUPPORTED_VERSION'
  | 'KAFKA_STORAGE_ERROR'
  | 'UNKNOWN_SERVER_ERROR';

/** What the coordinator needs to know about topics (TopicStore satisfies it). */
export interface TopicView {
  topic(name: string): { readonly name: string; readonly id: string; readonly partitions: number } | undefined;
  topicById(id: string): { readonly name: string; readonly id: string; readonly partitions: number } | undefined;
  topics(): ReadonlyArray<{ readonly name: string; readonly id: string; readonly partitions: number }>;
}

/** topic name → partitions (sorted ascending). */
export type TopicPartitions = Map<string, number[]>;

export interface GroupLogger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

export const silentGroupLogger: GroupLogger = { debug() {}, info() {}, warn() {}, error() {} };


export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
