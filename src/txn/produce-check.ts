/**
 * Produce of transactional batches: the partition must have been added to the producer's ongoing
 * transaction (AddPartitionsToTxn) by this epoch, else INVALID_TXN_STATE, as Kafka answers since
 * KIP-890 part 1. Without this check, data written outside a transaction would never get a marker and
 * would hold the partition's last stable offset until the producer id expires.
 */
import { batchSizeAt, isTransactionalBatch, readBatchProducerFields } from '../protocol/record-batch.js';
import type { TransactionCoordinator } from './coordinator.js';

/** Why these batches may not be appended to topic/partition, or undefined if they may. */
export function transactionalProduceProblem(records: Buffer, topic: string, partition: number, txn: TransactionCoordinator): string | undefined {
  for (let pos = 0; pos < records.length; pos += batchSizeAt(records, pos)) {
    const h = readBatchProducerFields(records, pos);
    if (!isTransactionalBatch(h.attributes)) continue;
    if (!txn.partitionInTxn(h.producerId, h.producerEpoch, topic, partition)) {
      return `producer ${h.producerId} epoch ${h.producerEpoch} has no ongoing transaction holding this partition`;
    }
  }
  return undefined;
}
