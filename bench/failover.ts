/**
 * The failover phase: two members of a group (child processes, bench/failover-member.ts) share a
 * 4-partition topic that a producer in the bench process writes to every 10 ms on every partition.
 * One member is SIGKILLed (or closes: graceful leave); the figure is the time from the kill (or the
 * SIGTERM that makes it close) to the survivor's first batch from one of the victim's partitions.
 * Classic protocol: KafkaJS members; KIP-848: our own Consumer with groupProtocol 'consumer'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnBroker } from '../test/support/broker-process.js';
import { track } from '../test/support/children.js';
import { distDir } from '../test/support/paths.js';
import { Admin, Producer } from '../src/index.js';
import { progress } from './lib.js';
import type { Row } from './report.js';

export const failoverTimings = {
  /** Classic: the session timeout KafkaJS asks for, and its heartbeat interval. */
  classicSessionMs: 3000,
  classicHeartbeatMs: 500,
  /** KIP-848: the broker's group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms. */
  consumerSessionMs: 3000,
  consumerHeartbeatMs: 500,
};

interface MemberEvent {
  ev: string;
  t: number;
  p?: number;
  partitions?: number[];
}

class Member {
  readonly child: ChildProcess;
  partitions: number[] = [];
  assignedAt = 0;
  readonly events: MemberEvent[] = [];
  private waiters: Array<() => void> = [];

  constructor(protocol: string, bootstrap: string, topic: string, group: string, sessionMs: number, heartbeatMs: number) {
    this.child = spawn(process.execPath, [join(distDir, 'bench', 'failover-member.js'), protocol, bootstrap, topic, group, String(sessionMs), String(heartbeatMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    track(this.child);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      let e: MemberEvent;
      try {
        e = JSON.parse(line) as MemberEvent;
      } catch {
        return;
      }
      if (e.ev === 'assigned') {
        this.partitions = e.partitions ?? [];
        this.assignedAt = e.t;
      }
      this.events.push(e);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  /** Partitions that delivered a batch since the last assignment. */
  flowing(): Set<number> {
    return new Set(this.events.filter((e) => e.ev === 'batch' && e.t >= this.assignedAt).map((e) => e.p!));
  }

  /** Waits until `check` holds (re-checked on each event), or rejects after `timeoutMs`. */
  until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`${what}: not after ${timeoutMs} ms`)), timeoutMs);
      const test = (): void => {
        const v = check();
        if (v !== undefined) {
          clearTimeout(deadline);
          resolve(v);
        } else {
          this.waiters.push(test);
        }
      };
      test();
    });
  }
}

async function waitStable(a: Member, b: Member, partitions: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const union = new Set([...a.partitions, ...b.partitions]);
    const ok = a.partitions.length > 0 && b.partitions.length > 0 && union.size === partitions && a.partitions.length + b.partitions.length === partitions &&
      a.partitions.every((p) => a.flowing().has(p)) && b.partitions.every((p) => b.flowing().has(p)) &&
      Date.now() - Math.max(a.assignedAt, b.assignedAt) > 300;
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`group not stable after ${timeoutMs} ms (a ${JSON.stringify(a.partitions)}, b ${JSON.stringify(b.partitions)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface FailoverResult {
  firstMs: number;
  allMs: number;
  moved: number[];
}

async function oneRun(bootstrap: string, protocol: 'classic' | 'consumer', mode: 'kill' | 'leave', seq: number): Promise<FailoverResult> {
  const partitions = 4;
  const topic = `failover-${protocol}-${mode}-${seq}`;
  const admin = new Admin({ bootstrap });
  await admin.createTopics([{ topic, partitions }]);
  await admin.close();
  const producer = new Producer<Buffer, Buffer>({ bootstrap, acks: 1, lingerMs: 0 });
  await producer.connect();
  const value = Buffer.alloc(100, 'f');
  let producing = true;
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (!producing) return;
    inFlight = producer.send({ topic, messages: Array.from({ length: partitions }, (_, partition) => ({ value, partition })) }).catch(() => undefined);
  }, 10);
  const sessionMs = protocol === 'classic' ? failoverTimings.classicSessionMs : failoverTimings.consumerSessionMs;
  const heartbeatMs = protocol === 'classic' ? failoverTimings.classicHeartbeatMs : failoverTimings.consumerHeartbeatMs;
  const group = `bench-${topic}`;
  const victim = new Member(protocol, bootstrap, topic, group, sessionMs, heartbeatMs);
  const survivor = new Member(protocol, bootstrap, topic, group, sessionMs, heartbeatMs);
  try {
    await waitStable(victim, survivor, partitions, 20_000);
    const moved = [...victim.partitions];
    const t0 = Date.now();
    victim.child.kill(mode === 'kill' ? 'SIGKILL' : 'SIGTERM');
    const movedBatchTimes = (): Map<number, number> => {
      const first = new Map<number, number>();
      for (const e of survivor.events) if (e.ev === 'batch' && e.t >= t0 && moved.includes(e.p!) && !first.has(e.p!)) first.set(e.p!, e.t);
      return first;
    };
    const limit = sessionMs + heartbeatMs + 5000;
    const firstMs = await survivor.until(() => {
      const m = movedBatchTimes();
      return m.size > 0 ? Math.min(...m.values()) - t0 : undefined;
    }, limit, `${protocol} ${mode}: survivor's first message from a moved partition`);
    const allMs = await survivor.until(() => {
      const m = movedBatchTimes();
      return m.size === moved.length ? Math.max(...m.values()) - t0 : undefined;
    }, limit, `${protocol} ${mode}: every moved partition at the survivor`);
    return { firstMs, allMs, moved };
  } finally {
    producing = false;
    clearInterval(timer);
    await inFlight;
    victim.child.kill('SIGKILL');
    survivor.child.kill('SIGKILL');
    await producer.close().catch(() => undefined);
  }
}

