/**
 * Produce of transactional batches: the partition must have been added to the producer's ongoing
 * transaction (AddPartitionsToTxn) by this epoch, else INVALID_TXN_STATE, as Kafka answers since
 * KIP-890 part 1. Without this check, data written outside a transaction would never get a marker and
 * would hold the partition's last stable offset until the producer id expires. A batch from an epoch
 * older than the transactional id's current one is fenced: Kafka's verification gets PRODUCER_FENCED
 * from the coordinator and answers the Produce INVALID_PRODUCER_EPOCH (which clients of every version
 * know; the Java client raises it from the send as InvalidProducerEpochException).
 */
import { batchSizeAt, isTransactionalBatch, readBatchProducerFields } from '../protocol/record-batch.js';
import { ErrorCode } from '../protocol/errors.js';
import type { TransactionCoordinator } from './coordinator.js';

/** Why these batches may not be appended to topic/partition (the Kafka error code and a message), or undefined if they may. */
export function transactionalProduceProblem(records: Buffer, topic: string, partition: number, txn: TransactionCoordinator): { code: number; message: string } | undefined {
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    const h = readBatchProducerFields(records, pos);
    if (!isTransactionalBatch(h.attributes)) continue;
    const current = txn.currentEpoch(h.producerId);
    if (current !== undefined && h.producerEpoch < current) {
      return { code: ErrorCode.INVALID_PRODUCER_EPOCH, message: `producer ${h.producerId} epoch ${h.producerEpoch} is fenced by epoch ${current}` };
    }
    if (!txn.partitionInTxn(h.producerId, h.producerEpoch, topic, partition)) {
      return { code: ErrorCode.INVALID_TXN_STATE, message: `producer ${h.producerId} epoch ${h.producerEpoch} has no ongoing transaction holding this partition` };
    }
  }
  return undefined;
}
