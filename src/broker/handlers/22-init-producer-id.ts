/**
 * InitProducerId (key 22), v0-5. Without a transactional id (idempotent producers): a producer id never
 * handed out before (src/txn/producer-ids.ts), epoch 0; an existing id asking for a new epoch (KIP-360,
 * v3+) gets a fresh id instead, which fences it just as well.
 * Not implemented: transactional ids (COORDINATOR_NOT_AVAILABLE, as from a broker with no transaction coordinator).
 */
import type { InitProducerIdRequest, InitProducerIdResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  handle(req: InitProducerIdRequest, ctx: RequestContext): InitProducerIdResponseInput {
    if (req.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(ctx.broker.producerIds.allocate()), producerEpoch: 0 };
  },
};
