/** AddOffsetsToTxn (key 25), v0-4: the group's `__consumer_offsets` partition joins the producer's transaction. */
import { ApiKey, type AddOffsetsToTxnRequest, type AddOffsetsToTxnResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { txnCode } from './txn-common.js';

export const addOffsetsToTxnHandler = defineHandler(ApiKey.AddOffsetsToTxn, {
  minVersion: 0,
  maxVersion: 4,
  async handle(req: AddOffsetsToTxnRequest, ctx: RequestContext): Promise<AddOffsetsToTxnResponseInput> {
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!allowed(ctx, 'READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const e = await ctx.broker.txn.addOffsets(req.transactionalId, Number(req.producerId), req.producerEpoch, req.groupId);
    return { throttleTimeMs: 0, errorCode: txnCode(e, ctx.version, 2) };
  },
});
