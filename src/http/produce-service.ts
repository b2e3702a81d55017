// Produce for the REST proxy: the broker chooses partitions (murmur2 of the key bytes, as Kafka's Java
// client and ours; KIP-480 sticky without a key), builds v2 batches, appends them through the same
// storage path as the Kafka Produce handler and acknowledges after fsync (acks=all, unless
// minikafka.flush.on.acks.all=false).
import { StickyPartitioner, partitionForKey } from '../partitioner.js';
import { buildRecordBatch, type RecordInput } from '../protocol/record-batch.js';
import { ErrorCode, errorName } from '../protocol/errors.js';
import { INTERNAL_TOPICS, lookupOrCreateTopic, storageErrorCode } from '../broker/topic-access.js';
import type { BrokerState } from '../broker/state.js';
import type { Topic } from '../storage/topic-store.js';
import { HttpError, clip, partitionNotFound, topicNotFound } from './errors.js';
import type { HttpRecord } from './record-json.js';
import type { HttpAccess } from './auth.js';

export interface Delivered {
  ok: true;
  partition: number;
  offset: number;
  timestampMs: number;
}

export interface Refused {
  ok: false;
  status: number;
  errorCode: number;
  message: string;
}

export type Outcome = Delivered | Refused;

/** Bytes one record adds to a batch at most beyond its key, value and headers (lengths, deltas, attributes). */
const RECORD_OVERHEAD_BYTES = 32;
const BATCH_OVERHEAD_BYTES = 61;

export class ProduceService {
  private readonly sticky = new StickyPartitioner();

  constructor(private readonly broker: BrokerState) {}

