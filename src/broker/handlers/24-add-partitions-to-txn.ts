/**
 * AddPartitionsToTxn (key 24), v0-5: partitions join the producer's transaction (v0-3, clients), or
 * many transactions are handled at once, each optionally VerifyOnly (v4+, what brokers send under KIP-890).
 * A request naming an unknown partition adds nothing: that one gets UNKNOWN_TOPIC_OR_PARTITION, the
 * others OPERATION_NOT_ATTEMPTED, as in Kafka.
 */
import { ApiKey, type AddPartitionsToTxnRequest, type AddPartitionsToTxnResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { txnCode } from './txn-common.js';

type TopicIn = AddPartitionsToTxnRequest['v3AndBelowTopics'];

export const addPartitionsToTxnHandler = defineHandler(ApiKey.AddPartitionsToTxn, {
  minVersion: 0,
  maxVersion: 5,
  async handle(req: AddPartitionsToTxnRequest, ctx: RequestContext): Promise<AddPartitionsToTxnResponseInput> {
    const one = async (id: string, producerId: bigint, epoch: number, topics: TopicIn, verifyOnly: boolean) => {
      // ACLs as Kafka: WRITE on the transactional id, then WRITE on each topic (the others are not attempted).
      const all = (f: (topic: string) => number) => topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: f(t.name) })) }));
      if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', id)) return all(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      const deniedTopics = new Set(topics.filter((t) => !allowed(ctx, 'WRITE', 'TOPIC', t.name)).map((t) => t.name));
      if (deniedTopics.size > 0) return all((name) => (deniedTopics.has(name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED));
      const result = await ctx.broker.txn.addPartitions(id, Number(producerId), epoch, topics.map((t) => ({ topic: t.name, partitions: t.partitions })), verifyOnly);
      return [...result].map(([name, parts]) => ({
        name,
        resultsByPartition: [...parts].map(([partitionIndex, e]) => ({ partitionIndex, partitionErrorCode: txnCode(e, ctx.version, 2) })),
      }));
    };
    if (ctx.version < 4) {
      const results = await one(req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, false);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: results };
    }
    const resultsByTransaction = [];
    for (const t of req.transactions) {
      resultsByTransaction.push({ transactionalId: t.transactionalId, topicResults: await one(t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly) });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] };
  },
});
