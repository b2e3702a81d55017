/** DescribeTransactions (key 65), v0: the state of each named transactional id (TRANSACTIONAL_ID_NOT_FOUND if unknown). */
import { ApiKey, type DescribeTransactionsRequest, type DescribeTransactionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';

export const describeTransactionsHandler = defineHandler(ApiKey.DescribeTransactions, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: DescribeTransactionsRequest, ctx: RequestContext): DescribeTransactionsResponseInput {
    // An id named twice is answered once: the answer is not multiplied by repetition.
    return {
      throttleTimeMs: 0,
      transactionStates: [...new Set(req.transactionalIds)].map((id) => {
        const d = allowed(ctx, 'DESCRIBE', 'TRANSACTIONAL_ID', id) ? ctx.broker.txn.describe(id) : null;
        if (d === null) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        if (d === undefined) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        return {
          errorCode: ErrorCode.NONE, transactionalId: id, transactionState: d.state, transactionTimeoutMs: d.timeoutMs,
          transactionStartTimeMs: BigInt(d.startMs), producerId: BigInt(d.producerId), producerEpoch: d.producerEpoch,
          topics: d.partitions.map((p) => ({ topic: p.topic, partitions: p.partitions })),
        };
      }),
    };
  },
});
