/**
 * Produce (key 0), v0-12 (v0-2: message formats v0/v1, up-converted to v2 first, as Kafka 3.x does). Batch headers are validated (invariant 1) and their records walked
 * (records-check.ts: count and offset deltas against the header, keys on compacted topics; compressed
 * batches decompressed bounded, off the event loop), then appended as they came with dense offsets,
 * and acknowledged per `acks`: 0 = no response, 1 = after the write reaches the OS,
 * -1 = after fsync (group commit across partitions and requests), unless minikafka.flush.on.acks.all=false.
 * A partition whose records are checked asynchronously keeps its order: later produces to it queue behind.
 * Batches with a producer id go through the partition's producer state (src/storage/producer-state.ts):
 * a retry of one of the producer's last 5 batches is answered with its first offsets and not stored
 * again; a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH.
 * Transactional batches must go to partitions of the producer's ongoing transaction (INVALID_TXN_STATE).
 */
import { ApiKey, type ProduceRequest, type ProduceResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { validateRecordBatches } from '../../protocol/record-batch.js';
import { RecordsError, type RecordsPolicy } from '../../protocol/records.js';
import { DecompressionSlots, checkRecords, checkRecordsSync, recordsNeedAsyncCheck } from '../../protocol/records-check.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { produceLegacy } from '../legacy-records.js';
import type { PartitionLog } from '../../storage/log.js';
import { internalTopicWriteRefusal, lookupOrCreateTopic, storageErrorCode } from '../topic-access.js';
import { StorageError } from '../../storage/errors.js';
import { transactionalProduceProblem } from '../../txn/produce-check.js';

type TopicOut = NonNullable<ProduceResponseInput['responses']>[number];
type PartitionOut = NonNullable<TopicOut['partitionResponses']>[number];

export const produceHandler = defineHandler(ApiKey.Produce, {
  minVersion: 0,
  maxVersion: 12,
  handle(req: ProduceRequest, ctx: RequestContext): ProduceResponseInput | null | Promise<ProduceResponseInput | null> {
    // v0-2 carry message formats v0/v1: converted to v2 batches first (legacy-records.ts).
    return ctx.version < 3 ? produceLegacy(req, ctx, (converted) => produceBatches(converted, ctx)) : produceBatches(req, ctx);
  },
});

function produceBatches(req: ProduceRequest, ctx: RequestContext): ProduceResponseInput | null | Promise<ProduceResponseInput | null> {
  const acks = req.acks;
  const validAcks = acks === -1 || acks === 0 || acks === 1;
  const txnDenied = req.transactionalId !== null && !allowed(ctx, 'WRITE', 'TRANSACTIONAL_ID', req.transactionalId);
  const touched = new Map<PartitionLog, PartitionOut[]>();
  const pending: Promise<unknown>[] = [];
  const responses: TopicOut[] = req.topicData.map((t) => {
    // WRITE on the topic is checked once per topic (as Fetch checks READ), not once per partition.
    const writable = validAcks && !txnDenied && t.partitionData.length > 0 && allowed(ctx, 'WRITE', 'TOPIC', t.name);
    return {
      name: t.name,
      partitionResponses: t.partitionData.map((p): PartitionOut => {
        if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, null);
        if (txnDenied) return failed(p.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null);
        if (!writable) return failed(p.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED, null);
        const out = produceOne(t.name, p.index, p.records, touched, ctx);
        if (!(out instanceof Promise)) return out;
        // Filled in once the partition's records are checked and appended.
        const slot = failed(p.index, ErrorCode.NONE, null);
        pending.push(out.then((o) => Object.assign(slot, o)));
        return slot;
      }),
    };
  });
  if (pending.length === 0) return respond(acks, touched, responses, ctx);
  return Promise.all(pending).then(() => respond(acks, touched, responses, ctx));
}

function respond(acks: number, touched: Map<PartitionLog, PartitionOut[]>, responses: TopicOut[], ctx: RequestContext): ProduceResponseInput | null | Promise<ProduceResponseInput> {
  if (acks === 0) return null;
  if (acks === -1 && touched.size > 0 && ctx.broker.config.bool('minikafka.flush.on.acks.all')) {
    return flushAll(touched, responses, ctx);
  }
  return { responses, throttleTimeMs: 0 };
}

/** Broker-wide: two compressed batches are decompressed at a time, so their memory is bounded (2 x minikafka.decompressed.bytes.max). */
const decompressionSlots = new DecompressionSlots(2);
/** Per partition, the last append still waiting for its records to be checked: later ones queue behind it. */
const appendQueues = new WeakMap<PartitionLog, Promise<unknown>>();

