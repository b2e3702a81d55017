/**
 * The `legacy` phase: what message formats v0 and v1 cost the broker beside v2, end to end. A wire-level
 * driver (the generated codecs, test/broker/wire-client.ts) sends the same load in each format: Produce
 * v3 with v2 batches (stored as they come), Produce v2 with magic 1 message sets and Produce v1 with
 * magic 0 ones (both up-converted on append); then reads one v2-filled topic with Fetch v4 (stored
 * bytes), Fetch v3 (down-converted to magic 1) and Fetch v1 (to magic 0). The request bytes are built
 * once and reused, so the driver costs little and alike in every format; the broker's CPU comes from
 * /proc/<pid>/stat. Runs alternate between the formats, and the median counts.
 */
import { WireClient } from '../test/broker/wire-client.js';
import { buildRecordBatch, BATCH_LOG_OVERHEAD_BYTES, OFFSET_LAST_OFFSET_DELTA, OFFSET_LENGTH, OFFSET_RECORD_COUNT } from '../src/protocol/record-batch.js';
import { encodeMessage, type LegacyMagic } from '../src/protocol/legacy-messages.js';
import { Admin } from '../src/client/index.js';
import { cpuSeconds, median, progress } from './lib.js';
import type { Row } from './report.js';
import { ApiKey } from '../src/protocol/generated/index.js';

const PARTITIONS = 8;
const PER_PARTITION = 40_000;
const VALUE_BYTES = 100;
/** Messages per partition in one Produce request: 800 a request over the 8 partitions. */
const PER_REQUEST = 100;
const IN_FLIGHT = 4;
const RUNS = 5;
const RUN_TIMEOUT_MS = 120_000;
const PARTITION_MAX_BYTES = 1 << 20;

interface Format { label: string; magic: 0 | 1 | 2; produceVersion: number; fetchVersion: number }
const formats: Format[] = [
  { label: 'message format v2', magic: 2, produceVersion: 3, fetchVersion: 4 },
  { label: 'message format v1', magic: 1, produceVersion: 2, fetchVersion: 3 },
  { label: 'message format v0', magic: 0, produceVersion: 1, fetchVersion: 1 },
];

/** One partition's records of a Produce request, in the format's own encoding (keyless, 100 B values). */
function recordsOf(magic: Format['magic']): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, 'x');
  const now = Date.now();
  if (magic === 2) return buildRecordBatch({ baseTimestamp: now, records: Array.from({ length: PER_REQUEST }, (_, i) => ({ key: null, value, timestampDelta: i })) });
  return Buffer.concat(Array.from({ length: PER_REQUEST }, (_, i) => encodeMessage(BigInt(i), magic as LegacyMagic, { timestamp: now + i, key: null, value })));
}

async function createTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = new Admin({ bootstrap });
  try {
    await admin.createTopics([{ topic, partitions: PARTITIONS }]);
  } finally {
    await admin.close();
  }
}

/** Produces PER_PARTITION messages to each partition; resolves with msgs/s and the broker's CPU seconds. */
async function produceRun(bootstrap: string, pid: number, topic: string, f: Format): Promise<{ msgsPerSec: number; cpuSeconds: number }> {
  const records = recordsOf(f.magic);
  const body = { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({ index, records })) }] };
  const requests = PER_PARTITION / PER_REQUEST;
  const c = await WireClient.connect(bootstrap, { clientId: 'bench-legacy' });
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      if (Date.now() > deadline) throw new Error(`${f.label}: ${next}/${requests} produce requests in ${RUN_TIMEOUT_MS} ms`);
      next++;
      const res = await c.request(ApiKey.Produce, f.produceVersion, body);
      for (const p of res.responses[0].partitionResponses) if (p.errorCode !== 0) throw new Error(`${f.label}: Produce v${f.produceVersion} partition ${p.index}: error ${p.errorCode}`);
    }
  };
  try {
    const cpu0 = cpuSeconds(pid);
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuSeconds(pid) - cpu0;
    const ends = await c.request(ApiKey.ListOffsets, 1, { replicaId: -1, topics: [{ name: topic, partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, timestamp: -1n })) }] });
    for (const p of ends.topics[0].partitions) if (Number(p.offset) !== PER_PARTITION) throw new Error(`${f.label}: partition ${p.partitionIndex} ends at ${p.offset}, not ${PER_PARTITION}`);
    return { msgsPerSec: (PARTITIONS * PER_PARTITION) / seconds, cpuSeconds: cpu };
  } finally {
    c.close();
  }
}

/**
 * Walks one partition's fetched records from `expected`: returns the next offset to fetch. Every offset
 * must come next in order (a gap or a repeat throws); a trailing partial entry (cut by the byte limit) is left.
 */
function walk(records: Buffer, magic: Format['magic'], expected: number): number {
  let pos = 0;
  let next = expected;
  while (pos + 12 <= records.length) {
    const offset = Number(records.readBigInt64BE(pos));
    const size = records.readInt32BE(pos + OFFSET_LENGTH);
    if (pos + BATCH_LOG_OVERHEAD_BYTES + size > records.length) break;
    if (magic === 2) {
      const count = records.readInt32BE(pos + OFFSET_RECORD_COUNT);
      if (offset !== next || records.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA) !== count - 1) throw new Error(`batch at ${offset}, expected ${next}`);
      next += count;
    } else {
      const valueLength = records.readInt32BE(pos + BATCH_LOG_OVERHEAD_BYTES + size - VALUE_BYTES - 4);
      if (offset !== next || valueLength !== VALUE_BYTES) throw new Error(`message at ${offset} (value ${valueLength} B), expected ${next}`);
      next++;
    }
    pos += BATCH_LOG_OVERHEAD_BYTES + size;
  }
  return next;
}

