/** DescribeConfigs (32) and topic configs as Kafka has them: the whole set, types, synonyms, sources, documentation, order, v0; CreateTopics accepting every Kafka topic config. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { kafkaListingOrder, topicConfigDefs } from '../../src/broker/topic-config-defs.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const TOPIC = 2;
interface Synonym { name: string; value: string | null; source: number }
interface Entry { name: string; value: string | null; readOnly: boolean; isDefault: boolean; configSource: number; synonyms: Synonym[]; configType: number; documentation: string | null }

/** Kafka 4.x's topic configs (LogConfig), which a full listing must hold exactly. */
const KAFKA_4_TOPIC_CONFIGS = [
  'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level', 'delete.retention.ms',
  'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas', 'index.interval.bytes',
  'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms', 'max.compaction.lag.ms', 'max.message.bytes',
  'message.downconversion.enable', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.type',
  'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate', 'remote.log.copy.disable',
  'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.index.bytes',
  'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
];

async function withClient(config: Record<string, string | number | boolean>, fn: (c: WireClient) => Promise<void>): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false, ...config });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(client);
  } finally {
    client.close();
    await broker.close();
  }
}

async function create(c: WireClient, name: string, configs: { name: string; value: string }[]): Promise<{ errorCode: number; errorMessage: string | null }> {
  const res = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000, validateOnly: false });
  return res.topics[0];
}

async function describe(c: WireClient, name: string, keys: string[] | null, opts: { version?: number; synonyms?: boolean; docs?: boolean } = {}): Promise<Entry[]> {
  const res = await c.request(ApiKey.DescribeConfigs, opts.version ?? 4, { resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: keys }], includeSynonyms: opts.synonyms ?? false, includeDocumentation: opts.docs ?? false });
  assert.equal(res.results[0].errorCode, ErrorCode.NONE, res.results[0].errorMessage);
  return res.results[0].configs;
}

test('a full listing (null or empty key list) holds Kafka 4.x topic configs, in Kafka\'s order, with Kafka\'s types', () =>
  withClient({}, async (c) => {
    assert.equal((await create(c, 't', [])).errorCode, ErrorCode.NONE);
    const all = await describe(c, 't', null);
    assert.deepEqual(all.map((e) => e.name).sort(), KAFKA_4_TOPIC_CONFIGS);
    assert.deepEqual((await describe(c, 't', [])).map((e) => e.name), all.map((e) => e.name), 'an empty key list is every config');
    assert.deepEqual(all.map((e) => e.name), kafkaListingOrder(KAFKA_4_TOPIC_CONFIGS));
    const type = (n: string) => all.find((e) => e.name === n)!.configType;
    // ConfigType: BOOLEAN 1, STRING 2, INT 3, LONG 5, DOUBLE 6, LIST 7
    assert.deepEqual(
      ['cleanup.policy', 'segment.bytes', 'retention.ms', 'min.cleanable.dirty.ratio', 'preallocate', 'compression.type', 'max.message.bytes', 'leader.replication.throttled.replicas'].map(type),
      [7, 3, 5, 6, 1, 2, 3, 7],
    );
    for (const e of all) assert.equal(e.configSource, 5, `${e.name}: default`);
    assert.equal(all.find((e) => e.name === 'flush.messages')!.value, '9223372036854775807');
    assert.equal(all.find((e) => e.name === 'local.retention.ms')!.value, '-2');
  }));

test('synonyms: the topic override, then the broker\'s log.* config (static, then default); documentation when asked', () =>
  withClient({ 'log.retention.ms': 3_600_000 }, async (c) => {
    assert.equal((await create(c, 't', [{ name: 'cleanup.policy', value: 'compact, delete' }])).errorCode, ErrorCode.NONE);
    const all = await describe(c, 't', ['cleanup.policy', 'retention.ms', 'segment.bytes', 'segment.ms', 'remote.storage.enable', 'no.such'], { synonyms: true, docs: true });
    const by = new Map(all.map((e) => [e.name, e]));
    assert.deepEqual([...by.keys()].sort(), ['cleanup.policy', 'remote.storage.enable', 'retention.ms', 'segment.bytes', 'segment.ms'], 'only known keys asked for');
    const cp = by.get('cleanup.policy')!;
    assert.equal(cp.value, 'compact,delete');
    assert.equal(cp.configSource, 1);
    assert.deepEqual(cp.synonyms, [{ name: 'cleanup.policy', value: 'compact,delete', source: 1 }, { name: 'log.cleanup.policy', value: 'delete', source: 5 }]);
    const rm = by.get('retention.ms')!;
    assert.equal(rm.value, '3600000');
    assert.equal(rm.configSource, 4, 'from the static broker config');
    assert.deepEqual(rm.synonyms, [{ name: 'log.retention.ms', value: '3600000', source: 4 }], 'log.retention.ms has no Kafka default, so no DEFAULT synonym');
    assert.deepEqual(by.get('segment.bytes')!.synonyms, [{ name: 'log.segment.bytes', value: '1073741824', source: 5 }]);
    assert.deepEqual(by.get('segment.ms')!.synonyms, [], 'log.roll.ms has no Kafka default');
    assert.equal(by.get('segment.ms')!.configSource, 5);
    assert.deepEqual(by.get('remote.storage.enable')!.synonyms, [], 'no broker synonym');
    for (const e of all) assert.ok(typeof e.documentation === 'string' && e.documentation.length > 10, `${e.name} documented`);
    const plain = await describe(c, 't', ['cleanup.policy']);
    assert.deepEqual(plain[0]!.synonyms, []);
    assert.equal(plain[0]!.documentation, null);
  }));

