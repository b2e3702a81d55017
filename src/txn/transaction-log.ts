/**
 * The internal topic `__transaction_state`: one record per change of a transactional id's state, in
 * Kafka's format (key TransactionLogKey v0, value TransactionLogValue v1; schemas/txn-records.ts), on
 * the partition abs(hashCode(transactionalId)) % n. Created on first use with cleanup.policy=compact
 * and no time/size retention, as Kafka does; the latest value per key is the state. A write is
 * answered only after fsync: the coordinator's word to a client must survive a crash.
 */
import type { TopicStore } from '../storage/topic-store.js';
import { buildRecordBatch, readBatchHeader, BATCH_HEADER_BYTES } from '../protocol/record-batch.js';
import { decodeTxnLogKey, decodeTxnLogValue, encodeTxnLogKey, encodeTxnLogValue, type TransactionLogValue, type TransactionLogValueInput } from '../protocol/txn-records.js';
import { ProtocolDecodeError } from '../protocol/errors.js';
import { offsetsPartitionFor } from '../group/partitioning.js';
import { keyValuesOfBatch, RecordsError } from '../protocol/records.js';
import type { GroupLogger } from '../group/types.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
const READ_BYTES = 1 << 20;

export class TransactionLog {
  private created: boolean;

  constructor(private readonly store: TopicStore, readonly partitions: number, private readonly clock: () => number, private readonly log: GroupLogger) {
    const topic = store.topic(TRANSACTION_STATE_TOPIC);
    this.created = topic !== undefined;
    if (topic !== undefined) this.partitions = topic.partitions; // an existing topic keeps its count
  }

  partitionFor(transactionalId: string): number {
    return offsetsPartitionFor(transactionalId, this.partitions);
  }

  private ensureCreated(): void {
    if (this.created) return;
    if (this.store.topic(TRANSACTION_STATE_TOPIC) === undefined) {
      this.store.createTopic(TRANSACTION_STATE_TOPIC, this.partitions, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1' });
      this.log.info({ topic: TRANSACTION_STATE_TOPIC, partitions: this.partitions }, 'created internal topic');
    }
    this.created = true;
  }

  /** Appends the new state (null: the id is forgotten) and waits for fsync. */
  async write(transactionalId: string, value: TransactionLogValueInput | null): Promise<void> {
    this.ensureCreated();
    const log = this.store.partition(TRANSACTION_STATE_TOPIC, this.partitionFor(transactionalId));
    const record = { key: encodeTxnLogKey(transactionalId), value: value === null ? null : encodeTxnLogValue(value) };
    log.append(buildRecordBatch({ baseTimestamp: this.clock(), records: [record] }), { origin: 'coordinator' });
    await log.flush();
  }

  /** The latest state of every transactional id; records that do not decode are skipped and logged (never trusted). */
  load(): Map<string, TransactionLogValue> {
    const out = new Map<string, TransactionLogValue>();
    if (!this.created) return out;
    let skipped = 0;
    for (let p = 0; p < this.partitions; p++) {
      const log = this.store.partition(TRANSACTION_STATE_TOPIC, p);
      let offset = log.logStartOffset;
      const end = log.logEndOffset;
      while (offset < end) {
        const read = log.read(offset, READ_BYTES, { minOneBatch: true });
        if (!read.ok || read.records.length === 0) break;
        const buf = read.records;
        for (let pos = 0; pos + BATCH_HEADER_BYTES <= buf.length; ) {
          const h = readBatchHeader(buf, pos);
          if (pos + h.sizeBytes > buf.length) break;
          try {
            for (const r of keyValuesOfBatch(buf, pos)) {
              const id = r.key === null ? undefined : decodeTxnLogKey(r.key);
              if (id === undefined) {
                skipped += 1;
                continue;
              }
              if (r.value === null) out.delete(id);
              else out.set(id, decodeTxnLogValue(r.value));
            }
          } catch (err) {
            if (!(err instanceof ProtocolDecodeError || err instanceof RecordsError || err instanceof RangeError)) throw err;
            skipped += 1;
          }
          offset = h.baseOffset + h.lastOffsetDelta + 1;
          pos += h.sizeBytes;
        }
      }
    }
    if (skipped > 0) this.log.warn({ topic: TRANSACTION_STATE_TOPIC, skipped }, 'skipped records of __transaction_state that do not decode');
    return out;
  }
}