/** Reads every partition from offset 0 to PER_PARTITION with one Fetch at a time, as a consumer does. */
async function fetchRun(bootstrap: string, pid: number, topic: string, f: Format): Promise<{ msgsPerSec: number; cpuSeconds: number }> {
  const c = await WireClient.connect(bootstrap, { clientId: 'bench-legacy' });
  const next = new Array<number>(PARTITIONS).fill(0);
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  try {
    const cpu0 = cpuSeconds(pid);
    const t0 = process.hrtime.bigint();
    while (next.some((o) => o < PER_PARTITION)) {
      if (Date.now() > deadline) throw new Error(`${f.label}: fetched ${next.reduce((a, b) => a + b, 0)} in ${RUN_TIMEOUT_MS} ms`);
      const partitions = next.flatMap((o, p) => (o < PER_PARTITION ? [{ partition: p, fetchOffset: BigInt(o), partitionMaxBytes: PARTITION_MAX_BYTES }] : []));
      const res = await c.request(ApiKey.Fetch, f.fetchVersion, { replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 8 * PARTITION_MAX_BYTES, isolationLevel: 0, topics: [{ topic, partitions }] });
      for (const p of res.responses[0].partitions) {
        if (p.errorCode !== 0) throw new Error(`${f.label}: Fetch v${f.fetchVersion} partition ${p.partitionIndex}: error ${p.errorCode}`);
        if (p.records) next[p.partitionIndex] = walk(p.records, f.magic, next[p.partitionIndex]!);
      }
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { msgsPerSec: (PARTITIONS * PER_PARTITION) / seconds, cpuSeconds: cpuSeconds(pid) - cpu0 };
  } finally {
    c.close();
  }
}

export async function legacyPhase(broker: { bootstrap: string; pid: number }, rows: Row[]): Promise<void> {
  const gb = (PARTITIONS * PER_PARTITION * VALUE_BYTES) / 1e9;
  let seq = 0;
  const topic = async (): Promise<string> => {
    const name = `legacy-${seq++}`;
    await createTopic(broker.bootstrap, name);
    return name;
  };
  // Untimed warm-up in every format: the broker's conversion code is JIT-compiled before the measured runs.
  for (const f of formats) await produceRun(broker.bootstrap, broker.pid, await topic(), f);

  const produced = new Map<Format, Array<{ msgsPerSec: number; cpuSeconds: number }>>(formats.map((f) => [f, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const f of formats) {
      const r = await produceRun(broker.bootstrap, broker.pid, await topic(), f);
      produced.get(f)!.push(r);
      progress(`legacy produce ${f.label}: ${r.msgsPerSec.toFixed(0)} msgs/s, broker CPU ${r.cpuSeconds.toFixed(2)} s`);
    }
  }
  const full = await topic();
  await produceRun(broker.bootstrap, broker.pid, full, formats[0]!);
  for (const f of formats) await fetchRun(broker.bootstrap, broker.pid, full, f); // warm-up
  const fetched = new Map<Format, Array<{ msgsPerSec: number; cpuSeconds: number }>>(formats.map((f) => [f, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const f of formats) {
      const r = await fetchRun(broker.bootstrap, broker.pid, full, f);
      fetched.get(f)!.push(r);
      progress(`legacy fetch ${f.label} (Fetch v${f.fetchVersion}): ${r.msgsPerSec.toFixed(0)} msgs/s, broker CPU ${r.cpuSeconds.toFixed(2)} s`);
    }
  }

  const load = `${(PARTITIONS * PER_PARTITION).toLocaleString('en')} x ${VALUE_BYTES} B keyless over ${PARTITIONS} partitions`;
  for (const [what, results, versionOf, detail] of [
    ['produce', produced, (f: Format) => `Produce v${f.produceVersion}`, `wire-level driver, ${load}, ${PER_REQUEST} messages per partition per request, ${IN_FLIGHT} in flight, acks=1`],
    ['consume', fetched, (f: Format) => `Fetch v${f.fetchVersion}`, `wire-level driver, ${load} stored as v2, one Fetch at a time over all partitions (1 MiB per partition), every offset checked in order`],
  ] as const) {
    const base = median(results.get(formats[0]!)!.map((r) => r.msgsPerSec));
    for (const f of formats) {
      const rs = results.get(f)!;
      const msgsPerSec = median(rs.map((r) => r.msgsPerSec));
      const cpuPerGb = median(rs.map((r) => r.cpuSeconds)) / gb;
      const runs = `runs ${rs.map((r) => (r.msgsPerSec / 1e3).toFixed(0)).join(', ')}k msgs/s`;
      const vsV2 = f.magic === 2 ? `${detail}; ${runs}` : `${(msgsPerSec / base).toFixed(2)}x the v2 rate; ${runs}`;
      rows.push({ section: 'legacy', name: `${what} 100 B, 8 partitions, ${f.label} (${versionOf(f)})`, unit: 'msgs/s', minikafka: msgsPerSec, higherIsBetter: true, note: vsV2 });
      rows.push({ section: 'legacy', name: `broker CPU seconds per GB ${what === 'produce' ? 'produced' : 'fetched'}, ${f.label}`, unit: 's/GB', minikafka: cpuPerGb, higherIsBetter: false, note: `payload bytes; median of the runs' CPU seconds (${rs.map((r) => r.cpuSeconds.toFixed(2)).join(', ')}); /proc/<pid>/stat utime+stime, 10 ms ticks` });
    }
  }
}
