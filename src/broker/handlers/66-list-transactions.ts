/**
 * ListTransactions (key 66), v0-1: transactional ids filtered by state names and producer ids (empty:
 * all), and from v1 by how long they have been running (DurationFilter, ms; -1: no filter).
 * State names we do not know are echoed back in UnknownStateFilters, as Kafka does.
 */
import { ApiKey, type ListTransactionsRequest, type ListTransactionsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { TXN_STATUS_NAMES } from '../../protocol/txn-records.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';

export const listTransactionsHandler = defineHandler(ApiKey.ListTransactions, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: ListTransactionsRequest, ctx: RequestContext): ListTransactionsResponseInput {
    const states = [...new Set(req.stateFilters)];
    const unknown = states.filter((s) => !TXN_STATUS_NAMES.includes(s));
    const known = states.filter((s) => TXN_STATUS_NAMES.includes(s));
    if (states.length > 0 && known.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters: unknown, transactionStates: [] };
    // Only the ids the principal may DESCRIBE are listed, as in Kafka.
    const listed = ctx.broker.txn.list(known, [...new Set(req.producerIdFilters)].map(Number), Number(req.durationFilter))
      .filter((t) => allowed(ctx, 'DESCRIBE', 'TRANSACTIONAL_ID', t.transactionalId));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: unknown,
      transactionStates: listed.map((t) => ({ transactionalId: t.transactionalId, producerId: BigInt(t.producerId), transactionState: t.state })),
    };
  },
});
