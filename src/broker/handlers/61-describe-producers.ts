/**
 * DescribeProducers (key 61), v0: the active idempotent and transactional producers of each named
 * partition, from the partition's producer state (src/storage/producer-state.ts): id, epoch, last
 * sequence of its newest batch and that batch's maxTimestamp, as Kafka answers (the client's
 * CreateTime, or the broker's append time on a LogAppendTime topic; -1 when none), coordinator epoch,
 * and the first offset of its open transaction (-1 when none). As in Kafka: READ on the topic (else TOPIC_AUTHORIZATION_FAILED for every
 * partition named), UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that does not exist. A topic or
 * partition named twice is answered once.
 */
import { ApiKey, type DescribeProducersRequest, type DescribeProducersResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { storageErrorCode } from '../topic-access.js';

type TopicOut = NonNullable<DescribeProducersResponseInput['topics']>[number];
type PartitionOut = NonNullable<TopicOut['partitions']>[number];

export const describeProducersHandler = defineHandler(ApiKey.DescribeProducers, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: DescribeProducersRequest, ctx: RequestContext): DescribeProducersResponseInput {
    const wanted = new Map<string, Set<number>>();
    for (const t of req.topics) {
      const set = wanted.get(t.name) ?? new Set<number>();
      for (const p of t.partitionIndexes) set.add(p);
      wanted.set(t.name, set);
    }
    return {
      throttleTimeMs: 0,
      topics: [...wanted].map(([name, partitions]): TopicOut => ({ name, partitions: describeTopic(name, [...partitions], ctx) })),
    };
  },
});

function describeTopic(name: string, partitions: number[], ctx: RequestContext): PartitionOut[] {
  if (!allowed(ctx, 'READ', 'TOPIC', name)) return partitions.map((p) => failed(p, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
  const topic = ctx.broker.store.topic(name);
  return partitions.map((p): PartitionOut => {
    if (topic === undefined || p < 0 || p >= topic.partitions) return failed(p, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    try {
      const producers = ctx.broker.store.partition(name, p).producers;
      return {
        partitionIndex: p, errorCode: ErrorCode.NONE, errorMessage: null,
        activeProducers: [...producers.allEntries()].map((e) => {
          const last = e.batches[e.batches.length - 1];
          return {
            producerId: BigInt(e.producerId), producerEpoch: e.epoch, lastSequence: last?.lastSeq ?? -1,
            lastTimestamp: BigInt(last?.timestampMs ?? -1), coordinatorEpoch: e.coordinatorEpoch,
            currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
          };
        }),
      };
    } catch (err) {
      ctx.log.error({ topic: name, partition: p, err }, 'describe producers failed');
      return failed(p, storageErrorCode(err));
    }
  });
}

function failed(partitionIndex: number, errorCode: number): PartitionOut {
  return { partitionIndex, errorCode, errorMessage: null, activeProducers: [] };
}
