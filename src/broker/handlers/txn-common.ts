/** Shared by the transaction handlers: coordinator error names → Kafka codes, with the codes old versions know. */
import { ErrorCode } from '../../protocol/errors.js';
import type { TxnErrorName } from '../../txn/coordinator.js';

/**
 * PRODUCER_FENCED exists from a version on per API (InitProducerId v4, AddPartitionsToTxn, AddOffsetsToTxn
 * and EndTxn v2, TxnOffsetCommit v3); older clients get INVALID_PRODUCER_EPOCH, as Kafka answers them.
 */
export function txnCode(name: TxnErrorName, version: number, fencedFrom: number): number {
  if (name === 'PRODUCER_FENCED' && version < fencedFrom) return ErrorCode.INVALID_PRODUCER_EPOCH;
  return ErrorCode[name];
}
