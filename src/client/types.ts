// Public option and message types of the client.
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Deserializer, Serializer } from './serde.js';
import type { SaslOptions } from './sasl.js';

export type { SaslOptions };

/** Options every client (Producer, Consumer, Admin) takes. */
export interface ClientOptions {
  /** Bootstrap brokers, "host:port" or a list of them. */
  bootstrap: string | readonly string[];
  /** Sent in every request header. Default "minikafka". */
  clientId?: string;
  /** Time a request may wait for its response. Default 30000. */
  requestTimeoutMs?: number;
  /** Time to establish a TCP connection. Default 10000. */
  connectTimeoutMs?: number;
  /** Retries of a retriable failure before giving up. Default 5. */
  retries?: number;
  /** First backoff between retries, doubled each time up to `retryBackoffMaxMs`. Default 100. */
  retryBackoffMs?: number;
  /** Default 1000. */
  retryBackoffMaxMs?: number;
  /** TLS to every broker: `true` for the system's CAs, or Node's tls options (`ca`, `cert`, `key`, `servername`...). */
  ssl?: boolean | TlsOptions;
  /** SASL on every connection (over TLS when `ssl` is set): PLAIN, SCRAM-SHA-256/512 or OAUTHBEARER. */
  sasl?: SaslOptions;
}

export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** -1 (or 'all'): the leader waits for the write to be durable; 1: the leader wrote it; 0: no answer. */
export type Acks = -1 | 0 | 1 | 'all';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: bigint;
}

/** One record header. Kafka allows repeated keys, so headers are a list. */
export interface MessageHeader {
  key: string;
  value: Buffer | null;
}

/** Headers as given to `send`: a list, or an object when keys are unique. */
export type HeadersInput =
  | Record<string, string | Buffer | null>
  | ReadonlyArray<{ key: string; value: string | Buffer | null }>;

export interface ProducerMessage<K, V> {
  key?: K | null;
  value: V | null;
  headers?: HeadersInput;
  /** Explicit partition; otherwise murmur2(key) for keyed messages, sticky (KIP-480) for unkeyed ones. */
  partition?: number;
  /** Milliseconds since the epoch. Default: now. */
  timestamp?: number;
}

export interface ProducerRecord<K, V> {
  topic: string;
  messages: ReadonlyArray<ProducerMessage<K, V>>;
}

/** Where a message was written. With acks=0 `offset` is -1n. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
  /** The timestamp the broker stored (LogAppendTime topics), else the one sent. */
  timestamp: number;
}

export interface ProducerOptions<K, V> extends ClientOptions {
  /** Default -1 (all). */
  acks?: Acks;
  /** Default 'none'. */
  compression?: CompressionCodec;
  /** Time a partition's batch waits for more messages before it is sent. Default 5. */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many bytes. Default 16384. */
  batchBytes?: number;
  /**
   * Ready batches of every partition led by the same broker share one Produce request up to this many
   * bytes (a larger batch goes alone). Default 1048576, as Kafka's max.request.size.
   */
  maxRequestBytes?: number;
  /** Produce requests in flight per broker connection. Default 5; at most 5 when idempotent. */
  maxInFlight?: number;
  /**
   * Request a producer id and number batches so retries never duplicate. Default true when acks is
   * 'all' (-1) and maxInFlight <= 5, as in Java's client since 3.0; false otherwise.
   */
  idempotent?: boolean;
  /** Makes the producer transactional (`producer.transaction()`); implies idempotence. */
  transactionalId?: string;
  /** Longest a transaction may stay open before the broker aborts it (transaction.timeout.ms). Default 60000. */
  transactionTimeoutMs?: number;
  /** Time the broker may take to reach `acks`. Default 30000. */
  ackTimeoutMs?: number;
  /** Default: strings as UTF-8, Buffers as they are. */
  keySerializer?: Serializer<K>;
  valueSerializer?: Serializer<V>;
}

/** Chooses the group protocol: 'consumer' is KIP-848, 'classic' is JoinGroup/SyncGroup, 'auto' prefers KIP-848. */
export type GroupProtocol = 'auto' | 'consumer' | 'classic';

/** Client-side assignors for the classic protocol. */
export type ClassicAssignor = 'range' | 'cooperative-sticky';

/** Called around rebalances; a returned promise is awaited before the consumer carries on. */
export interface RebalanceListener {
  /** Partitions newly assigned to this member. */
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** Partitions taken away; commit their progress here (auto-commit already does). */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
}

export interface ConsumerOptions<K, V> extends ClientOptions {
  /** Needed for `subscribe` and commits; not for `assign`. */
  groupId?: string;
  /** Default 'auto'. */
  groupProtocol?: GroupProtocol;
  /** Classic protocol only. Default 'range' ('cooperative-sticky' is not implemented yet and is refused). */
  assignor?: ClassicAssignor;
  /** Default 45000. */
  sessionTimeoutMs?: number;
  /** Classic protocol only. Default 60000. */
  rebalanceTimeoutMs?: number;
  /** Classic protocol; KIP-848 uses the broker's interval. Default 3000. */
  heartbeatIntervalMs?: number;
  /** Where to start a partition with no committed offset. Default 'latest'. */
  autoOffsetReset?: 'earliest' | 'latest';
  /** Default true. */
  autoCommit?: boolean;
  /** Default 5000. */
  autoCommitIntervalMs?: number;
  /** Fetch long-poll wait. Default 500. */
  maxWaitMs?: number;
  /** Default 1. */
  minBytes?: number;
  /** Default 52428800. */
  maxBytes?: number;
  /** Default 1048576. */
  partitionMaxBytes?: number;
  keyDeserializer?: Deserializer<K>;
  valueDeserializer?: Deserializer<V>;
  rebalanceListener?: RebalanceListener;
  /**
   * 'read_committed': only records of committed transactions (and non-transactional ones), up to the
   * last stable offset. Default 'read_uncommitted', as in Java.
   */
  isolationLevel?: IsolationLevel;
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumedMessage<K, V> {
  topic: string;
  partition: number;
  offset: bigint;
  /** Milliseconds since the epoch. */
  timestamp: number;
  key: K | null;
  value: V | null;
  headers: MessageHeader[];
}

export interface ConsumedBatch<K, V> {
  topic: string;
  partition: number;
  /** The partition's high watermark at fetch time. */
  highWatermark: bigint;
  messages: ConsumedMessage<K, V>[];
}

/** Handlers for `Consumer.run`: give one of them. */
export interface RunOptions<K, V> {
  eachMessage?(message: ConsumedMessage<K, V>): void | Promise<void>;
  eachBatch?(batch: ConsumedBatch<K, V>): void | Promise<void>;
}
