/**
 * The log cleaner and the event loop (hostile-input finding 8, cleaner side; DESIGN invariant 8): one
 * forced pass over a ~50 MB dirty compacted log on the real file system, while
 * perf_hooks.monitorEventLoopDelay samples the loop every millisecond. Prints the pass's duration and
 * the loop's worst and p99 delay: what another client waits at most behind the cleaner.
 * COMPACTION_MB: dirty log size (default 50).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { PartitionLog } from '../../src/storage/log.js';

const targetBytes = Number(process.env.COMPACTION_MB ?? 50) * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'minikafka-compaction-bench-'));
try {
  const log = PartitionLog.open(join(dir, 'p'), {
    config: { segmentBytes: 8 * 1024 * 1024, cleanupPolicy: { compact: true, delete: false }, minCleanableDirtyRatio: 0.5 },
  });
  // 100 records of 100-byte values per batch over 5,000 keys: most records are superseded.
  const value = Buffer.alloc(100, 'v');
  let appended = 0;
  for (let b = 0; appended < targetBytes; b++) {
    const batch = buildRecordBatch({ baseTimestamp: Date.now(), records: Array.from({ length: 100 }, (_, i) => ({ key: Buffer.from(`key-${(b * 100 + i) % 5000}`), value })) });
    log.append(batch);
    appended += batch.length;
  }
  log.roll();
  await log.flush();
  const ms = (ns: number): string => (ns / 1e6).toFixed(1);
  // The same histogram over an idle second first: on a loaded machine the OS alone delays the loop.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  idle.disable();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // A 1 ms timer's longest wait: unlike the histogram, it also sees a pass that never yields.
  // And the process's CPU time between two ticks: on a loaded machine a wait is mostly the OS's doing,
  // while CPU time spent between two ticks is work that held the loop (GC and thread-pool work included).
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worstGapMs = 0;
  let worstCpuMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    worstGapMs = Math.max(worstGapMs, now - last);
    worstCpuMs = Math.max(worstCpuMs, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  const t0 = performance.now();
  // `await`: also runs against a synchronous compact() (the cleaner before it yielded), for comparison.
  const result = await log.compact(Date.now(), { force: true });
  const passMs = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  h.disable();
  process.stdout.write(`compaction of ${(appended / 1e6).toFixed(1)} MB dirty (${result.segmentsRewritten} segments rewritten, ${result.recordsRemoved} records removed): pass ${passMs.toFixed(0)} ms, longest wait of a 1 ms timer ${worstGapMs.toFixed(1)} ms (most CPU time between two ticks ${worstCpuMs.toFixed(1)} ms), event-loop delay max ${ms(h.max)} ms, p99 ${ms(h.percentile(99))} ms, mean ${ms(h.mean)} ms (idle baseline: max ${ms(idle.max)} ms, p99 ${ms(idle.percentile(99))} ms)\n`);
  await log.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
