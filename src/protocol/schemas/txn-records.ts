// Record formats of exactly-once that are not requests: the `__transaction_state` key and value
// (Kafka's TransactionLogKey v0 / TransactionLogValue v0-1), the control record key and the
// EndTxnMarker value of commit/abort markers, and the producer-state snapshot file (Kafka's v1
// layout). Each travels after an int16 version written by src/protocol/txn-records.ts.
import { arrayOf, field, message, struct } from './types.js';

export const TransactionLogKey = message(-1, 'TransactionLogKey', 'header', '0', 'none', [
  field('transactionalId', 'string', '0+'),
]);

export const TransactionLogValue = message(-1, 'TransactionLogValue', 'header', '0-1', '1+', [
  field('producerId', 'int64', '0+'),
  field('previousProducerId', 'int64', '1+', { tag: 0, tagged: '1+', default: -1n }),
  field('nextProducerId', 'int64', '1+', { tag: 1, tagged: '1+', default: -1n }),
  field('producerEpoch', 'int16', '0+'),
  field('transactionTimeoutMs', 'int32', '0+'),
  field('transactionStatus', 'int8', '0+'),
  field('transactionPartitions', arrayOf(struct('Partitions', [
    field('topic', 'string', '0+'),
    field('partitionIds', arrayOf('int32'), '0+'),
  ])), '0+', { nullable: '0+' }),
  field('transactionLastUpdateTimestampMs', 'int64', '0+'),
  field('transactionStartTimestampMs', 'int64', '0+'),
  field('clientTransactionVersion', 'int16', '1+', { tag: 2, tagged: '1+', default: 0 }),
]);

/** Key of every record in a control batch: type 0 = abort marker, 1 = commit marker. */
export const ControlRecordKey = message(-1, 'ControlRecordKey', 'header', '0', 'none', [
  field('type', 'int16', '0+'),
]);

/** Value of a commit or abort marker. */
export const EndTxnMarkerValue = message(-1, 'EndTxnMarkerValue', 'header', '0', 'none', [
  field('coordinatorEpoch', 'int32', '0+'),
]);

/**
 * `<offset>.snapshot` in a partition dir, after an int16 version (1) and a uint32 CRC32C of the
 * bytes that follow it. Kafka writes one entry per producer (its last batch); we write one per
 * remembered batch (up to 5 per producer, oldest first) so deduplication survives a restart whole.
 */
export const ProducerSnapshot = message(-1, 'ProducerSnapshot', 'header', '1', 'none', [
  field('producerEntries', arrayOf(struct('ProducerSnapshotEntry', [
    field('producerId', 'int64', '1+'),
    field('epoch', 'int16', '1+'),
    field('lastSequence', 'int32', '1+'),
    field('lastOffset', 'int64', '1+'),
    field('offsetDelta', 'int32', '1+'),
    field('timestamp', 'int64', '1+'),
    field('coordinatorEpoch', 'int32', '1+'),
    field('currentTxnFirstOffset', 'int64', '1+'),
  ])), '1+'),
]);
