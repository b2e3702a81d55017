/**
 * Produce v0-2 and Fetch v0-3 speak message formats v0/v1 (protocol/legacy-messages.ts). Kafka 3.x stores
 * v2 only, and so does minikafka: a legacy Produce is up-converted partition by partition (one v2 batch
 * with the producer's codec, decompression bounded by minikafka.decompressed.bytes.max) and then takes the
 * normal path (header checks, record walk, keys on compacted topics, append); a legacy Fetch is answered
 * by the normal read, then each partition's batches are down-converted: magic 0 for Fetch v0-1, magic 1
 * for v2-3, within the partition's byte limit.
 */
import type { FetchRequest, FetchResponseInput, ProduceRequest, ProduceResponseInput } from '../protocol/generated/index.js';
import { LegacyMessageError, downConvert, upConvert, type LegacyMagic } from '../protocol/legacy-messages.js';
import { decompressBounded } from '../protocol/records-codecs.js';
import type { RequestContext } from './handler.js';

type ProduceOut = NonNullable<NonNullable<ProduceResponseInput['responses']>[number]['partitionResponses']>[number];
type FetchTopicOut = NonNullable<FetchResponseInput['responses']>[number];

/** Up-converts every partition's message set, runs `produce` on those that convert, and answers the others with their error. */
export async function produceLegacy(
  req: ProduceRequest, ctx: RequestContext,
  produce: (req: ProduceRequest) => ProduceResponseInput | null | Promise<ProduceResponseInput | null>,
): Promise<ProduceResponseInput | null> {
  const refused = new Map<string, ProduceOut>();
  const topicData = await Promise.all(req.topicData.map(async (t) => ({
    ...t,
    partitionData: (await Promise.all(t.partitionData.map(async (p) => {
      if (p.records === null || p.records.length === 0) return p; // the normal path answers these
      try {
        const up = await upConvert(p.records, { decompress: decompressBounded, outputBytesMax: ctx.broker.limits.decompressedBytesMax });
        return { ...p, records: up.batch };
      } catch (err) {
        if (!(err instanceof LegacyMessageError)) throw err;
        ctx.log.warn({ topic: t.name, partition: p.index, reason: err.message, clientId: ctx.clientId }, 'rejected legacy message set');
        refused.set(`${p.index}:${t.name}`, { index: p.index, errorCode: err.errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: err.message });
        return null;
      }
    }))).filter((p) => p !== null),
  })));
  const res = await produce({ ...req, topicData: topicData.filter((t) => t.partitionData.length > 0) });
  if (res === null) return null;
  // Back in the request's order, refused partitions in their places.
  const answered = new Map<string, ProduceOut>();
  for (const t of res.responses ?? []) for (const p of t.partitionResponses ?? []) answered.set(`${p.index}:${t.name}`, p);
  return {
    ...res,
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => refused.get(`${p.index}:${t.name}`) ?? answered.get(`${p.index}:${t.name}`)!),
    })),
  };
}

/** Down-converts the records of a Fetch v0-3 answer in place of the stored v2 batches. */
export async function fetchLegacy(req: FetchRequest, res: FetchResponseInput, ctx: RequestContext): Promise<FetchResponseInput> {
  const magic: LegacyMagic = ctx.version >= 2 ? 1 : 0;
  const wanted = new Map<string, { fetchOffset: bigint; partitionMaxBytes: number }>();
  for (const t of req.topics) for (const p of t.partitions) wanted.set(`${p.partition}:${t.topic}`, p);
  const responses: FetchTopicOut[] = await Promise.all((res.responses ?? []).map(async (t) => ({
    ...t,
    partitions: await Promise.all((t.partitions ?? []).map(async (p) => {
      const records = p.records;
      if (records === undefined || records === null || records.length === 0) return p;
      const w = wanted.get(`${p.partitionIndex}:${t.topic}`);
      try {
        return { ...p, records: await downConvert(records, magic, w?.partitionMaxBytes ?? records.length, ctx.version >= 3, w?.fetchOffset ?? 0n) };
      } catch (err) {
        if (!(err instanceof LegacyMessageError)) throw err;
        return { ...p, errorCode: err.errorCode, records: Buffer.alloc(0) };
      }
    })),
  })));
  return { ...res, responses };
}

