// Consumer: group membership (KIP-848 or classic) or manual assignment, fetching, commits.
import { KafkaClientError } from './errors.js';
import type { ConsumedMessage, ConsumerOptions, RunOptions, TopicPartition, TopicPartitionOffset } from './types.js';

/**
 * Reads messages from Kafka topics, alone (`assign`) or as a member of a group (`subscribe`).
 *
 * ```ts
 * const consumer = new Consumer({ bootstrap: 'localhost:9092', groupId: 'g', valueDeserializer: stringSerde });
 * await consumer.subscribe(['t']);
 * for await (const m of consumer) { console.log(m.value); }   // `break` stops iterating
 * await consumer.close();
 * ```
 */
export class Consumer<K = Buffer, V = Buffer> {
  constructor(readonly options: ConsumerOptions<K, V>) {}

  /** Connects and loads metadata. Optional: `subscribe`, `assign` and iteration connect when needed. */
  async connect(): Promise<void> {
    throw new KafkaClientError(-1, 'not implemented');
  }

  /** Joins `groupId` for these topics (or every topic matching the RegExp); replaces an earlier subscription. */
  async subscribe(topics: string | readonly string[] | RegExp): Promise<void> {
    void topics;
    throw new KafkaClientError(-1, 'not implemented');
  }

  /**
   * Reads these partitions without a group. Offsets given here are start positions; others start at
   * the committed offset (with a `groupId`) or at `autoOffsetReset`.
   */
  assign(partitions: ReadonlyArray<TopicPartition | TopicPartitionOffset>): void {
    void partitions;
    throw new KafkaClientError(-1, 'not implemented');
  }

  /** The partitions this consumer currently reads. */
  assignment(): TopicPartition[] {
    return [];
  }

  /** Next offset to be read from a partition, if known. */
  position(partition: TopicPartition): bigint | undefined {
    void partition;
    return undefined;
  }

  /** Moves a partition's position; the next message read from it has this offset. */
  seek(position: TopicPartitionOffset): void {
    void position;
  }

  /** Stops fetching these partitions until `resume`; they stay assigned. */
  pause(partitions: readonly TopicPartition[]): void {
    void partitions;
  }

  resume(partitions: readonly TopicPartition[]): void {
    void partitions;
  }

  paused(): TopicPartition[] {
    return [];
  }

  /**
   * Commits offsets for the group: the given ones (offset = the next message to read), or, without
   * arguments, the position after every message handed out so far.
   */
  async commit(offsets?: readonly TopicPartitionOffset[]): Promise<void> {
    void offsets;
    throw new KafkaClientError(-1, 'not implemented');
  }

  /**
   * Consumes with a handler until `close`; resolves then, rejects on a fatal error. A message or
   * batch counts as consumed (for auto-commit) once its handler resolves.
   */
  async run(handlers: RunOptions<K, V>): Promise<void> {
    void handlers;
    throw new KafkaClientError(-1, 'not implemented');
  }

  /** Messages one by one; leaving the loop (`break`) stops iteration but keeps the consumer open. */
  [Symbol.asyncIterator](): AsyncIterator<ConsumedMessage<K, V>> {
    throw new KafkaClientError(-1, 'not implemented');
  }

  /** Commits (with auto-commit), leaves the group, closes every connection and timer. Idempotent. */
  async close(): Promise<void> {}

  /** Same as `close`. */
  disconnect(): Promise<void> {
    return this.close();
  }
}
