import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { partitionForKey } from '../../src/partitioner.js';
import { runCli } from './run-cli.js';
import { spawn } from 'node:child_process';
import { cliPath } from '../support/paths.js';
import { track } from '../support/children.js';

let broker: TestBroker;
let b: string[];
let scratch: string;

before(async () => {
  broker = await startTestBroker({ 'group.consumer.heartbeat.interval.ms': 500 });
  b = ['--bootstrap', broker.bootstrap];
  scratch = mkdtempSync(join(tmpdir(), 'minikafka-cli-'));
});

after(async () => {
  await broker.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('--help everywhere exits 0; no command or a bad one exits 2', async () => {
  for (const args of [['--help'], ['topics', '--help'], ['topics', 'create', '--help'], ['produce', '--help'], ['consume', '-h'], ['groups', 'describe', '--help'], ['offsets', 'reset', '--help'], ['start', '--help']]) {
    const r = await runCli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /minikafka/);
  }
  assert.match((await runCli(['consume', '--help'])).stdout, /%k key/);
  for (const args of [[], ['topics'], ['nope'], ['topics', 'nope'], ['consume'], ['topics', 'create', 'x', '--partitions', 'many'], ['produce', 't', '--unknown'], ['offsets', 'reset', '--group', 'g', '--topic', 't']]) {
    const r = await runCli([...args, ...b]);
    assert.equal(r.code, 2, `${args.join(' ')} should be a usage error: ${r.stderr}`);
    assert.notEqual(r.stderr, '');
  }
});

test('topics create, list, describe (table and --json), delete; unknown topics exit 1 with the Kafka error name', async () => {
  let r = await runCli(['topics', 'create', 'cli-orders', '--partitions', '3', '--config', 'retention.ms=60000', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /created topic cli-orders \(3 partitions\)/);

  r = await runCli(['topics', 'list', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^TOPIC\s+PARTITIONS$/m);
  assert.match(r.stdout, /^cli-orders\s+3$/m);
  r = await runCli(['topics', 'list', '--json', ...b]);
  const listed = JSON.parse(r.stdout) as Array<{ name: string; partitions: number }>;
  assert.deepEqual(listed.find((t) => t.name === 'cli-orders'), { name: 'cli-orders', partitions: 3, internal: false });

  r = await runCli(['topics', 'describe', 'cli-orders', '--json', ...b]);
  assert.equal(r.code, 0, r.stderr);
  const [d] = JSON.parse(r.stdout) as Array<{ name: string; partitions: Array<{ partition: number; earliest: number; latest: number }>; configs: Record<string, string> }>;
  assert.deepEqual(d!.partitions.map((p) => [p.partition, p.earliest, p.latest]), [[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
  assert.equal(d!.configs['retention.ms'], '60000');
  r = await runCli(['topics', 'describe', 'cli-orders', ...b]);
  assert.match(r.stdout, /^Topic: cli-orders .*partitions: 3/m);

  r = await runCli(['topics', 'create', 'cli-orders', ...b]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TOPIC_ALREADY_EXISTS/);
  assert.equal((await runCli(['topics', 'create', 'cli-orders', '--if-not-exists', ...b])).code, 0);

  r = await runCli(['topics', 'describe', 'no-such-topic', ...b]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
  r = await runCli(['topics', 'describe', 'no-such-topic', '--json', ...b]);
  assert.equal(r.code, 1);
  assert.equal((JSON.parse(r.stderr) as { error: { name: string } }).error.name, 'UNKNOWN_TOPIC_OR_PARTITION');
  r = await runCli(['consume', 'no-such-topic', '--timeout-ms', '500', ...b]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);

  assert.equal((await runCli(['topics', 'delete', 'cli-orders', ...b])).code, 0);
  r = await runCli(['topics', 'list', '--json', ...b]);
  assert.equal((JSON.parse(r.stdout) as Array<{ name: string }>).some((t) => t.name === 'cli-orders'), false);
});

test('produce keyed lines from stdin; consume with --format and --json', async () => {
  assert.equal((await runCli(['topics', 'create', 'cli-keyed', '--partitions', '4', ...b])).code, 0);
  const lines = Array.from({ length: 20 }, (_, i) => `user-${i % 5}:event ${i}`);
  let r = await runCli(['produce', 'cli-keyed', '--key-separator', ':', '--headers', 'source=cli,v=1', '--json', ...b], { input: lines.join('\n') + '\n' });
  assert.equal(r.code, 0, r.stderr);
  const produced = JSON.parse(r.stdout) as { count: number; partitions: Array<{ partition: number; count: number }> };
  assert.equal(produced.count, 20);

  r = await runCli(['consume', 'cli-keyed', '--from-beginning', '--max-messages', '20', '--format', '%k:%v p=%p o=%o h=%h', ...b]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trimEnd().split('\n');
  assert.equal(out.length, 20);
  for (const line of out) {
    const m = /^(user-\d):(event \d+) p=(\d) o=(\d+) h=source=cli,v=1$/.exec(line);
    assert.ok(m, line);
    assert.equal(Number(m[3]), partitionForKey(Buffer.from(m[1]!), 4), `${m[1]} on the murmur2 partition`);
  }
  assert.deepEqual(out.map((l) => l.split(' p=')[0]).sort(), [...lines].sort());

  r = await runCli(['consume', 'cli-keyed', '--from-beginning', '--max-messages', '20', '--json', ...b]);
  assert.equal(r.code, 0, r.stderr);
  const msgs = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { topic: string; key: string; value: string; offset: number; headers: unknown });
  assert.equal(msgs.length, 20);
  assert.equal(msgs[0]!.topic, 'cli-keyed');
  assert.deepEqual(msgs[0]!.headers, [{ key: 'source', value: 'cli' }, { key: 'v', value: '1' }]);

  r = await runCli(['consume', 'cli-keyed', '--partition', '9', '--timeout-ms', '500', ...b]);
  assert.equal(r.code, 1);
});

test('produce --file to one partition with a fixed key; consume --timeout-ms exits when idle', async () => {
  assert.equal((await runCli(['topics', 'create', 'cli-file', '--partitions', '2', ...b])).code, 0);
  const file = join(scratch, 'lines.txt');
  writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n');
  let r = await runCli(['produce', 'cli-file', '--file', file, '--key', 'k', '--partition', '1', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /produced 1000 messages to cli-file/);
  assert.doesNotMatch(r.stderr, /\r/, 'no progress bar when stderr is not a terminal');
  r = await runCli(['consume', 'cli-file', '--partition', '1', '--from-beginning', '--timeout-ms', '1500', '--format', '%o %k %v', ...b]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trimEnd().split('\n');
  assert.equal(out.length, 1000);
  assert.equal(out[999], '999 k line 999');
  assert.match(r.stderr, /consumed 1000 messages/);
  r = await runCli(['produce', 'cli-file', '--file', join(scratch, 'missing.txt'), ...b]);
  assert.equal(r.code, 1);
});

test('consume with a group commits; groups list/describe; offsets reset; groups delete', async () => {
  assert.equal((await runCli(['topics', 'create', 'cli-group', '--partitions', '2', ...b])).code, 0);
  const input = Array.from({ length: 10 }, (_, i) => `m${i}`).join('\n');
  assert.equal((await runCli(['produce', 'cli-group', ...b], { input })).code, 0);

  let r = await runCli(['consume', 'cli-group', '--group', 'cli-g', '--from-beginning', '--max-messages', '10', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n').sort(), Array.from({ length: 10 }, (_, i) => `m${i}`).sort());

  r = await runCli(['groups', 'list', '--json', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((JSON.parse(r.stdout) as Array<{ groupId: string }>).some((g) => g.groupId === 'cli-g'), r.stdout);
  r = await runCli(['groups', 'list', ...b]);
  assert.match(r.stdout, /^cli-g\s/m);

  const lagOf = async (): Promise<number[]> => {
    const res = await runCli(['groups', 'describe', 'cli-g', '--json', ...b]);
    assert.equal(res.code, 0, res.stderr);
    const [g] = JSON.parse(res.stdout) as Array<{ offsets: Array<{ topic: string; partition: number; lag: number }> }>;
    return g!.offsets.filter((o) => o.topic === 'cli-group').sort((x, y) => x.partition - y.partition).map((o) => o.lag);
  };
  assert.deepEqual(await lagOf(), [0, 0]);
  r = await runCli(['groups', 'describe', 'cli-g', ...b]);
  assert.match(r.stdout, /^Group: cli-g /m);
  assert.match(r.stdout, /^TOPIC\s+PARTITION\s+COMMITTED\s+END\s+LAG/m);

  r = await runCli(['offsets', 'reset', '--group', 'cli-g', '--topic', 'cli-group', '--to-earliest', '--json', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { offsets: Array<{ offset: number }> }).offsets.map((o) => o.offset), [0, 0]);
  assert.equal((await lagOf()).reduce((a, x) => a + x, 0), 10);
  r = await runCli(['consume', 'cli-group', '--group', 'cli-g', '--max-messages', '10', ...b]);
  assert.equal(r.stdout.trimEnd().split('\n').length, 10, 'the reset group reads everything again');

  r = await runCli(['offsets', 'reset', '--group', 'cli-g', '--topic', 'cli-group', '--to-offset', '1', '--partitions', '0', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\s*0\s+1$/m);

  assert.equal((await runCli(['groups', 'delete', 'cli-g', ...b])).code, 0);
  r = await runCli(['groups', 'describe', 'cli-g', ...b]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /GROUP_ID_NOT_FOUND/);
});

test('an unreachable bootstrap is a run-time error (exit 1)', async () => {
  const r = await runCli(['topics', 'list', '--bootstrap', '127.0.0.1:1'], { timeoutMs: 60_000 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^minikafka: [A-Z_]+/);
});

test('consume with a group stops cleanly on SIGINT; a live member shows in groups describe', async () => {
  assert.equal((await runCli(['topics', 'create', 'cli-live', '--partitions', '2', ...b])).code, 0);
  const child = spawn(process.execPath, [cliPath, 'consume', 'cli-live', '--group', 'cli-live-g', ...b], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let described: { state: string; members: Array<{ assignment: unknown[] }>; offsets: Array<{ committed: number; owner?: string }> } | undefined;
  for (let i = 0; i < 50; i++) {
    const r = await runCli(['groups', 'describe', 'cli-live-g', '--json', ...b]);
    if (r.code === 0) {
      described = (JSON.parse(r.stdout) as (typeof described)[])[0];
      if (described?.members[0]?.assignment.length === 2) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(described?.state, 'Stable');
  assert.equal(described?.members.length, 1);
  assert.deepEqual(described?.offsets.map((o) => o.committed), [-1, -1], 'assigned partitions show even before a commit');
  const r = await runCli(['groups', 'describe', 'cli-live-g', ...b]);
  assert.match(r.stdout, /^cli-live\s+0\s+-\s+0\s+0\s+minikafka-cli/m);
  child.kill('SIGINT');
  assert.equal(await exit, 0, stderr);
  assert.match(stderr, /consumed 0 messages/);
});

test('produce --compression with every codec and --acks 1; consume reads them back', async () => {
  assert.equal((await runCli(['topics', 'create', 'cli-codecs', '--partitions', '1', ...b])).code, 0);
  const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  for (const codec of codecs) {
    const r = await runCli(['produce', 'cli-codecs', '--compression', codec, '--acks', '1', ...b], { input: `${codec} a\n${codec} b\n` });
    assert.equal(r.code, 0, `${codec}: ${r.stderr}`);
  }
  const r = await runCli(['consume', 'cli-codecs', '--from-beginning', '--max-messages', String(codecs.length * 2), ...b]);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), codecs.flatMap((c) => [`${c} a`, `${c} b`]));
  assert.equal((await runCli(['produce', 'cli-codecs', '--compression', 'brotli', ...b])).code, 2);
  assert.equal((await runCli(['produce', 'cli-codecs', '--acks', '2', ...b])).code, 2);
});

test('topics alter: --config sets, --delete-config removes, --validate-only checks only, bad values exit 1 with INVALID_CONFIG', async () => {
  assert.equal((await runCli(['topics', 'create', 'cli-alter', '--config', 'segment.ms=100000', ...b])).code, 0);
  let r = await runCli(['topics', 'alter', 'cli-alter', '--config', 'retention.ms=90000', '--delete-config', 'segment.ms', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /altered configs of topic cli-alter: retention\.ms=90000, -segment\.ms/);
  const configs = async () => (JSON.parse((await runCli(['topics', 'describe', 'cli-alter', '--json', ...b])).stdout) as Array<{ configs: Record<string, string> }>)[0]!.configs;
  assert.deepEqual(await configs(), { 'retention.ms': '90000' });
  r = await runCli(['topics', 'alter', 'cli-alter', '--config', 'retention.ms=1', '--validate-only', '--json', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { validateOnly: boolean }).validateOnly, true);
  assert.deepEqual(await configs(), { 'retention.ms': '90000' });
  r = await runCli(['topics', 'alter', 'cli-alter', '--config', 'retention.ms=soon', ...b]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /INVALID_CONFIG/);
  assert.equal((await runCli(['topics', 'alter', 'cli-alter', ...b])).code, 2, 'no change is a usage error');
  assert.equal((await runCli(['topics', 'alter', 'no-such-topic', '--config', 'retention.ms=1', ...b])).code, 1);
});

test('consume --isolation-level read_committed skips an aborted transaction; read_uncommitted shows it', async () => {
  const { Producer } = await import('../../src/client/producer.js');
  assert.equal((await runCli(['topics', 'create', 'cli-txn', '--partitions', '1', ...b])).code, 0);
  const producer = new Producer({ bootstrap: broker.bootstrap, transactionalId: 'cli-txn-producer' });
  try {
    const t1 = await producer.transaction();
    await t1.send({ topic: 'cli-txn', messages: [{ value: 'kept' }] });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'cli-txn', messages: [{ value: 'aborted' }] });
    await t2.abort();
  } finally {
    await producer.close();
  }
  let r = await runCli(['consume', 'cli-txn', '--from-beginning', '--isolation-level', 'read_committed', '--timeout-ms', '1500', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), ['kept']);
  r = await runCli(['consume', 'cli-txn', '--from-beginning', '--max-messages', '2', ...b]);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), ['kept', 'aborted']);
  r = await runCli(['consume', 'cli-txn', '--isolation-level', 'serializable', ...b]);
  assert.equal(r.code, 2);
  r = await runCli(['transactions', 'list', '--json', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as Array<{ transactionalId: string; state: string }>).find((t) => t.transactionalId === 'cli-txn-producer')?.state, 'CompleteAbort');
  r = await runCli(['transactions', 'describe', 'cli-txn-producer', ...b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /cli-txn-producer\s+\d+\s+\d+\s+CompleteAbort\s+60000/);
  r = await runCli(['transactions', 'describe', 'nobody', ...b]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TRANSACTIONAL_ID_NOT_FOUND/);
});