test('CreateTopics accepts every Kafka topic config (3.x ones too); values are checked by type and range', () =>
  withClient({}, async (c) => {
    const accepted = [
      { name: 'message.timestamp.difference.max.ms', value: '3600000' }, { name: 'message.format.version', value: '2.8' },
      { name: 'flush.messages', value: '1' }, { name: 'preallocate', value: 'TRUE' }, { name: 'segment.jitter.ms', value: '100' },
      { name: 'compression.gzip.level', value: '9' }, { name: 'compression.zstd.level', value: '-5' }, { name: 'unclean.leader.election.enable', value: 'false' },
      { name: 'leader.replication.throttled.replicas', value: '0:1,1:1' }, { name: 'message.timestamp.after.max.ms', value: '1000' },
      { name: 'max.compaction.lag.ms', value: '9223372036854775807' }, { name: 'remote.storage.enable', value: 'false' },
    ];
    const r = await create(c, 'all', accepted);
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
    const listed = new Map((await describe(c, 'all', null)).map((e) => [e.name, e]));
    assert.equal(listed.size, KAFKA_4_TOPIC_CONFIGS.length + 2, 'the 3.x configs the topic sets are listed too');
    for (const a of accepted) {
      const e = listed.get(a.name)!;
      assert.equal(e.configSource, 1, a.name);
      assert.equal(e.value, a.name === 'preallocate' ? 'true' : a.value);
    }
    const refused: Array<[string, string, RegExp]> = [
      ['flush.messages', '0', /at least 1/], ['preallocate', 'maybe', /true or false/], ['compression.gzip.level', '10', /between 1 and 9/],
      ['compression.lz4.level', '18', /no more than 17/], ['segment.index.bytes', '2147483648', /INT/], ['max.compaction.lag.ms', '9223372036854775808', /LONG/],
      ['min.cleanable.dirty.ratio', '1.5', /between 0 and 1/], ['cleanup.policy', 'compact,forever', /compact, delete/], ['local.retention.ms', '-3', /at least -2/],
      ['follower.replication.throttled.replicas', 'all', /partitionId:brokerId/], ['message.format.version', 'latest', /version/], ['no.such', '1', /Unknown topic config/],
    ];
    for (const [name, value, message] of refused) {
      const res = await create(c, `bad-${name}`, [{ name, value }]);
      assert.equal(res.errorCode, ErrorCode.INVALID_CONFIG, `${name}=${value}`);
      assert.match(res.errorMessage ?? '', message, `${name}=${value}`);
    }
  }));

test('DescribeConfigs v0 (Kafka 3.9\'s oldest): isDefault set, no synonyms', () =>
  withClient({}, async (c) => {
    assert.equal((await create(c, 't', [{ name: 'retention.ms', value: '1000' }])).errorCode, ErrorCode.NONE);
    const all = await describe(c, 't', ['retention.ms', 'segment.bytes'], { version: 0 });
    const by = new Map(all.map((e) => [e.name, e]));
    assert.equal(by.get('retention.ms')!.isDefault, false);
    assert.equal(by.get('retention.ms')!.value, '1000');
    assert.equal(by.get('segment.bytes')!.isDefault, true);
  }));

test('the listing order is that of a Scala hash map: bucket (h ^ h>>>16) & (size-1), then hash', () => {
  // "b" and "a": Java hashes 98 and 97, buckets 2 and 1. "Aa" and "BB" collide (2112): stable among equals.
  assert.deepEqual(kafkaListingOrder(['b', 'a']), ['a', 'b']);
  // 12 names make 16 buckets grow to 32: "q" (113) lands in bucket 17, after "c" (99, bucket 3).
  const twelve = ['q', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'];
  assert.deepEqual(kafkaListingOrder(twelve), ['c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'q']);
  // With 11 names there are 16 buckets: "q" (113 & 15 = 1) comes first.
  assert.equal(kafkaListingOrder(twelve.slice(0, 11))[0], 'q');
  assert.equal(topicConfigDefs.length, KAFKA_4_TOPIC_CONFIGS.length + 2);
});
