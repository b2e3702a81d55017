// Reads topics to their end as a read_committed (or read_uncommitted) consumer of our client: every
// record of every partition, bounded in time, then a quiet while so that late duplicates would show.
import { Admin, Consumer, stringSerde } from '../../src/client/index.js';

export interface ReadRecord { partition: number; offset: bigint; key: string; value: string }

/**
 * All records of `topic` up to its end, read with `isolationLevel`. Stops when `done(records)` holds and
 * nothing more arrived for `quietMs`, or at `timeoutMs` (then returns what it has).
 */
export async function readTopic(bootstrap: string, topic: string, opts: { isolationLevel?: 'read_committed' | 'read_uncommitted'; done: (records: ReadRecord[]) => boolean; timeoutMs?: number; quietMs?: number }): Promise<ReadRecord[]> {
  const admin = new Admin({ bootstrap });
  let partitions: number[];
  try {
    partitions = (await admin.describeTopics([topic]))[0]!.partitions.map((p) => p.partition);
  } finally {
    await admin.close();
  }
  const consumer = new Consumer({ bootstrap, keyDeserializer: stringSerde, valueDeserializer: stringSerde, autoOffsetReset: 'earliest', isolationLevel: opts.isolationLevel ?? 'read_committed', maxWaitMs: 100 });
  const out: ReadRecord[] = [];
  try {
    consumer.assign(partitions.map((partition) => ({ topic, partition })));
    const it = consumer[Symbol.asyncIterator]();
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    let quietUntil = Infinity;
    // One next() in flight at a time: a pending one outlives an idle tick (dropping it would drop its record).
    let pending: ReturnType<typeof it.next> | undefined;
    while (Date.now() < Math.min(deadline, quietUntil)) {
      pending ??= it.next();
      const r = await Promise.race([pending, new Promise<'idle'>((res) => setTimeout(() => res('idle'), 200).unref())]);
      if (r === 'idle') continue;
      pending = undefined;
      if (r.done === true) break;
      out.push({ partition: r.value.partition, offset: r.value.offset, key: r.value.key ?? '', value: r.value.value ?? '' });
      // Each new record restarts the quiet while.
      quietUntil = opts.done(out) ? Date.now() + (opts.quietMs ?? 1000) : Infinity;
    }
  } finally {
    await consumer.close();
  }
  return out;
}

/** Values that occur more than once, and expected values that are missing. */
export function exactlyOnce(values: readonly string[], expected: readonly string[]): { missing: string[]; duplicated: string[]; unexpected: string[] } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const want = new Set(expected);
  return {
    missing: expected.filter((v) => !counts.has(v)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([v]) => v),
    unexpected: [...counts.keys()].filter((v) => !want.has(v)),
  };
}
