/** Shared topic lookups for handlers: auto-creation and mapping storage errors to Kafka error codes. */
import { ErrorCode } from '../protocol/errors.js';
import type { BrokerState } from './state.js';
import type { RequestContext } from './handler.js';
import type { Topic } from '../storage/topic-store.js';
import { StorageError } from '../storage/errors.js';

export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

/** Topics auto-created so far by each request in flight (keyed by its context). */
const autoCreatedByRequest = new WeakMap<RequestContext, number>();

/**
 * The topic, auto-created when the broker and the request allow it; else the Kafka error code to answer.
 * One request creates at most autoCreatedTopicsPerRequestMax topics: past that, unknown topics answer
 * UNKNOWN_TOPIC_OR_PARTITION (retriable: the client's next Metadata creates the next ones).
 */
export function lookupOrCreateTopic(broker: BrokerState, name: string, allowAutoCreate: boolean, request: RequestContext): Topic | number {
  const topic = broker.store.topic(name);
  if (topic !== undefined) return topic;
  if (!allowAutoCreate || !broker.config.bool('auto.create.topics.enable') || INTERNAL_TOPICS.has(name)) {
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
  const createdBefore = autoCreatedByRequest.get(request) ?? 0;
  const max = broker.limits.autoCreatedTopicsPerRequestMax;
  if (createdBefore >= max) {
    request.log.warn({ topic: name, max }, 'auto-create limit of the request reached; topic not created');
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
  if (partitionsOverLimit(broker, broker.config.int('num.partitions')) !== null) return ErrorCode.INVALID_PARTITIONS;
  try {
    const created = broker.store.createTopic(name, broker.config.int('num.partitions'), {});
    autoCreatedByRequest.set(request, createdBefore + 1);
    broker.log.info({ topic: name, partitions: created.partitions }, 'auto-created topic');
    return created;
  } catch (err) {
    return storageErrorCode(err);
  }
}

/** Why `added` more partitions would pass max.partitions, or null if they fit. */
export function partitionsOverLimit(broker: BrokerState, added: number): string | null {
  let total = 0;
  for (const t of broker.store.topics()) total += t.partitions;
  const max = broker.limits.partitionsMax;
  return total + added > max ? `${added} more partitions would make ${total + added} on this broker, over max.partitions (${max}).` : null;
}

/** Storage errors carry Kafka error names as codes; anything else is a bug and is rethrown. */
export function storageErrorCode(err: unknown): number {
  if (err instanceof StorageError) return err.errorCode;
  throw err;
}
