/**
 * InitProducerId (key 22), v0-5. Without a transactional id (idempotent producers): a producer id never
 * handed out before (src/txn/producer-ids.ts), epoch 0; an existing id asking for a new epoch (KIP-360,
 * v3+) gets a fresh id instead, which fences it just as well. With one: the transaction coordinator
 * bumps the id's epoch (fencing older instances), aborting a transaction the previous instance left open.
 */
import { ApiKey, type InitProducerIdRequest, type InitProducerIdResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, allowedIdempotentWrite } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { txnCode } from './txn-common.js';

export const initProducerIdHandler = defineHandler(ApiKey.InitProducerId, {
  minVersion: 0,
  maxVersion: 5,
  async handle(req: InitProducerIdRequest, ctx: RequestContext): Promise<InitProducerIdResponseInput> {
    const denied = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 });
    if (req.transactionalId === null) {
      if (!allowedIdempotentWrite(ctx)) return denied(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(ctx.broker.producerIds.allocate()), producerEpoch: 0 };
    }
    if (!allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return denied(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const r = await ctx.broker.txn.initProducerId(req.transactionalId, req.transactionTimeoutMs, Number(req.producerId), req.producerEpoch);
    return { throttleTimeMs: 0, errorCode: txnCode(r.error, ctx.version, 4), producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
  },
});
