/**
 * One scenario, run the same way against every modern client (Java, franz-go, kafka-go,
 * confluent-kafka-go, confluent-kafka-python, aiokafka). Each client folder has a small program
 * in the client's language that takes a mode and prints JSON lines; this driver starts the broker,
 * runs the program and checks what it printed against what the broker holds.
 *
 * The program's contract (argv after the program itself):
 *   create  <bootstrap> <topic> <partitions>  admin: create the topic, then read its metadata;
 *                                            prints {"partitions":N,"nodes":[{"id","host","port"}]}
 *   produce <bootstrap> <topic> <from> <count> acks=all, the client's Java-compatible (murmur2) key
 *                                            partitioner; record i has key "key-i", value valueBytes(i)
 *                                            and headers headersOf(i) (or the program's own headersOf);
 *                                            prints {"i","partition","offset"}
 *                                            per record
 *   read    <bootstrap> <topic> <partitions> <count>  assigns every partition from the start and reads
 *                                            count records; prints {"partition","offset","key","value",
 *                                            "headers":[[name,hex]]} with key and value in hex
 *   member  <bootstrap> <topic> <group> [classic|consumer]  subscribes in a group (offset reset earliest,
 *                                            no auto commit, a synchronous commit after each poll);
 *                                            prints {"event":"assigned","partitions":[...]} whenever its
 *                                            assignment changes and {"event":"record","partition","offset",
 *                                            "key"} per record; closes cleanly (leaving the group) on SIGTERM
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { partitionForKey } from '../../../src/partitioner.js';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { WireClient } from '../../broker/wire-client.js';
import { stopChild, track, exited } from '../../support/children.js';
import { waitFor } from '../../support/net.js';
import { uniqueTopic } from '../../support/target.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';

export interface ClientProgram {
  /** Short name used in topic and group names. */
  name: string;
  /** argv[0] and any fixed arguments before the mode. */
  command: string[];
  env?: NodeJS.ProcessEnv;
  /** Seconds a process may take for one short mode (JVM start, Python imports). */
  modeTimeoutMs?: number;
  /**
   * The headers this client sends with record i, where it cannot send headersOf(i): none for a client
   * limited to message format v0/v1, text values for one whose API takes header values as strings.
   */
  headersOf?: (i: number) => Array<[string, Buffer]>;
}

/** Broker configs for the scenario: short KIP-848 session so a SIGKILLed member leaves in seconds. */
export const scenarioBrokerConfig = {
  'minikafka.log.level': 'warn',
  'num.partitions': 1,
  'group.consumer.session.timeout.ms': 6000,
  'group.consumer.heartbeat.interval.ms': 500,
  'minikafka.fetch.max.wait.ms': 250,
};

export const partitions = 6;

/** Value bytes of record i: every byte value appears across records, including 0x00 and 0xff. */
export function valueBytes(i: number): Buffer {
  const out = Buffer.alloc((i % 40) + 1);
  for (let j = 0; j < out.length; j++) out[j] = (i * 31 + j * 7) & 0xff;
  return out;
}

/** Headers of record i: a repeated name, binary bytes and an empty value, in this order. */
export function headersOf(i: number): Array<[string, Buffer]> {
  return [['trace', Buffer.from([0x00, 0xff, i & 0xff])], ['empty', Buffer.alloc(0)], ['trace', Buffer.from('second', 'utf8')]];
}

export const keyOf = (i: number): string => `key-${i}`;

interface Produced { i: number; partition: number; offset: number }
interface ReadRecord { partition: number; offset: number; key: string; value: string; headers: Array<[string, string]> }
interface MemberEvent { event: 'assigned' | 'record'; partitions?: number[]; partition?: number; offset?: number; key?: string }

function lastJson<T>(stdout: string): T[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as T);
}

