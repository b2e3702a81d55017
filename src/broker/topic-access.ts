/** Shared topic lookups for handlers: auto-creation and mapping storage errors to Kafka error codes. */
import { ErrorCode } from '../protocol/errors.js';
import type { BrokerState } from './state.js';
import type { Topic } from '../storage/topic-store.js';
import { StorageError } from '../storage/errors.js';

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/**
 * Why a client may not write to this topic (Produce, CreatePartitions), or null. Only the coordinators
 * write the internal topics (DESIGN invariant 9); Kafka answers INVALID_TOPIC_EXCEPTION with this text.
 */
export function internalTopicWriteRefusal(name: string): string | null {
  return INTERNAL_TOPICS.has(name) ? `Cannot append to internal topic ${name}` : null;
}

/** The topic, auto-created when the broker and the request allow it; else the Kafka error code to answer. */
export function lookupOrCreateTopic(broker: BrokerState, name: string, allowAutoCreate: boolean): Topic | number {
  const topic = broker.store.topic(name);
  if (topic !== undefined) return topic;
  if (!allowAutoCreate || !broker.config.bool('auto.create.topics.enable') || INTERNAL_TOPICS.has(name)) {
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
  if (partitionsOverLimit(broker, broker.config.int('num.partitions')) !== null) return ErrorCode.INVALID_PARTITIONS;
  try {
    const created = broker.store.createTopic(name, broker.config.int('num.partitions'), {});
    broker.log.info({ topic: name, partitions: created.partitions }, 'auto-created topic');
    return created;
  } catch (err) {
    return storageErrorCode(err);
  }
}

/** Why `added` more partitions would pass max.partitions, or null if they fit. */
export function partitionsOverLimit(broker: BrokerState, added: number): string | null {
  const total = broker.store.partitionCount();
  const max = broker.limits.partitionsMax;
  return total + added > max ? `${added} more partitions would make ${total + added} on this broker, over max.partitions (${max}).` : null;
}

/** Storage errors carry Kafka error names as codes; anything else is a bug and is rethrown. */
export function storageErrorCode(err: unknown): number {
  if (err instanceof StorageError) return err.errorCode;
  throw err;
}
