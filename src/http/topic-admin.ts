// Topic creation and deletion for the HTTP listener (REST v3 and the console): the same checks as the
// CreateTopics and DeleteTopics handlers (name, internal topics, partition limit, configs), answered as
// HttpErrors.
import type { BrokerState } from '../broker/state.js';
import { checkTopicConfig, checkTopicName } from '../broker/topic-configs.js';
import { INTERNAL_TOPICS, partitionsOverLimit, storageErrorCode } from '../broker/topic-access.js';
import { errorName } from '../protocol/errors.js';
import type { Topic } from '../storage/topic-store.js';
import { HttpError, badRequest, clip, topicNotFound } from './errors.js';

/** Creates a topic; `partitions` undefined: num.partitions. */
export function createTopicChecked(b: BrokerState, name: string, partitions: unknown, configs: Record<string, string>, via: string): Topic {
  const nameError = checkTopicName(name);
  if (nameError !== null) throw badRequest(clip(nameError));
  if (INTERNAL_TOPICS.has(name)) throw new HttpError(403, `Topic ${name} is internal: the broker creates it.`, 40301);
  if (b.store.topic(name) !== undefined) throw new HttpError(409, `Topic ${clip(name)} already exists.`, 40002);
  const count = partitions ?? b.config.int('num.partitions');
  if (!Number.isSafeInteger(count) || (count as number) < 1) throw badRequest('partitions_count must be a positive integer.');
  const over = partitionsOverLimit(b, count as number);
  if (over !== null) throw badRequest(over);
  for (const [k, v] of Object.entries(configs)) {
    const problem = checkTopicConfig(k, v);
    if (problem !== null) throw badRequest(clip(problem));
  }
  let topic: Topic;
  try {
    topic = b.store.createTopic(name, count as number, configs);
  } catch (err) {
    throw badRequest(`${errorName(storageErrorCode(err))}: ${clip((err as Error).message)}`);
  }
  b.log.info({ topic: name, partitions: count, via }, 'created topic');
  return topic;
}

export function deleteTopicChecked(b: BrokerState, name: string, via: string): void {
  if (INTERNAL_TOPICS.has(name)) throw new HttpError(403, `Topic ${name} is internal.`, 40301);
  if (b.store.topic(name) === undefined) throw topicNotFound(name);
  if (!b.config.bool('delete.topic.enable')) throw new HttpError(403, 'Topic deletion is disabled (delete.topic.enable=false).', 40301);
  try {
    b.store.deleteTopic(name);
  } catch (err) {
    throw badRequest(`${errorName(storageErrorCode(err))}: ${clip((err as Error).message)}`);
  }
  b.log.info({ topic: name, via }, 'deleted topic');
}
