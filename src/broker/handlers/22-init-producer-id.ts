/**
 * InitProducerId (key 22), v0-5, for idempotent producers (no transactional id): hands out a fresh producer id.
 * Ids start from the start-up time in microseconds, so they do not repeat across restarts.
 * Not implemented: transactions (a transactional id gets COORDINATOR_NOT_AVAILABLE, as from a broker with no
 * transaction coordinator) and sequence-number deduplication (batches are accepted as they come).
 */
import type { InitProducerIdRequest, InitProducerIdResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

let nextProducerId = Date.now() * 1000;

export const initProducerIdHandler: ApiHandler = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  handle(req: InitProducerIdRequest, _ctx: RequestContext): InitProducerIdResponseInput {
    if (req.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    }
    // An existing id asking for a new epoch (KIP-360) gets a fresh id instead: equally fenced, simpler.
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(nextProducerId++), producerEpoch: 0 };
  },
};
