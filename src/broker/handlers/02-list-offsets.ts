/**
 * ListOffsets (key 2), v0-10 (v0: Kafka 3.9's, with its list of offsets; see oldStyle).
 * Timestamps: -1 latest (high watermark), -2 earliest (log start),
 * -3 max timestamp (v7+), -4 earliest local (= earliest: no tiered storage), -5 latest tiered (none: -1),
 * >= 0: the first offset whose batch holds a timestamp at or after it.
 * Timestamp lookups find the exact record inside uncompressed batches (storage walks that one batch's
 * record headers: this is not the produce/fetch path); for compressed batches they answer the batch's
 * first offset, which may be earlier than Kafka's answer, never later.
 * IsolationLevel 1 (read_committed, v2+): latest is the last stable offset (below every open transaction).
 * A partition named more than once answers INVALID_REQUEST at each mention, as in Kafka: a lookup may
 * read a whole batch, and a small request must not repeat it thousands of times.
 */
import { ApiKey, type ListOffsetsRequest, type ListOffsetsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { IsolationLevel } from '../../protocol/enums.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { storageErrorCode } from '../topic-access.js';

type TopicOut = NonNullable<ListOffsetsResponseInput['topics']>[number];
type PartitionOut = NonNullable<TopicOut['partitions']>[number];

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

export const listOffsetsHandler = defineHandler(ApiKey.ListOffsets, {
  minVersion: 0,
  maxVersion: 10,
  handle(req: ListOffsetsRequest, ctx: RequestContext): ListOffsetsResponseInput {
    const duplicates = duplicatePartitions(req);
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const out = duplicates.has(partitionKey(t.name, p.partitionIndex))
            ? answer(p.partitionIndex, ErrorCode.INVALID_REQUEST)
            : lookup(t.name, p.partitionIndex, p.timestamp, p.currentLeaderEpoch, req.isolationLevel === IsolationLevel.READ_COMMITTED, ctx);
          return ctx.version === 0 ? oldStyle(out, t.name, p.timestamp, p.maxNumOffsets, ctx) : out;
        }),
      })),
    };
  },
});

function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function duplicatePartitions(req: ListOffsetsRequest): Set<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const key = partitionKey(t.name, p.partitionIndex);
      if (seen.has(key)) duplicates.add(key);
      seen.add(key);
    }
  }
  return duplicates;
}

function lookup(topicName: string, partition: number, timestamp: bigint, leaderEpoch: number, readCommitted: boolean, ctx: RequestContext): PartitionOut {
  if (!allowed(ctx, 'DESCRIBE', 'TOPIC', topicName)) return answer(partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  const topic = ctx.broker.store.topic(topicName);
  if (topic === undefined || partition < 0 || partition >= topic.partitions) return answer(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (leaderEpoch > 0) return answer(partition, ErrorCode.UNKNOWN_LEADER_EPOCH);
  try {
    const log = ctx.broker.store.partition(topicName, partition);
    if (timestamp === LATEST) return answer(partition, ErrorCode.NONE, -1, readCommitted ? log.lastStableOffset : log.highWatermark);
    if (timestamp === EARLIEST || timestamp === EARLIEST_LOCAL) return answer(partition, ErrorCode.NONE, -1, log.logStartOffset);
    if (timestamp === LATEST_TIERED) return answer(partition, ErrorCode.NONE, -1, -1);
    if (timestamp === MAX_TIMESTAMP) {
      const found = log.maxTimestampOffset();
      return found === undefined ? answer(partition, ErrorCode.NONE, -1, -1) : answer(partition, ErrorCode.NONE, found.timestamp, found.offset);
    }
    if (timestamp < 0n) return answer(partition, ErrorCode.INVALID_REQUEST);
    const found = log.offsetForTimestamp(Number(timestamp));
    return found === undefined ? answer(partition, ErrorCode.NONE, -1, -1) : answer(partition, ErrorCode.NONE, found.timestamp, found.offset);
  } catch (err) {
    ctx.log.error({ topic: topicName, partition, err }, 'list offsets failed');
    return answer(partition, storageErrorCode(err));
  }
}

/**
 * v0 answers a list of offsets, newest first, at most maxNumOffsets. Kafka 3.x listed segment base
 * offsets chosen by file modification time; here the list holds the one offset the lookup found, and a
 * timestamp after every record answers the high watermark (as Kafka's list then starts with it).
 */
function oldStyle(out: PartitionOut, topic: string, timestamp: bigint, maxNumOffsets: number, ctx: RequestContext): PartitionOut {
  const partition = out.partitionIndex ?? -1;
  let offset = out.offset ?? -1n;
  if (out.errorCode === ErrorCode.NONE && offset < 0n && timestamp >= 0n) offset = BigInt(ctx.broker.store.partition(topic, partition).highWatermark);
  return { ...out, oldStyleOffsets: out.errorCode === ErrorCode.NONE && offset >= 0n && maxNumOffsets > 0 ? [offset] : [] };
}

function answer(partitionIndex: number, errorCode: number, timestamp = -1, offset = -1): PartitionOut {
  // No offset found (offset -1) has no epoch either, as Kafka answers (FINDINGS.md F3).
  return { partitionIndex, errorCode, timestamp: BigInt(timestamp), offset: BigInt(offset), leaderEpoch: errorCode === ErrorCode.NONE && offset >= 0 ? 0 : -1, oldStyleOffsets: [] };
}
