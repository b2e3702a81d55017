/**
 * minikafka's Kafka client: Producer, Consumer and Admin. It talks to brokers only over the Kafka wire
 * protocol, so it works against minikafka and against any Kafka cluster.
 *
 * Offsets are `bigint` (Kafka's int64); timestamps are milliseconds as `number`. Every failure is a
 * `KafkaClientError` carrying Kafka's error code, its name and whether it is retriable.
 */
export { Producer, Transaction } from './producer.js';
export { ProducerFencedError, type TransactionOffsets } from './transaction.js';
export { Consumer } from './consumer.js';
export { Admin } from './admin.js';
export { KafkaClientError, TopicAuthorizationError, GroupAuthorizationError } from './errors.js';
export { stringSerde, bufferSerde, jsonSerde, rawSerializer, type Serializer, type Deserializer, type Serde } from './serde.js';
export type {
  ClientOptions, CompressionCodec, Acks, TopicPartition, TopicPartitionOffset, MessageHeader, HeadersInput,
  ProducerMessage, ProducerRecord, RecordMetadata, ProducerOptions, GroupProtocol, ClassicAssignor,
  RebalanceListener, ConsumerOptions, ConsumedMessage, ConsumedBatch, RunOptions, IsolationLevel,
} from './types.js';
export type {
  NewTopic, PartitionDescription, TopicDescription, ConfigEntry, ConfigResource, ConfigResourceResult, ConfigChange,
  ConfigChanges, DeleteRecordsPartition, DeletedRecords, OffsetSpec,
  PartitionOffset, CommittedOffset, ResetTarget, GroupListing, GroupMemberDescription, GroupPartitionLag,
  GroupDescription, ClusterDescription, TransactionListing, TransactionDescription, ProducerDescription,
} from './admin-types.js';
export type { AclBinding, AclBindingFilter, ScramMechanismName } from './admin.js';
export {
  AclOperation, PatternType as AclPatternType, PermissionType as AclPermissionType, ResourceType as AclResourceType, aclCodeName,
} from '../protocol/acl.js';
export type { SaslOptions } from './sasl.js';
