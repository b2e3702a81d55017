/**
 * The internal topic `__consumer_offsets`: committed offsets and group metadata as Kafka's own records
 * (see records.ts), one uncompressed v2 batch per write, on the partition abs(hash(groupId)) % n.
 * Created at start-up if missing with cleanup.policy=compact. Until storage compacts, it also gets
 * retention.ms=-1 and retention.bytes=-1 so that time/size retention (which does not look at
 * cleanup.policy yet) can never delete a group's latest offsets; the rebuild reads the whole log and
 * keeps the latest value per key, so it is correct with or without compaction.
 */
import type { TopicStore } from '../storage/topic-store.js';
import type { PartitionLog } from '../storage/log.js';
import { buildRecordBatch, readBatchHeader, BATCH_HEADER_BYTES } from '../protocol/record-batch.js';
import { offsetsPartitionFor } from './partitioning.js';
import { recordsOfBatch, type KeyValue } from './records.js';
import type { GroupLogger } from './types.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
const READ_BYTES = 1 << 20;

export interface KeyValueWrite {
  key: Buffer;
  value: Buffer | null;
}

export class OffsetsTopic {
  private constructor(private readonly store: TopicStore, readonly partitions: number, private readonly clock: () => number) {}

  /** Opens the topic, creating it with `wantedPartitions` if missing (an existing topic keeps its count, as in Kafka). */
  static open(store: TopicStore, wantedPartitions: number, log: GroupLogger, clock: () => number = Date.now): OffsetsTopic {
    let topic = store.topic(OFFSETS_TOPIC);
    if (topic === undefined) {
      topic = store.createTopic(OFFSETS_TOPIC, wantedPartitions, { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1' });
      log.info({ topic: OFFSETS_TOPIC, partitions: wantedPartitions }, 'created internal topic');
    } else if (topic.partitions !== wantedPartitions) {
      log.warn({ topic: OFFSETS_TOPIC, partitions: topic.partitions, configured: wantedPartitions }, 'offsets.topic.num.partitions differs from the existing topic; keeping the existing count');
    }
    return new OffsetsTopic(store, topic.partitions, clock);
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitions);
  }

  /** Appends the records as one batch (synchronous: ordered with every other write of the group). */
  append(groupId: string, records: readonly KeyValueWrite[]): PartitionLog {
    const log = this.store.partition(OFFSETS_TOPIC, this.partitionFor(groupId));
    if (records.length === 0) return log;
    const batch = buildRecordBatch({ baseTimestamp: this.clock(), records: records.map((r) => ({ key: r.key, value: r.value })) });
    log.append(batch);
    return log;
  }

  /** Appends and waits for fsync: what OffsetCommit answers after. */
  async appendDurable(groupId: string, records: readonly KeyValueWrite[]): Promise<void> {
    const log = this.append(groupId, records);
    await log.flush();
  }

  /** Every record of every partition, oldest first within a partition (a group lives on one partition). */
  *scan(onBadBatch: (partition: number, offset: number, err: Error) => void): Generator<KeyValue> {
    for (let p = 0; p < this.partitions; p++) {
      const log = this.store.partition(OFFSETS_TOPIC, p);
      let offset = log.logStartOffset;
      const end = log.logEndOffset;
      for (let guard = 0; offset < end && guard < 10_000_000; guard++) {
        const read = log.read(offset, READ_BYTES, { minOneBatch: true });
        if (!read.ok || read.records.length === 0) break;
        const buf = read.records;
        let pos = 0;
        while (pos + BATCH_HEADER_BYTES <= buf.length) {
          const h = readBatchHeader(buf, pos);
          if (pos + h.sizeBytes > buf.length) break;
          try {
            yield* recordsOfBatch(buf, pos);
          } catch (err) {
            onBadBatch(p, h.baseOffset, err as Error);
          }
          offset = h.baseOffset + h.lastOffsetDelta + 1;
          pos += h.sizeBytes;
        }
      }
    }
  }
}
