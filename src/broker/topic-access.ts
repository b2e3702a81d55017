/** Shared topic lookups for handlers: auto-creation and mapping storage errors to Kafka error codes. */
import { ErrorCode } from '../protocol/errors.js';
import type { BrokerState } from './state.js';
import type { RequestContext } from './handler.js';
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

/** Topics auto-created so far by each request in flight (keyed by its context). */
const autoCreatedByRequest = new WeakMap<RequestScope, number>();

/** What identifies one request for the auto-create bound: its context (Kafka) or any object per call (HTTP). */
export type RequestScope = Pick<RequestContext, 'log'>;

/**
 * The topic, auto-created when the broker and the request allow it; else the Kafka error code to answer.
 * One request creates at most autoCreatedTopicsPerRequestMax topics: past that, unknown topics answer
 * UNKNOWN_TOPIC_OR_PARTITION (retriable: the client's next Metadata creates the next ones).
 */
export function lookupOrCreateTopic(broker: BrokerState, name: string, allowAutoCreate: boolean, request: RequestScope): Topic | number {
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

/**
 * Auto-creates the topics among `names` that do not exist (within the request's bound), one per
 * macrotask: a creation costs milliseconds (files, fsync), and other connections are served between
 * two (invariant 8). Only for requests whose effects do not depend on order (Metadata); a Produce must
 * append at dispatch, so it creates synchronously.
 */
export async function autoCreateTopicsYielding(broker: BrokerState, names: readonly string[], request: RequestContext): Promise<void> {
  let left = broker.limits.autoCreatedTopicsPerRequestMax - (autoCreatedByRequest.get(request) ?? 0);
  for (const name of names) {
    if (left <= 0 || broker.stopping) return;
    if (broker.store.topic(name) !== undefined) continue;
    left--; // a failed creation (a bad name) counts too: this loop must stay bounded by the limit
    lookupOrCreateTopic(broker, name, true, request);
    await new Promise<void>((resolve) => setImmediate(resolve));
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
