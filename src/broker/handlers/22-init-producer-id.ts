/**
 * InitProducerId (key 22), v0-5. Without a transactional id (idempotent producers): a producer id never
 * handed out before (src/txn/producer-ids.ts), epoch 0; an existing id asking for a new epoch (KIP-360,
 * v3+) gets a fresh id instead, which fences it just as well. With one: the transaction coordinator
 * bumps the id's epoch (fencing older instances), aborting a transaction the previous instance left open.
 */
import type { InitProducerIdRequest, InitProducerIdResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, allowedIdempotentWrite } from '../authz.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { txnCode } from './txn-common.js';

export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  async handle(req: InitProducerIdRequest, ctx: RequestContext): Promise<InitProducerIdResponseInput> {
    // ACLs: WRITE on the transactional id, or for an idempotent producer IDEMPOTENT_WRITE on the cluster (or WRITE on some topic).
    const denied = req.transactionalId === null ? (allowedIdempotentWrite(ctx) ? 0 : ErrorCode.CLUSTER_AUTHORIZATION_FAILED) : (allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId) ? 0 : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (denied !== 0) return { throttleTimeMs: 0, errorCode: denied, producerId: -1n, producerEpoch: -1 };
    if (req.transactionalId === null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(ctx.broker.producerIds.allocate()), producerEpoch: 0 };
    }
    const r = await ctx.broker.txn.initProducerId(req.transactionalId, req.transactionTimeoutMs, Number(req.producerId), req.producerEpoch);
    return { throttleTimeMs: 0, errorCode: txnCode(r.error, ctx.version, 4), producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
  },
};
