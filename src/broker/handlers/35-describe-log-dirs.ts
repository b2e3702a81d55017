/**
 * DescribeLogDirs (key 35), v0-4 (v0: Kafka 3.9's): the one log directory (the data dir), every partition
 * asked for (null: all, internal topics included) with its size on disk and its lag (log end offset minus
 * high watermark: bytes written but not yet durable). v4 adds the volume's total and usable bytes
 * (statfs; -1 on the in-memory store). Topics and partitions that do not exist are left out, as in Kafka.
 * Needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED, no results).
 * Sizing a partition opens its log: partitions are walked in chunks, yielding between them.
 */
import { statfsSync } from 'node:fs';
import { ApiKey, type DescribeLogDirsRequest, type DescribeLogDirsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';

type TopicOut = NonNullable<NonNullable<DescribeLogDirsResponseInput['results']>[number]['topics']>[number];

/** Partitions sized between two yields to the event loop. */
const PARTITIONS_PER_CHUNK = 200;

export const describeLogDirsHandler = defineHandler(ApiKey.DescribeLogDirs, {
  minVersion: 0,
  maxVersion: 4,
  async handle(req: DescribeLogDirsRequest, ctx: RequestContext): Promise<DescribeLogDirsResponseInput> {
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER')) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const { store } = ctx.broker;
    const wanted: Array<{ name: string; partitions: number[] }> = [];
    if (req.topics === null) {
      for (const t of store.topics()) wanted.push({ name: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) });
    } else {
      const seen = new Map<string, Set<number>>();
      for (const t of req.topics) {
        const topic = store.topic(t.topic);
        if (topic === undefined) continue;
        const set = seen.get(t.topic) ?? new Set<number>();
        for (const p of t.partitions) if (p >= 0 && p < topic.partitions) set.add(p);
        seen.set(t.topic, set);
      }
      for (const [name, set] of seen) wanted.push({ name, partitions: [...set].sort((a, b) => a - b) });
    }
    const topics: TopicOut[] = [];
    let sized = 0;
    for (const w of wanted) {
      const partitions = [];
      for (const p of w.partitions) {
        if (++sized % PARTITIONS_PER_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
        if (store.topic(w.name) === undefined) break; // deleted meanwhile
        try {
          const log = store.partition(w.name, p);
          partitions.push({ partitionIndex: p, partitionSize: BigInt(log.sizeBytes()), offsetLag: BigInt(Math.max(0, log.logEndOffset - log.highWatermark)), isFutureKey: false });
        } catch (err) {
          ctx.log.warn({ topic: w.name, partition: p, err }, 'partition left out of DescribeLogDirs');
        }
      }
      if (partitions.length > 0) topics.push({ name: w.name, partitions });
    }
    const volume = volumeBytes(store.dataDir);
    return {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: store.dataDir, topics, totalBytes: volume.total, usableBytes: volume.usable }],
    };
  },
});

function volumeBytes(dir: string): { total: bigint; usable: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { total: s.blocks * s.bsize, usable: s.bavail * s.bsize };
  } catch {
    return { total: -1n, usable: -1n }; // the in-memory store has no volume
  }
}