export async function failoverPhase(scratch: string, rows: Row[], extra: Record<string, unknown>): Promise<void> {
  const t = failoverTimings;
  const broker = await spawnBroker({
    dataDir: join(scratch, 'failover'),
    config: {
      'group.min.session.timeout.ms': Math.min(t.classicSessionMs, 1000),
      'group.consumer.session.timeout.ms': t.consumerSessionMs,
      'group.consumer.heartbeat.interval.ms': t.consumerHeartbeatMs,
    },
  });
  const results: Record<string, FailoverResult | string> = {};
  let seq = 0;
  try {
    for (const protocol of ['classic', 'consumer'] as const) {
      const sessionMs = protocol === 'classic' ? t.classicSessionMs : t.consumerSessionMs;
      const heartbeatMs = protocol === 'classic' ? t.classicHeartbeatMs : t.consumerHeartbeatMs;
      const client = protocol === 'classic' ? 'classic protocol, KafkaJS members' : 'KIP-848, our client';
      for (const mode of ['kill', 'leave'] as const) {
        const key = `${protocol}-${mode}`;
        const targetAbs = mode === 'kill' ? sessionMs + heartbeatMs + 500 : heartbeatMs + 200;
        const name = mode === 'kill'
          ? `failover (${client}): SIGKILL of a member to the survivor's first message from its partitions`
          : `graceful leave (${client}): member closes to the survivor's first message from a moved partition`;
        const timing = `session timeout ${sessionMs} ms, heartbeat interval ${heartbeatMs} ms${protocol === 'consumer' ? ' (broker group.consumer.*)' : ' (asked by KafkaJS; broker group.min.session.timeout.ms=1000)'}`;
        try {
          const r = await oneRun(broker.bootstrap, protocol, mode, seq++);
          results[key] = r;
          progress(`failover ${key}: first ${r.firstMs} ms, all ${r.allMs} ms (moved ${r.moved.join(',')})`);
          rows.push({ section: 'failover', name, unit: 'ms', minikafka: r.firstMs, targetAbs, higherIsBetter: false,
            note: `${timing}; every moved partition (${r.moved.length} of 4) in ${r.allMs} ms; producer writes every 10 ms to each partition` });
        } catch (error) {
          const message = (error as Error).message.split('\n')[0]!;
          results[key] = message;
          progress(`failover ${key} failed: ${message}`);
          rows.push({ section: 'failover', name, unit: 'ms', targetAbs, higherIsBetter: false, note: `not measured: ${message}; ${timing}` });
        }
      }
    }
  } finally {
    extra.failover = { timings: t, results };
    await broker.stop(10_000);
  }
}
