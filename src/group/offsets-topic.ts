/**
 * The internal topic `__consumer_offsets`: committed offsets and group metadata as Kafka's own records
 * (src/protocol/offsets-records.ts), one uncompressed v2 batch per write, on the partition abs(hash(groupId)) % n.
 * Created on the first write (a commit or a group's first generation), as Kafka creates it on first
 * use: a broker that serves no group never has it, and start-up on an empty data dir writes nothing.
 * It gets cleanup.policy=compact, plus retention.ms=-1 and retention.bytes=-1 so that time/size
 * retention can never delete a group's latest offsets; the rebuild reads the whole log and keeps the
 * latest value per key, so it is correct with or without compaction.
 */
import type { TopicStore } from '../storage/topic-store.js';
import type { PartitionLog } from '../storage/log.js';
import { buildRecordBatch, readBatchHeader, BATCH_HEADER_BYTES, isControlBatch, isTransactionalBatch } from '../protocol/record-batch.js';
import { ATTR_TRANSACTIONAL, CONTROL_COMMIT, controlBatchType } from '../protocol/txn-records.js';
import { offsetsPartitionFor } from './partitioning.js';
import { keyValuesOfBatch, type KeyValue } from '../protocol/records.js';
import type { GroupLogger } from './types.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
const READ_BYTES = 1 << 20;

export interface KeyValueWrite {
  key: Buffer;
  value: Buffer | null;
}

/** The producer of a transactional write (TxnOffsetCommit). */
export interface TxnProducer {
  producerId: number;
  producerEpoch: number;
}

/** A record of a transaction with no marker yet in the log: yielded last by scan, flagged with its producer. */
export interface PendingTxnRecord extends KeyValue {
  pendingProducerId: number;
}

export class OffsetsTopic {
  private constructor(
    private readonly store: TopicStore,
    readonly partitions: number,
    private readonly clock: () => number,
    private readonly log: GroupLogger,
    private created: boolean,
  ) {}

  /** Opens the topic if it exists (an existing topic keeps its count, as in Kafka); else it is created with `wantedPartitions` on first write. */
  static open(store: TopicStore, wantedPartitions: number, log: GroupLogger, clock: () => number = Date.now): OffsetsTopic {
    const topic = store.topic(OFFSETS_TOPIC);
    if (topic !== undefined && topic.partitions !== wantedPartitions) {
      log.warn({ topic: OFFSETS_TOPIC, partitions: topic.partitions, configured: wantedPartitions }, 'offsets.topic.num.partitions differs from the existing topic; keeping the existing count');
    }
    return new OffsetsTopic(store, topic?.partitions ?? wantedPartitions, clock, log, topic !== undefined);
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitions);
  }

  /** Creates the topic if it does not exist yet (first write, or FindCoordinator as in Kafka). */
  ensureCreated(): void {
    if (this.created) return;
    if (this.store.topic(OFFSETS_TOPIC) === undefined) {
      this.store.createTopic(OFFSETS_TOPIC, this.partitions, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1' });
      this.log.info({ topic: OFFSETS_TOPIC, partitions: this.partitions }, 'created internal topic');
    }
    this.created = true;
  }

  /** Appends the records as one batch (synchronous: ordered with every other write of the group). */
  append(groupId: string, records: readonly KeyValueWrite[], txn?: TxnProducer): PartitionLog {
    this.ensureCreated();
    const log = this.store.partition(OFFSETS_TOPIC, this.partitionFor(groupId));
    if (records.length === 0) return log;
    const producer = txn === undefined ? {} : { attributes: ATTR_TRANSACTIONAL, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
    const batch = buildRecordBatch({ baseTimestamp: this.clock(), ...producer, records: records.map((r) => ({ key: r.key, value: r.value })) });
    log.append(batch, { origin: 'coordinator' });
    return log;
  }

  /** Appends and waits for fsync: what OffsetCommit answers after. */
  async appendDurable(groupId: string, records: readonly KeyValueWrite[], txn?: TxnProducer): Promise<void> {
    const log = this.append(groupId, records, txn);
    await log.flush();
  }

  /**
   * Every record of every partition, oldest first within a partition (a group lives on one partition).
   * Records of a transaction are yielded where its commit marker is (dropped at an abort marker); those
   * of a transaction still open come last, flagged with their producer id.
   */
  *scan(onBadBatch: (partition: number, offset: number, err: Error) => void): Generator<KeyValue | PendingTxnRecord> {
    if (!this.created) return;
    for (let p = 0; p < this.partitions; p++) {
      const log = this.store.partition(OFFSETS_TOPIC, p);
      let offset = log.logStartOffset;
      const end = log.logEndOffset;
      const open = new Map<number, KeyValue[]>();
      for (let guard = 0; offset < end && guard < 10_000_000; guard++) {
        const read = log.read(offset, READ_BYTES, { minOneBatch: true });
        if (!read.ok || read.records.length === 0) break;
        const buf = read.records;
        let pos = 0;
        while (pos + BATCH_HEADER_BYTES <= buf.length) {
          const h = readBatchHeader(buf, pos);
          if (pos + h.sizeBytes > buf.length) break;
          try {
            if (!isTransactionalBatch(h.attributes)) yield* keyValuesOfBatch(buf, pos);
            else if (!isControlBatch(h.attributes)) {
              const pending = open.get(h.producerId) ?? open.set(h.producerId, []).get(h.producerId)!;
              for (const r of keyValuesOfBatch(buf, pos)) pending.push(r);
            }
            else if (h.recordCount > 0) { // an empty control batch is a marker the cleaner emptied: it ends nothing
              const records = open.get(h.producerId) ?? [];
              open.delete(h.producerId);
              if (controlBatchType(buf, pos) === CONTROL_COMMIT) yield* records;
            }
          } catch (err) {
            onBadBatch(p, h.baseOffset, err as Error);
          }
          offset = h.baseOffset + h.lastOffsetDelta + 1;
          pos += h.sizeBytes;
        }
      }
      // The cleaner removes a commit marker once its transaction's batches are in other segments (as Kafka's
      // does; abort markers go only after their data): records before the producer's open transaction are committed.
      for (const [producerId, records] of open) {
        const openFrom = log.producers.entry(producerId)?.currentTxnFirstOffset ?? -1;
        for (const r of records) yield openFrom >= 0 && r.offset >= openFrom ? { ...r, pendingProducerId: producerId } : r;
      }
    }
  }
}