function produceOne(topicName: string, partition: number, records: Buffer | null, touched: Map<PartitionLog, PartitionOut[]>, ctx: RequestContext): PartitionOut | Promise<PartitionOut> {
  const { broker } = ctx;
  const refusal = internalTopicWriteRefusal(topicName);
  if (refusal !== null) {
    ctx.log.warn({ topic: topicName, partition, clientId: ctx.clientId }, 'refused produce to an internal topic');
    return failed(partition, ErrorCode.INVALID_TOPIC_EXCEPTION, refusal);
  }
  const topic = lookupOrCreateTopic(broker, topicName, true, ctx);
  if (typeof topic === 'number') return failed(partition, topic, null);
  if (partition < 0 || partition >= topic.partitions) return failed(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  if (records === null || records.length === 0) return failed(partition, ErrorCode.INVALID_RECORD, 'Produce request has no records');
  const batchBytesMax = Number(topic.configs['max.message.bytes'] ?? broker.limits.batchBytesMax);
  const validation = validateRecordBatches(records);
  if (!validation.ok) {
    ctx.log.warn({ topic: topicName, partition, error: validation.error, reason: validation.message, clientId: ctx.clientId }, 'rejected produce batch');
    return failed(partition, ErrorCode[validation.error], validation.message);
  }
  if (validation.largestBatchBytes > batchBytesMax) {
    return failed(partition, ErrorCode.MESSAGE_TOO_LARGE, `batch of ${validation.largestBatchBytes} bytes exceeds max.message.bytes ${batchBytesMax}`);
  }
  const txnProblem = transactionalProduceProblem(records, topicName, partition, broker.txn);
  if (txnProblem !== undefined) return failed(partition, txnProblem.code, txnProblem.message);
  const log = broker.store.partition(topicName, partition);
  const policy: RecordsPolicy = { ...log.recordsPolicy, recordBytesMax: batchBytesMax };
  const append = (): PartitionOut => appendChecked(topicName, partition, records, log, touched, ctx);
  const queued = appendQueues.get(log);
  if (queued === undefined && !recordsNeedAsyncCheck(records, validation.compressed)) {
    try {
      checkRecordsSync(records, policy);
    } catch (err) {
      return recordsRefused(topicName, partition, err, ctx);
    }
    return append();
  }
  // Checking starts now, alongside earlier appends to this partition; the append waits for them.
  const checked = checkRecords(records, policy, decompressionSlots);
  const done = Promise.allSettled([queued, checked]).then(() => checked).then(append, (err: unknown) => recordsRefused(topicName, partition, err, ctx));
  appendQueues.set(log, done);
  void done.finally(() => {
    if (appendQueues.get(log) === done) appendQueues.delete(log);
  });
  return done;
}

function recordsRefused(topicName: string, partition: number, err: unknown, ctx: RequestContext): PartitionOut {
  if (!(err instanceof RecordsError)) throw err;
  ctx.log.warn({ topic: topicName, partition, error: err.code, reason: err.message, clientId: ctx.clientId }, 'rejected produce batch');
  return failed(partition, err.errorCode, err.message);
}

function appendChecked(topicName: string, partition: number, records: Buffer, log: PartitionLog, touched: Map<PartitionLog, PartitionOut[]>, ctx: RequestContext): PartitionOut {
  try {
    // The log stamps LogAppendTime batches (its topic's message.timestamp.type, the broker's clock).
    const appended = log.append(records, { validated: true, recordsChecked: true, leaderEpoch: 0 });
    const out: PartitionOut = {
      index: partition, errorCode: ErrorCode.NONE, baseOffset: BigInt(appended.baseOffset),
      logAppendTimeMs: BigInt(appended.logAppendTimeMs),
      logStartOffset: BigInt(log.logStartOffset), recordErrors: [], errorMessage: null,
    };
    const outs = touched.get(log);
    if (outs === undefined) touched.set(log, [out]);
    else outs.push(out);
    return out;
  } catch (err) {
    const code = storageErrorCode(err);
    // A batch the log refuses (a keyless record on a compacted topic, a bad timestamp) is the client's
    // doing: a warning like any rejected batch. Only a storage failure is an error.
    if (code === ErrorCode.KAFKA_STORAGE_ERROR) ctx.log.error({ topic: topicName, partition, err }, 'append failed');
    else ctx.log.warn({ topic: topicName, partition, error: (err as StorageError).code, reason: (err as Error).message, clientId: ctx.clientId }, 'rejected produce batch');
    return failed(partition, code, (err as Error).message);
  }
}

async function flushAll(touched: Map<PartitionLog, PartitionOut[]>, responses: TopicOut[], ctx: RequestContext): Promise<ProduceResponseInput> {
  const logs = [...touched.keys()];
  const results = await Promise.allSettled(logs.map((log) => log.flush()));
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    // The data reached the OS but not the disk: it is not acknowledged as durable. A partition
    // deleted meanwhile is answered as Kafka does (UNKNOWN_TOPIC_OR_PARTITION); only a disk failure is an error.
    const code = r.reason instanceof StorageError ? r.reason.errorCode : ErrorCode.KAFKA_STORAGE_ERROR;
    if (code === ErrorCode.KAFKA_STORAGE_ERROR) ctx.log.error({ err: r.reason }, 'fsync failed');
    const message = code === ErrorCode.KAFKA_STORAGE_ERROR ? 'fsync failed' : (r.reason as Error).message;
    for (const out of touched.get(logs[i]!)!) Object.assign(out, failed(out.index!, code, message));
  });
  return { responses, throttleTimeMs: 0 };
}

function failed(index: number, errorCode: number, errorMessage: string | null): PartitionOut {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}