  /**
   * The topic for a produce, created if the broker auto-creates; an HttpError otherwise. Produce's ACL
   * first (WRITE on the topic, whether it exists or not, as Kafka answers TOPIC_AUTHORIZATION_FAILED),
   * then auto-creation's (CREATE on the cluster or the topic; without it an unknown topic is a 404).
   */
  topic(name: string, access: HttpAccess): Topic {
    access.require('WRITE', 'TOPIC', name);
    if (INTERNAL_TOPICS.has(name)) throw new HttpError(403, `Topic ${name} is internal: only the broker writes to it.`, 40301);
    // One HTTP request is one scope of the per-request auto-create bound.
    const t = lookupOrCreateTopic(this.broker, name, this.broker.store.topic(name) !== undefined || access.canCreateTopic(name), { log: this.broker.log });
    if (typeof t !== 'number') return t;
    if (t === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw topicNotFound(name);
    throw new HttpError(400, `Topic ${clip(name)}: ${errorName(t)}.`, 400);
  }

  /** Appends records (in order per partition); one outcome per record, in the order given. */
  async produce(topicName: string, records: readonly HttpRecord[], access: HttpAccess): Promise<Outcome[]> {
    const topic = this.topic(topicName, access);
    const outcomes: Outcome[] = new Array(records.length);
    const byPartition = new Map<number, number[]>();
    records.forEach((r, i) => {
      const p = r.partition ?? this.sticky.partition(topic.name, r.key, topic.partitions);
      if (r.partition !== undefined && (!Number.isSafeInteger(p) || p < 0 || p >= topic.partitions)) {
        const e = partitionNotFound(topic.name, p);
        outcomes[i] = { ok: false, status: e.status, errorCode: e.errorCode, message: e.message };
        return;
      }
      const list = byPartition.get(p) ?? [];
      list.push(i);
      byPartition.set(p, list);
    });
    for (const p of byPartition.keys()) if (records[byPartition.get(p)![0]!]!.key === null) this.sticky.onNewBatch(topic.name, topic.partitions, p);
    const batchBytesMax = Number(topic.configs['max.message.bytes'] ?? this.broker.limits.batchBytesMax);
    const logs = new Set<ReturnType<BrokerState['store']['partition']>>();
    const now = Date.now();
    for (const [partition, indexes] of byPartition) {
      let log: ReturnType<BrokerState['store']['partition']>;
      try {
        log = this.broker.store.partition(topic.name, partition);
      } catch (err) {
        // A log that does not open (EMFILE, a disk error) fails its records, not the whole request.
        const code = storageErrorCode(err);
        this.broker.log.error({ topic: topic.name, partition, err }, 'REST produce: partition did not open');
        for (const i of indexes) outcomes[i] = { ok: false, status: 500, errorCode: 500, message: `${errorName(code)}: ${clip((err as Error).message)}` };
        continue;
      }
      for (const chunk of chunksUnder(indexes, records, batchBytesMax, outcomes)) {
        const baseTimestamp = Math.min(...chunk.map((i) => records[i]!.timestampMs ?? now));
        const batch = buildRecordBatch({
          baseTimestamp,
          records: chunk.map((i): RecordInput => ({
            key: records[i]!.key, value: records[i]!.value, headers: records[i]!.headers,
            timestampDelta: (records[i]!.timestampMs ?? now) - baseTimestamp,
          })),
        });
        try {
          const appended = log.append(batch, { leaderEpoch: 0 });
          chunk.forEach((i, n) => {
            outcomes[i] = { ok: true, partition, offset: appended.baseOffset + n, timestampMs: appended.logAppendTimeMs >= 0 ? appended.logAppendTimeMs : records[i]!.timestampMs ?? now };
          });
          logs.add(log);
        } catch (err) {
          const code = storageErrorCode(err);
          // A record refused by the topic's own settings (a keyless record on a compacted topic: INVALID_RECORD)
          // is well-formed and conflicts with the topic's state: 409. Anything else a client sent: 400.
          const status = code === ErrorCode.KAFKA_STORAGE_ERROR ? 500 : code === ErrorCode.INVALID_RECORD ? 409 : 400;
          if (status === 500) this.broker.log.error({ topic: topic.name, partition, err }, 'REST append failed');
          for (const i of chunk) outcomes[i] = { ok: false, status, errorCode: status, message: `${errorName(code)}: ${clip((err as Error).message)}` };
        }
      }
    }
    if (this.broker.config.bool('minikafka.flush.on.acks.all')) {
      const results = await Promise.allSettled([...logs].map((log) => log.flush()));
      if (results.some((r) => r.status === 'rejected')) {
        this.broker.log.error({ topic: topic.name }, 'REST produce: fsync failed');
        for (let i = 0; i < outcomes.length; i++) {
          if (outcomes[i]?.ok) outcomes[i] = { ok: false, status: 500, errorCode: 500, message: 'KAFKA_STORAGE_ERROR: fsync failed' };
        }
      }
    }
    return outcomes;
  }
}

const recordBytes = (r: HttpRecord): number => RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  + r.headers.reduce((n, h) => n + Buffer.byteLength(h.key) + (h.value?.length ?? 0) + 10, 0);

/** Splits one partition's records into batches under max.message.bytes; a record too large alone is refused. */
function* chunksUnder(indexes: number[], records: readonly HttpRecord[], batchBytesMax: number, outcomes: Outcome[]): Generator<number[]> {
  let chunk: number[] = [];
  let size = BATCH_OVERHEAD_BYTES;
  for (const i of indexes) {
    const bytes = recordBytes(records[i]!);
    if (BATCH_OVERHEAD_BYTES + bytes > batchBytesMax) {
      outcomes[i] = { ok: false, status: 413, errorCode: 413, message: `MESSAGE_TOO_LARGE: the record is over max.message.bytes (${batchBytesMax}).` };
      continue;
    }
    if (size + bytes > batchBytesMax && chunk.length > 0) {
      yield chunk;
      chunk = [];
      size = BATCH_OVERHEAD_BYTES;
    }
    chunk.push(i);
    size += bytes;
  }
  if (chunk.length > 0) yield chunk;
}

/** Exported for the tests: the partition a keyed record goes to (the Java client's mapping). */
export const partitionOfKey = partitionForKey;