/** Runs one short mode to completion and returns its JSON lines. */
export function runMode<T>(program: ClientProgram, args: string[]): Promise<T[]> {
  const timeoutMs = program.modeTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(program.command[0]!, [...program.command.slice(1), ...args], { env: { ...process.env, ...program.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { if (err.length < 20_000) err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${program.name} ${args[0]} exited ${code ?? signal}: ${err.slice(-4000)}`));
      else resolve(lastJson<T>(out));
    });
  });
}

class Member {
  readonly events: MemberEvent[] = [];
  stderr = '';
  readonly child: ChildProcess;
  constructor(program: ClientProgram, args: string[]) {
    this.child = spawn(program.command[0]!, [...program.command.slice(1), ...args], { env: { ...process.env, ...program.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    track(this.child);
    createInterface({ input: this.child.stdout! }).on('line', (l) => { if (l.startsWith('{')) this.events.push(JSON.parse(l) as MemberEvent); });
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
  }
  get assignment(): number[] {
    const last = this.events.filter((e) => e.event === 'assigned').pop();
    return last?.partitions ?? [];
  }
  get keys(): Set<string> {
    return new Set(this.events.filter((e) => e.event === 'record').map((e) => e.key!));
  }
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** The members' latest assignments cover every partition once, each member holding at least one. */
function splitsCleanly(members: Member[]): boolean {
  const all = members.flatMap((m) => m.assignment);
  return members.every((m) => m.assignment.length > 0) && all.length === partitions && new Set(all).size === partitions;
}

function describe(members: Member[]): string {
  return members.map((m, i) => `member ${i}: [${m.assignment}] ${m.alive ? '' : '(exited) '}${m.stderr.slice(-500)}`).join('\n');
}

async function committedOffsets(broker: TestBroker, groupId: string, topic: string): Promise<Map<number, number>> {
  const c = await WireClient.connect(broker.bootstrap);
  try {
    const res = await c.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId, topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, p) => p) }] }], requireStable: false });
    const out = new Map<number, number>();
    for (const t of res.groups[0].topics) for (const p of t.partitions) out.set(p.partitionIndex, Number(p.committedOffset));
    return out;
  } finally {
    c.close();
  }
}

export async function withBroker(fn: (broker: TestBroker) => Promise<void>, config: Record<string, string | number> = {}): Promise<void> {
  const broker = await startTestBroker({ ...scenarioBrokerConfig, ...config });
  try {
    await fn(broker);
  } finally {
    await broker.close();
  }
}

/** Creates a topic through the client's admin API and checks the metadata it read back. */
export async function createTopic(program: ClientProgram, broker: TestBroker, tag: string): Promise<string> {
  const topic = uniqueTopic(`${program.name}-${tag}`);
  const [meta] = await runMode<{ partitions: number; nodes: Array<{ id: number; host: string; port: number }> }>(program, ['create', broker.bootstrap, topic, String(partitions)]);
  assert.ok(meta, 'create printed the metadata');
  assert.equal(meta.partitions, partitions, 'metadata shows every partition of the new topic');
  assert.deepEqual(meta.nodes.map((n) => `${n.host}:${n.port}`), [broker.bootstrap], 'one node, at the bootstrap address');
  return topic;
}

/** Produces records [from, from+count) and checks murmur2 placement and dense offsets. */
export async function produce(program: ClientProgram, broker: TestBroker, topic: string, from: number, count: number): Promise<Produced[]> {
  const produced = await runMode<Produced>(program, ['produce', broker.bootstrap, topic, String(from), String(count)]);
  assert.equal(produced.length, count, 'every record acknowledged');
  for (const r of produced) {
    assert.equal(r.partition, partitionForKey(Buffer.from(keyOf(r.i)), partitions), `record ${r.i}: the client's partitioner agrees with murmur2 (src/partitioner.ts)`);
  }
  return produced;
}

/** Keyed produce with headers, read back byte for byte by the same client. */
export async function produceAndReadBack(program: ClientProgram, broker: TestBroker): Promise<void> {
  const topic = await createTopic(program, broker, 'rw');
  const count = 60;
  const produced = await produce(program, broker, topic, 0, count);
  for (let p = 0; p < partitions; p++) {
    const offsets = produced.filter((r) => r.partition === p).map((r) => r.offset).sort((a, b) => a - b);
    assert.deepEqual(offsets, offsets.map((_, k) => k), `partition ${p}: offsets dense from 0`);
  }
  const read = await runMode<ReadRecord>(program, ['read', broker.bootstrap, topic, String(partitions), String(count)]);
  assert.equal(read.length, count, 'every record read back');
  const byPlace = new Map(produced.map((r) => [`${r.partition}/${r.offset}`, r.i]));
  for (const r of read) {
    const i = byPlace.get(`${r.partition}/${r.offset}`);
    assert.notEqual(i, undefined, `read ${r.partition}/${r.offset} was produced`);
    assert.equal(r.key, Buffer.from(keyOf(i!)).toString('hex'), `record ${i}: key`);
    assert.equal(r.value, valueBytes(i!).toString('hex'), `record ${i}: value byte for byte`);
    assert.deepEqual(r.headers, (program.headersOf ?? headersOf)(i!).map(([k, v]) => [k, v.toString('hex')]), `record ${i}: headers in order, byte for byte`);
  }
}

/**
 * Three members split the partitions; one is SIGKILLed and the other two take its partitions over;
 * the survivors close cleanly; a new member resumes exactly at the committed offsets.
 */
export async function groupFailover(program: ClientProgram, broker: TestBroker, protocol: 'classic' | 'consumer'): Promise<void> {
  const topic = await createTopic(program, broker, `g-${protocol}`);
  const groupId = `${topic}-group`;
  const memberArgs = ['member', broker.bootstrap, topic, groupId, protocol];
  const members = [0, 1, 2].map(() => new Member(program, memberArgs));
  let resumer: Member | undefined;
  try {
    await waitFor('three members split the partitions', () => (splitsCleanly(members) ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 })
      .catch((e: Error) => { throw new Error(`${e.message}\n${describe(members)}`); });
    const first = await produce(program, broker, topic, 0, 30);
    const firstKeys = first.map((r) => keyOf(r.i));
    await waitFor('the group consumed the first batch', () => {
      const seen = new Set(members.flatMap((m) => [...m.keys]));
      return firstKeys.every((k) => seen.has(k)) ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    await waitFor('the first batch committed', async () => {
      const committed = await committedOffsets(broker, groupId, topic);
      return Array.from({ length: partitions }, (_, p) => p).every((p) => committed.get(p) === first.filter((r) => r.partition === p).length) ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });

    const victim = members[0]!;
    const survivors = members.slice(1);
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    await waitFor('the two survivors took over every partition', () => (splitsCleanly(survivors) ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 })
      .catch((e: Error) => { throw new Error(`${e.message}\n${describe(survivors)}`); });
    const second = await produce(program, broker, topic, 30, 30);
    await waitFor('the survivors consumed the second batch', () => {
      const seen = new Set(survivors.flatMap((m) => [...m.keys]));
      return second.every((r) => seen.has(keyOf(r.i))) ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    const ends = new Map<number, number>();
    for (const r of [...first, ...second]) ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1));
    await waitFor('the second batch committed', async () => {
      const committed = await committedOffsets(broker, groupId, topic);
      return [...ends].every(([p, end]) => committed.get(p) === end) ? true : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    for (const m of survivors) {
      const exit = await stopChild(m.child, 'SIGTERM', 15_000);
      assert.notEqual(exit.signal, 'SIGKILL', `a survivor closes on SIGTERM\n${m.stderr}`);
    }

    const third = await produce(program, broker, topic, 60, 12);
    resumer = new Member(program, memberArgs);
    const r = resumer;
    await waitFor('a new member read the third batch', () => (third.every((x) => r.keys.has(keyOf(x.i))) ? true : undefined), { timeoutMs: 60_000, intervalMs: 100 })
      .catch((e: Error) => { throw new Error(`${e.message}\n${describe([r])}`); });
    const records = r.events.filter((e) => e.event === 'record');
    for (let p = 0; p < partitions; p++) {
      const firstOffset = records.filter((e) => e.partition === p).map((e) => e.offset!)[0];
      if (firstOffset !== undefined) assert.equal(firstOffset, ends.get(p) ?? 0, `partition ${p}: resumed at the committed offset`);
    }
    assert.deepEqual([...r.keys].sort(), third.map((x) => keyOf(x.i)).sort(), 'the new member read the third batch and nothing before it');
  } finally {
    await Promise.all([...members, ...(resumer ? [resumer] : [])].map((m) => stopChild(m.child, 'SIGTERM', 10_000)));
  }
}
