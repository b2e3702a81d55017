/** Wire helpers shared by the durability suites: produce, fetch and parse batches, commit and read offsets. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { WireClient } from '../broker/wire-client.js';
import {
  BATCH_HEADER_BYTES,
  OFFSET_ATTRIBUTES,
  OFFSET_LAST_OFFSET_DELTA,
  batchCrcMatches,
  batchSizeAt,
  buildRecordBatch,
  readInt64Number,
} from '../../src/protocol/record-batch.js';
import { ErrorCode } from '../../src/protocol/errors.js';

export { WireClient };

/** WireClient.request on a socket that already closed would never settle: refuse it instead. */
export function send<T = any>(client: WireClient, apiKey: number, version: number, body: object): Promise<T> {
  if (client.socket.destroyed) return Promise.reject(new Error('connection closed'));
  return client.request<T>(apiKey, version, body);
}

/** A small deterministic PRNG (mulberry32): every random choice in these suites comes from a printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  /** sha1 of the bytes the broker must not change (attributes to the end; CRC-covered). */
  digest: string;
  bytes: number;
}

/** The part of a batch the broker stores untouched: everything the CRC covers. */
export function batchDigest(batch: Buffer): string {
  return createHash('sha1').update(batch.subarray(OFFSET_ATTRIBUTES)).digest('hex');
}

export function makeBatch(rand: () => number, tag: string): Buffer {
  const count = 1 + Math.floor(rand() * 5);
  const records = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`${tag}-${i}`),
    value: Buffer.alloc(16 + Math.floor(rand() * 400), `${tag}:${i}:`),
  }));
  return buildRecordBatch({ baseTimestamp: Date.now(), records });
}

/** Splits a Fetch response's record bytes into batches, asserting each CRC. A partial trailing batch is allowed (Kafka may cut one). */
export function parseBatches(records: Buffer | null | undefined): StoredBatch[] {
  const out: StoredBatch[] = [];
  if (!records) return out;
  for (let pos = 0; pos + BATCH_HEADER_BYTES <= records.length; ) {
    const size = batchSizeAt(records, pos);
    if (pos + size > records.length) break;
    const batch = records.subarray(pos, pos + size);
    if (!batchCrcMatches(batch, 0, size)) throw new Error(`CRC mismatch in fetched batch at byte ${pos}`);
    const baseOffset = readInt64Number(batch, 0);
    out.push({ baseOffset, lastOffset: baseOffset + batch.readInt32BE(OFFSET_LAST_OFFSET_DELTA), digest: batchDigest(batch), bytes: size });
    pos += size;
  }
  return out;
}

export async function produce(client: WireClient, topic: string, partition: number, batch: Buffer, acks = -1): Promise<{ errorCode: number; baseOffset: number }> {
  const res = await send(client, 0, 9, { acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] });
  const p = res.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  batches: StoredBatch[];
}

export async function fetchFrom(client: WireClient, topic: string, partition: number, offset: number, maxBytes = 1 << 20): Promise<FetchedPartition> {
  const res = await send(client, 1, 12, {
    maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: maxBytes }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.responses[0].partitions[0];
  return { errorCode: p.errorCode, highWatermark: Number(p.highWatermark), logStartOffset: Number(p.logStartOffset), batches: parseBatches(p.records) };
}

/** Every batch of a partition, from its log start to its high watermark. */
export async function fetchAll(client: WireClient, topic: string, partition: number): Promise<FetchedPartition> {
  const first = await fetchFrom(client, topic, partition, 0);
  if (first.errorCode !== ErrorCode.NONE) return first;
  const batches = [...first.batches];
  let next = batches.length > 0 ? batches[batches.length - 1]!.lastOffset + 1 : first.logStartOffset;
  while (next < first.highWatermark) {
    const more = await fetchFrom(client, topic, partition, next);
    if (more.errorCode !== ErrorCode.NONE || more.batches.length === 0) throw new Error(`fetch ${topic}/${partition}@${next}: error ${more.errorCode}, ${more.batches.length} batches, hw ${first.highWatermark}`);
    batches.push(...more.batches);
    next = batches[batches.length - 1]!.lastOffset + 1;
  }
  return { ...first, batches };
}

export async function createTopic(client: WireClient, name: string, partitions: number, configs: Record<string, string> = {}): Promise<number> {
  const res = await send(client, 19, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    timeoutMs: 5000,
  });
  return res.topics[0].errorCode as number;
}

/** A simple (generation -1) commit, as a standalone consumer makes. Returns the per-partition error codes. */
export async function commitOffsets(client: WireClient, group: string, topic: string, offsets: Map<number, number>): Promise<number[]> {
  const res = await send(client, 8, 8, {
    groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: topic, partitions: [...offsets].map(([partitionIndex, o]) => ({ partitionIndex, committedOffset: BigInt(o), committedLeaderEpoch: -1, committedMetadata: null })) }],
  });
  return res.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode);
}

export async function committedOffsets(client: WireClient, group: string, topic: string, partitions: number[]): Promise<Map<number, number>> {
  const res = await send(client, 9, 8, { groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: partitions }] }], requireStable: false });
  const out = new Map<number, number>();
  for (const t of res.groups[0].topics ?? []) {
    for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) out.set(p.partitionIndex, Number(p.committedOffset));
  }
  return out;
}

/** partition → baseOffset → digest of every acknowledged batch. */
export type Acked = Map<number, Map<number, string>>;

/** Every partition reads back dense from offset 0, and every acknowledged batch has its bytes; returns the bytes read. */
export async function checkAcked(client: WireClient, topic: string, partitions: number, acked: Acked, where: string): Promise<number> {
  let bytes = 0;
  for (let p = 0; p < partitions; p++) {
    const all = await fetchAll(client, topic, p);
    assert.equal(all.errorCode, ErrorCode.NONE, `${where}: fetch ${p}`);
    let next = 0;
    const byBase = new Map<number, string>();
    for (const b of all.batches) {
      assert.equal(b.baseOffset, next, `${where}: ${topic}/${p} dense at ${next}`);
      next = b.lastOffset + 1;
      byBase.set(b.baseOffset, b.digest);
      bytes += b.bytes;
    }
    for (const [base, digest] of acked.get(p) ?? []) assert.equal(byBase.get(base), digest, `${where}: acknowledged ${topic}/${p}@${base}`);
  }
  return bytes;
}
