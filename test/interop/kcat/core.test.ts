import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runKcat, kcatOk } from '../../support/kcat.js';
import { startTarget, uniqueTopic, unsupportedOnMock, type Target } from '../../support/target.js';
import { sleep } from '../../support/net.js';
import { partitionForKey } from '../../../src/partitioner.js';
import { assertSameRecords, type ReceivedRecord, type TestRecord } from '../messages.js';

// kcat has no admin API: topics come from auto-creation (our broker: num.partitions=3;
// the mock cluster auto-creates with 4 partitions) or from the mock's side channel.
const partitionsAuto = 3;
const testTimeoutMs = 60_000;
const kcatTimeoutMs = 20_000;
// Delimiters long enough never to occur in the random payloads (checked when generating).
const recordDelimiter = '\n--mk-record-end--\n';
const keyDelimiter = '--mk-key-end--';

async function withTarget(fn: (target: Target, autoPartitions: number) => Promise<void>): Promise<void> {
  const target = await startTarget({ config: { 'auto.create.topics.enable': 'true', 'num.partitions': partitionsAuto } });
  try {
    await fn(target, target.kind === 'mock' ? 4 : partitionsAuto);
  } finally {
    await target.close();
  }
}

/** Binary-safe records without the delimiters; kcat cannot send null or empty keys/values. */
function kcatRecords(count: number, { keyed, tag }: { keyed: boolean; tag: string }): TestRecord[] {
  const out: TestRecord[] = [];
  while (out.length < count) {
    const i = out.length;
    const key = keyed ? Buffer.concat([Buffer.from(`${tag}-k${i}-`), randomBytes(3 + (i % 7))]) : null;
    const value = Buffer.concat([Buffer.from(`${tag}-v${i}-`), randomBytes((i * 53) % 400)]);
    const text = Buffer.concat([key ?? Buffer.alloc(0), value]).toString('latin1');
    if (text.includes(recordDelimiter) || text.includes(keyDelimiter)) continue;
    out.push({ key, value, headers: i % 3 === 0 ? [] : [[`h${i}`, Buffer.from(`${tag}${i}`)], ['src', Buffer.from('kcat')]] });
  }
  return out;
}

/** Produces records with kcat, all with the same headers per call (kcat's -H applies to every message). */
async function produce(target: Target, topic: string, records: readonly TestRecord[], extra: string[] = []): Promise<void> {
  const headers = records[0]?.headers ?? [];
  assert.ok(records.every((r) => JSON.stringify(r.headers) === JSON.stringify(headers)), 'one header set per kcat run');
  const keyed = records.some((r) => r.key !== null);
  const input = Buffer.concat(records.flatMap((r) => [...(keyed ? [r.key!, Buffer.from(keyDelimiter)] : []), r.value!, Buffer.from(recordDelimiter)]));
  const args = ['-b', target.bootstrap, '-P', '-t', topic, '-D', recordDelimiter, '-X', 'topic.partitioner=murmur2_random', '-X', 'acks=all'];
  if (keyed) args.push('-K', keyDelimiter);
  for (const [k, v] of headers) args.push('-H', `${k}=${v.toString()}`);
  kcatOk(await runKcat([...args, ...extra], { input, timeoutMs: kcatTimeoutMs }), `produce to ${topic}`);
}

/** Consumes one partition (or all) from `offset` to the end, parsing kcat's output by the lengths it prints. */
async function consume(target: Target, topic: string, { partition, offset = 'beginning' }: { partition?: number; offset?: string } = {}): Promise<Array<ReceivedRecord & { timestamp: number }>> {
  const args = ['-b', target.bootstrap, '-C', '-t', topic, '-o', offset, '-e', '-q', '-f', '%p %o %K %S %T %h\n%k%s\n'];
  if (partition !== undefined) args.push('-p', String(partition));
  const result = await runKcat(args, { timeoutMs: kcatTimeoutMs });
  kcatOk(result, `consume ${topic}`);
  const out = result.stdoutBytes;
  const records: Array<ReceivedRecord & { timestamp: number }> = [];
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    assert.ok(eol > at, `bad kcat output at byte ${at}`);
    const [p, o, keyLength, valueLength, ts, headerText = ''] = out.subarray(at, eol).toString('latin1').split(' ');
    at = eol + 1;
    const take = (n: number): Buffer | null => {
      if (n < 0) return null;
      const b = out.subarray(at, at + n);
      at += n;
      return Buffer.from(b);
    };
    const key = take(Number(keyLength));
    const value = take(Number(valueLength));
    assert.equal(out[at], 0x0a, 'record not followed by a newline');
    at += 1;
    const headers: Array<[string, Buffer]> = headerText === '' ? [] : headerText.split(',').map((kv) => {
      const eq = kv.indexOf('=');
      return [kv.slice(0, eq), Buffer.from(kv.slice(eq + 1))];
    });
    records.push({ partition: Number(p), offset: BigInt(o!), key, value, headers, timestamp: Number(ts) });
  }
  return records;
}

