// What an append does to the bytes it is given before they reach the active segment: checks the
// batch framing (or all of each batch, for callers that did not validate), walks the records under
// the log's records policy, and assigns offsets by rewriting baseOffset (and the leader epoch, and
// maxTimestamp under LogAppendTime) in place (invariant 1).
import { BATCH_HEADER_BYTES, batchLastOffsetDeltaAt, batchSizeAt, setBaseOffset, setMaxTimestampLogAppendTime, setPartitionLeaderEpoch, validateRecordBatches } from '../protocol/record-batch.js';
import { checkRecordsSync } from '../protocol/records-check.js';
import { RecordsError, type RecordsPolicy } from '../protocol/records.js';
import { StorageError } from './errors.js';
import type { LogConfig } from './log-types.js';

/** What every batch's records must satisfy in a log with `config`: keys on compacted logs, bounded decompression. */
export function recordsPolicyOf(config: LogConfig): RecordsPolicy {
  const bytesMax = config.decompressedBytesMax;
  return { requireKeys: config.cleanupPolicy.compact, decompressedBytesMax: bytesMax, recordBytesMax: bytesMax };
}

/**
 * Returns how many offsets the buffer takes; throws a StorageError naming the Kafka error.
 * `validated`: the caller already ran validateRecordBatches, only the framing is checked again.
 */
export function checkBatches(batches: Buffer, validated: boolean): number {
  if (!validated) {
    const result = validateRecordBatches(batches);
    if (!result.ok) throw new StorageError(result.error, `batch ${result.batchIndex}: ${result.message}`);
    return result.offsetCount;
  }
  let count = 0;
  for (let pos = 0; pos < batches.length; ) {
    if (batches.length - pos < BATCH_HEADER_BYTES) throw new StorageError('CORRUPT_MESSAGE', `batch at ${pos}: truncated`);
    const sizeBytes = batchSizeAt(batches, pos);
    if (sizeBytes < BATCH_HEADER_BYTES || pos + sizeBytes > batches.length) {
      throw new StorageError('CORRUPT_MESSAGE', `batch at ${pos}: bad length`);
    }
    count += batchLastOffsetDeltaAt(batches, pos) + 1;
    pos += sizeBytes;
  }
  if (count === 0) throw new StorageError('CORRUPT_MESSAGE', 'empty record set');
  return count;
}

/** Walks the records of batches no one checked (internal writers): the produce path checks them off the loop first. */
export function checkRecords(batches: Buffer, policy: RecordsPolicy): void {
  try {
    checkRecordsSync(batches, policy);
  } catch (err) {
    if (err instanceof RecordsError) throw new StorageError(err.code, err.message);
    throw err;
  }
}

/** Rewrites each batch's baseOffset from `first` on (and its leader epoch, and LogAppendTime); returns the next offset. */
export function assignOffsets(buf: Buffer, first: number, leaderEpoch: number | undefined, logAppendTimeMs: number | undefined): number {
  let next = first;
  for (let pos = 0; pos < buf.length; ) {
    const offsets = batchLastOffsetDeltaAt(buf, pos) + 1;
    if (!Number.isSafeInteger(next + offsets - 1)) throw new RangeError('offset overflow');
    setBaseOffset(buf, pos, next);
    if (leaderEpoch !== undefined) setPartitionLeaderEpoch(buf, pos, leaderEpoch);
    if (logAppendTimeMs !== undefined) setMaxTimestampLogAppendTime(buf, pos, logAppendTimeMs);
    next += offsets;
    pos += batchSizeAt(buf, pos);
  }
  return next;
}
