/**
 * EndTxn (key 26), v0-4: commits or aborts the producer's transaction; answered once the markers are
 * durable in every partition of the transaction. A retry of a completed EndTxn answers NONE.
 * Not implemented: v5 (transaction.version 2, an epoch bump per transaction; not advertised, KIP-890).
 */
import { ApiKey, type EndTxnRequest, type EndTxnResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { txnCode } from './txn-common.js';

export const endTxnHandler = defineHandler(ApiKey.EndTxn, {
  minVersion: 0,
  maxVersion: 4,
  async handle(req: EndTxnRequest, ctx: RequestContext): Promise<EndTxnResponseInput> {
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    const e = await ctx.broker.txn.endTxn(req.transactionalId, Number(req.producerId), req.producerEpoch, req.committed);
    return { throttleTimeMs: 0, errorCode: txnCode(e, ctx.version, 2) };
  },
});