interface KcatMetadata {
  brokers: Array<{ id: number; name: string }>;
  topics: Array<{ topic: string; error?: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
}

async function metadata(target: Target, topic?: string): Promise<KcatMetadata> {
  const args = ['-b', target.bootstrap, '-L', '-J', ...(topic ? ['-t', topic] : [])];
  return JSON.parse(kcatOk(await runKcat(args, { timeoutMs: kcatTimeoutMs }), 'metadata')) as KcatMetadata;
}

test('kcat: metadata (-L -J) lists the broker and an auto-created topic with its partitions', { timeout: testTimeoutMs }, () =>
  withTarget(async (target, autoPartitions) => {
    const topic = uniqueTopic('kcat-meta');
    await produce(target, topic, kcatRecords(1, { keyed: false, tag: 'm' }));
    const all = await metadata(target);
    assert.equal(all.brokers.length, 1);
    const broker = all.brokers[0]!;
    assert.equal(broker.name, target.bootstrap.split(',')[0]);
    const t = all.topics.find((x) => x.topic === topic);
    assert.ok(t, `${topic} not in ${all.topics.map((x) => x.topic).join(',')}`);
    assert.equal(t.error, undefined);
    assert.deepEqual(t.partitions.map((p) => p.partition).sort((a, b) => a - b), [...Array(autoPartitions).keys()]);
    for (const p of t.partitions) {
      assert.equal(p.leader, broker.id);
      assert.deepEqual(p.replicas.map((r) => r.id), [broker.id]);
      assert.deepEqual(p.isrs.map((r) => r.id), [broker.id]);
    }
    const one = await metadata(target, topic);
    assert.deepEqual(one.topics.map((x) => x.topic), [topic]);
  }),
);

test('kcat: keyed records land on partitionForKey and read back byte for byte per partition (-p, -o beginning, -e)', { timeout: testTimeoutMs }, () =>
  withTarget(async (target, n) => {
    const topic = uniqueTopic('kcat-keyed');
    const first = kcatRecords(30, { keyed: true, tag: 'a' }).map((r) => ({ ...r, headers: [['src', Buffer.from('kcat')]] as Array<[string, Buffer]> }));
    const second = kcatRecords(10, { keyed: true, tag: 'b' }).map((r) => ({ ...r, headers: [] as Array<[string, Buffer]> }));
    await produce(target, topic, first);
    await produce(target, topic, second);
    const all = [...first, ...second];
    for (let p = 0; p < n; p++) {
      const expected = all.filter((r) => partitionForKey(r.key!, n) === p);
      const got = await consume(target, topic, { partition: p });
      assert.ok(got.every((r) => r.partition === p));
      assertSameRecords(got, expected, `${topic}/${p}`);
    }
    // The whole topic at once: every record exactly once.
    const everything = await consume(target, topic);
    assert.equal(everything.length, all.length);
  }),
);

test('kcat: unkeyed records, and consuming from an absolute offset', { timeout: testTimeoutMs }, () =>
  withTarget(async (target) => {
    const topic = uniqueTopic('kcat-unkeyed');
    const records = kcatRecords(25, { keyed: false, tag: 'u' }).map((r) => ({ ...r, headers: [['x', Buffer.from('1')], ['y', Buffer.from('2')]] as Array<[string, Buffer]> }));
    await produce(target, topic, records, ['-p', '1']);
    assertSameRecords(await consume(target, topic, { partition: 1 }), records, `${topic}/1`);
    assertSameRecords(await consume(target, topic, { partition: 1, offset: '20' }), records.slice(20), `${topic}/1 from 20`, 20n);
    assert.equal((await consume(target, topic, { partition: 0 })).length, 0);
  }),
);

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
  test(`kcat: ${codec}-compressed batches pass through with identical values`, { timeout: testTimeoutMs }, () =>
    withTarget(async (target) => {
      const topic = uniqueTopic(`kcat-${codec}`);
      // Compressible values so the codec really produces a compressed batch.
      const records = kcatRecords(40, { keyed: true, tag: codec }).map((r, i) => ({ ...r, value: Buffer.concat([r.value!, Buffer.alloc(200 + i, 'z')]), headers: [] as Array<[string, Buffer]> }));
      await produce(target, topic, records, ['-p', '0', '-z', codec]);
      assertSameRecords(await consume(target, topic, { partition: 0 }), records, `${topic}/0`);
    }),
  );
}

test('kcat: list offsets (-Q) by timestamp, and -o -N (relative to the end)', { timeout: testTimeoutMs, skip: unsupportedOnMock('ListOffsets by timestamp answers the end offset') }, () =>
  withTarget(async (target) => {
    const topic = uniqueTopic('kcat-offsets');
    const before = Date.now() - 1;
    await produce(target, topic, kcatRecords(5, { keyed: false, tag: 'a' }).map((r) => ({ ...r, headers: [] })), ['-p', '0']);
    await sleep(50);
    const middle = Date.now();
    await sleep(50);
    await produce(target, topic, kcatRecords(3, { keyed: false, tag: 'b' }).map((r) => ({ ...r, headers: [] })), ['-p', '0']);
    const query = async (ts: number): Promise<string> => {
      const out = kcatOk(await runKcat(['-b', target.bootstrap, '-Q', '-t', `${topic}:0:${ts}`], { timeoutMs: kcatTimeoutMs }), 'query offsets');
      const m = /\[0\] offset (-?\d+)/.exec(out);
      assert.ok(m, `unexpected -Q output: ${out}`);
      return m[1]!;
    };
    assert.equal(await query(before), '0');
    assert.equal(await query(middle), '5');
    assert.equal(await query(-1), '8', 'latest');
    assert.equal(await query(-2), '0', 'earliest');
    assert.equal(await query(Date.now() + 3_600_000), '-1', 'after the last record');
    const lastTwo = await consume(target, topic, { partition: 0, offset: '-2' });
    assert.deepEqual(lastTwo.map((r) => r.offset), [6n, 7n]);
    const got = await consume(target, topic, { partition: 0 });
    assert.ok(got.slice(0, 5).every((r) => r.timestamp >= before && r.timestamp <= middle), 'CreateTime of the first run');
  }),
);
