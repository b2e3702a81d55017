/**
 * The admin and tool APIs answered as a single Kafka node, over the wire: OffsetForLeaderEpoch (23),
 * DescribeLogDirs (35), ElectLeaders (43), Alter/ListPartitionReassignments (45/46), Describe/AlterClientQuotas
 * (48/49, persisted), DescribeQuorum (55), UpdateFeatures (57) and features in ApiVersions,
 * GetTelemetrySubscriptions (71), DescribeTopicPartitions (75).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function withBroker(fn: (c: WireClient, b: TestBroker) => Promise<void>, dataDir?: string): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false }, dataDir);
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(client, broker);
  } finally {
    client.close();
    await broker.close();
  }
}

async function create(c: WireClient, name: string, partitions: number): Promise<void> {
  const res = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

async function produce(c: WireClient, topic: string, partition: number, count: number): Promise<void> {
  const records = buildRecordBatch({ baseOffset: 0, records: Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })) });
  const res = await c.request(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
}

test('OffsetForLeaderEpoch v0-4: epoch 0 ends at the log end offset, a later epoch is undefined, currentLeaderEpoch fences', () =>
  withBroker(async (c) => {
    await create(c, 't', 2);
    await produce(c, 't', 1, 5);
    for (const version of [0, 1, 2, 3, 4]) {
      const res = await c.request(ApiKey.OffsetForLeaderEpoch, version, {
        replicaId: -1,
        topics: [
          { topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }, { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 }, { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 3 }, { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
          { topic: 'missing', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
        ],
      });
      const [t, missing] = res.topics;
      const got = t.partitions.map((p: any) => [p.errorCode, p.endOffset]);
      assert.deepEqual(got, [[0, 0n], [0, 5n], [0, -1n], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n]], `v${version}`);
      if (version >= 1) assert.deepEqual(t.partitions.map((p: any) => p.leaderEpoch), [0, 0, -1, -1]);
      assert.equal(missing.partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    const fenced = await c.request(ApiKey.OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 2, leaderEpoch: 0 }] }] });
    assert.equal(fenced.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH);
  }));

test('DescribeLogDirs v0-4: the data dir with every partition\'s size, or only those asked for; v4 volume sizes', () =>
  withBroker(async (c, b) => {
    await create(c, 'a', 2);
    await create(c, 'b', 1);
    await produce(c, 'a', 1, 10);
    for (const version of [0, 1, 2, 3, 4]) {
      const res = await c.request(ApiKey.DescribeLogDirs, version, { topics: null });
      if (version >= 3) assert.equal(res.errorCode, ErrorCode.NONE);
      assert.equal(res.results.length, 1);
      const dir = res.results[0];
      assert.equal(dir.logDir, b.dataDir);
      const sizes = new Map(dir.topics.flatMap((t: any) => t.partitions.map((p: any) => [`${t.name}-${p.partitionIndex}`, p.partitionSize])));
      assert.deepEqual([...sizes.keys()].filter((k) => !(k as string).startsWith('__')).sort(), ['a-0', 'a-1', 'b-0']);
      assert.equal(sizes.get('a-0'), 0n);
      assert.ok((sizes.get('a-1') as bigint) > 0n, 'the produced partition has bytes');
      if (version >= 4) assert.ok(dir.totalBytes > 0n && dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes);
    }
    const some = await c.request(ApiKey.DescribeLogDirs, 4, { topics: [{ topic: 'a', partitions: [1, 7] }, { topic: 'missing', partitions: [0] }] });
    assert.deepEqual(some.results[0].topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.partitionIndex)]), [['a', [1]]]);
  }));

test('ElectLeaders v0-2: no election is ever needed on one node; unknown partitions; all partitions answers none', () =>
  withBroker(async (c) => {
    await create(c, 't', 2);
    for (const version of [0, 1, 2]) {
      const res = await c.request(ApiKey.ElectLeaders, version, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1, 5] }, { topic: 'missing', partitions: [0] }], timeoutMs: 1000 });
      if (version >= 1) assert.equal(res.errorCode, ErrorCode.NONE);
      const codes = res.replicaElectionResults.map((r: any) => [r.topic, r.partitionResult.map((p: any) => p.errorCode)]);
      assert.deepEqual(codes, [['t', [ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]], ['missing', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]);
    }
    const all = await c.request(ApiKey.ElectLeaders, 2, { electionType: 1, topicPartitions: null, timeoutMs: 1000 });
    assert.deepEqual(all.replicaElectionResults, []);
    assert.equal((await c.request(ApiKey.ElectLeaders, 2, { electionType: 7, topicPartitions: null, timeoutMs: 1000 })).errorCode, ErrorCode.INVALID_REQUEST);
  }));

test('Alter/ListPartitionReassignments: to this node completes at once, other brokers are not registered, nothing is ever in progress', () =>
  withBroker(async (c, b) => {
    await create(c, 't', 1);
    const node = b.state.nodeId;
    const res = await c.request(ApiKey.AlterPartitionReassignments, 0, {
      timeoutMs: 1000,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [node] }] }, { name: 'missing', partitions: [{ partitionIndex: 0, replicas: [node] }] }],
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.deepEqual(res.responses.map((t: any) => t.partitions[0].errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const cases: Array<[number[] | null, number]> = [[[node, node + 1], ErrorCode.INVALID_REPLICA_ASSIGNMENT], [[], ErrorCode.INVALID_REPLICA_ASSIGNMENT], [[node, node], ErrorCode.INVALID_REPLICA_ASSIGNMENT], [null, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS]];
    for (const [replicas, code] of cases) {
      const r = await c.request(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas }] }] });
      assert.equal(r.responses[0].partitions[0].errorCode, code, JSON.stringify(replicas));
    }
    for (const topics of [null, [{ name: 't', partitionIndexes: [0] }]]) {
      const list = await c.request(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 1000, topics });
      assert.equal(list.errorCode, ErrorCode.NONE);
      assert.deepEqual(list.topics, []);
    }
  }));

test('Describe/AlterClientQuotas v0-1: stored per entity, filtered as Kafka filters, checked, kept across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mk-quotas-'));
  const user = (name: string | null) => [{ entityType: 'user', entityName: name }];
  const alter = (c: WireClient, entity: unknown, ops: unknown[], version = 1, validateOnly = false) => c.request(ApiKey.AlterClientQuotas, version, { entries: [{ entity, ops }], validateOnly });
  const describe = async (c: WireClient, components: unknown[], strict = false, version = 1) => {
    const res = await c.request(ApiKey.DescribeClientQuotas, version, { components, strict });
    assert.equal(res.errorCode, ErrorCode.NONE, res.errorMessage);
    return res.entries.map((e: any) => [e.entity.map((x: any) => `${x.entityType}=${x.entityName}`).sort().join(','), Object.fromEntries(e.values.map((v: any) => [v.key, v.value]))]).sort();
  };
  try {
    await withBroker(async (c) => {
      for (const version of [0, 1]) {
        const r = await alter(c, user('alice'), [{ key: 'producer_byte_rate', value: 1024, remove: false }, { key: 'request_percentage', value: 12.5, remove: false }], version);
        assert.equal(r.entries[0].errorCode, ErrorCode.NONE, r.entries[0].errorMessage);
      }
      assert.equal((await alter(c, user(null), [{ key: 'consumer_byte_rate', value: 2048, remove: false }])).entries[0].errorCode, ErrorCode.NONE);
      assert.equal((await alter(c, [{ entityType: 'user', entityName: 'bob' }, { entityType: 'client-id', entityName: 'app' }], [{ key: 'producer_byte_rate', value: 10, remove: false }])).entries[0].errorCode, ErrorCode.NONE);
      assert.equal((await alter(c, [{ entityType: 'ip', entityName: '10.0.0.1' }], [{ key: 'connection_creation_rate', value: 5, remove: false }], 1, true)).entries[0].errorCode, ErrorCode.NONE, 'validateOnly');
      const refused: Array<[unknown, unknown[]]> = [
        [[{ entityType: 'group', entityName: 'x' }], [{ key: 'producer_byte_rate', value: 1, remove: false }]],
        [[{ entityType: 'ip', entityName: '1.2.3.4' }, { entityType: 'user', entityName: 'x' }], [{ key: 'connection_creation_rate', value: 1, remove: false }]],
        [user('x'), [{ key: 'connection_creation_rate', value: 1, remove: false }]],
        [user('x'), [{ key: 'producer_byte_rate', value: 1.5, remove: false }]],
        [user('x'), [{ key: 'producer_byte_rate', value: -1, remove: false }]],
        [user('x'), [{ key: 'producer_byte_rate', value: 1, remove: false }, { key: 'producer_byte_rate', value: 2, remove: false }]],
        [[], [{ key: 'producer_byte_rate', value: 1, remove: false }]],
      ];
      for (const [entity, ops] of refused) assert.equal((await alter(c, entity, ops)).entries[0].errorCode, ErrorCode.INVALID_REQUEST, JSON.stringify([entity, ops]));

      assert.deepEqual(await describe(c, []), [
        ['client-id=app,user=bob', { producer_byte_rate: 10 }], ['user=alice', { producer_byte_rate: 1024, request_percentage: 12.5 }], ['user=null', { consumer_byte_rate: 2048 }],
      ]);
      assert.deepEqual(await describe(c, [{ entityType: 'user', matchType: 0, match: 'alice' }], false, 0), [['user=alice', { producer_byte_rate: 1024, request_percentage: 12.5 }]]);
      assert.deepEqual((await describe(c, [{ entityType: 'user', matchType: 1, match: null }])).map((e: any) => e[0]), ['user=null']);
      assert.deepEqual((await describe(c, [{ entityType: 'user', matchType: 2, match: null }])).map((e: any) => e[0]), ['client-id=app,user=bob', 'user=alice']);
      assert.deepEqual((await describe(c, [{ entityType: 'user', matchType: 2, match: null }], true)).map((e: any) => e[0]), ['user=alice'], 'strict: no other entity types');
      const bad = await c.request(ApiKey.DescribeClientQuotas, 1, { components: [{ entityType: 'topic', matchType: 0, match: 'x' }], strict: false });
      assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal(bad.entries, null);
      assert.equal((await alter(c, user('alice'), [{ key: 'producer_byte_rate', value: 0, remove: true }, { key: 'request_percentage', value: 0, remove: true }])).entries[0].errorCode, ErrorCode.NONE);
    }, dir);
    await withBroker(async (c) => {
      assert.deepEqual((await describe(c, [])).map((e: any) => e[0]), ['client-id=app,user=bob', 'user=null'], 'kept across a restart; removed values gone');
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DescribeQuorum v0-2: this node is the only voter and the leader of __cluster_metadata-0', () =>
  withBroker(async (c, b) => {
    for (const version of [0, 1, 2]) {
      const res = await c.request(ApiKey.DescribeQuorum, version, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] });
      assert.equal(res.errorCode, ErrorCode.NONE);
      const [p0, p1] = res.topics[0].partitions;
      assert.equal(p0.errorCode, ErrorCode.NONE);
      assert.equal(p0.leaderId, b.state.nodeId);
      assert.deepEqual(p0.currentVoters.map((v: any) => v.replicaId), [b.state.nodeId]);
      assert.deepEqual(p0.observers, []);
      assert.equal(p1.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (version >= 2) assert.deepEqual(res.nodes[0].listeners.map((l: any) => [l.host, l.port]), [[b.state.advertised.host, b.state.advertised.port]]);
    }
  }));

test('ApiVersions v3+ carries supported and finalized features; UpdateFeatures v0-2 keeps them fixed', () =>
  withBroker(async (c) => {
    const av = await c.request(ApiKey.ApiVersions, 4, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    const supported = new Map(av.supportedFeatures.map((f: any) => [f.name, [f.minVersion, f.maxVersion]]));
    assert.deepEqual(supported.get('metadata.version'), [7, 25]);
    assert.deepEqual(supported.get('group.version'), [0, 1]);
    const finalized = new Map(av.finalizedFeatures.map((f: any) => [f.name, f.maxVersionLevel]));
    assert.equal(finalized.get('group.version'), 1, 'KIP-848 groups are on');
    assert.equal(finalized.get('metadata.version'), 25);
    assert.equal(finalized.has('transaction.version'), false, 'level 0 features are not listed');
    assert.ok(av.finalizedFeaturesEpoch >= 0n);
    for (const version of [0, 1]) {
      const res = await c.request(ApiKey.UpdateFeatures, version, {
        timeoutMs: 1000, validateOnly: false,
        featureUpdates: [{ feature: 'group.version', maxVersionLevel: 1, allowDowngrade: false, upgradeType: 1 }, { feature: 'group.version.x', maxVersionLevel: 1, allowDowngrade: false, upgradeType: 1 }, { feature: 'metadata.version', maxVersionLevel: 20, allowDowngrade: true, upgradeType: 2 }],
      });
      assert.equal(res.errorCode, ErrorCode.NONE);
      assert.deepEqual(res.results.map((r: any) => r.errorCode), [ErrorCode.NONE, ErrorCode.INVALID_UPDATE_VERSION, ErrorCode.INVALID_UPDATE_VERSION]);
    }
    const v2 = await c.request(ApiKey.UpdateFeatures, 2, { timeoutMs: 1000, validateOnly: true, featureUpdates: [{ feature: 'group.version', maxVersionLevel: 0, upgradeType: 2 }] });
    assert.equal(v2.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
    assert.equal((await c.request(ApiKey.UpdateFeatures, 2, { timeoutMs: 1000, validateOnly: false, featureUpdates: [{ feature: 'metadata.version', maxVersionLevel: 25, upgradeType: 1 }] })).errorCode, ErrorCode.NONE);
    const again = await c.request(ApiKey.ApiVersions, 4, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    assert.deepEqual(again.finalizedFeatures, av.finalizedFeatures, 'nothing changed');
  }));

test('GetTelemetrySubscriptions v0: an instance id, no metrics requested (as Kafka with no subscription)', () =>
  withBroker(async (c) => {
    const zero = '00000000-0000-0000-0000-000000000000';
    const res = await c.request(ApiKey.GetTelemetrySubscriptions, 0, { clientInstanceId: zero });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.notEqual(res.clientInstanceId, zero);
    assert.deepEqual(res.requestedMetrics, []);
    assert.ok(res.pushIntervalMs > 0 && res.telemetryMaxBytes > 0);
    const again = await c.request(ApiKey.GetTelemetrySubscriptions, 0, { clientInstanceId: res.clientInstanceId });
    assert.equal(again.clientInstanceId, res.clientInstanceId, 'a known id is kept');
  }));

test('DescribeTopicPartitions v0: sorted topics, paging by partition limit with a cursor, unknown topics, invalid cursors', () =>
  withBroker(async (c) => {
    await create(c, 'b', 3);
    await create(c, 'a', 2);
    const all = await c.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: 'b' }, { name: 'a' }, { name: 'zz' }], responsePartitionLimit: 2000, cursor: null });
    assert.deepEqual(all.topics.map((t: any) => [t.name, t.errorCode, t.partitions.length]), [['a', 0, 2], ['b', 0, 3], ['zz', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]]);
    assert.equal(all.nextCursor, null);
    const meta = await c.request(ApiKey.Metadata, 12, { topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'a' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(all.topics[0].topicId, meta.topics[0].topicId, 'the same topic id as Metadata');
    // Page through every partition two at a time.
    const seen: string[] = [];
    let cursor = null;
    for (let page = 0; page < 10; page++) {
      const res: any = await c.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: 'a' }, { name: 'b' }], responsePartitionLimit: 2, cursor });
      for (const t of res.topics) for (const p of t.partitions) seen.push(`${t.name}-${p.partitionIndex}`);
      cursor = res.nextCursor;
      if (cursor === null) break;
    }
    assert.deepEqual(seen, ['a-0', 'a-1', 'b-0', 'b-1', 'b-2']);
    const everything = await c.request(ApiKey.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2000, cursor: null });
    assert.deepEqual(everything.topics.map((t: any) => t.name).filter((n: string) => !n.startsWith('__')), ['a', 'b']);
    const bad = await c.request(ApiKey.DescribeTopicPartitions, 0, { topics: [{ name: 'a' }], responsePartitionLimit: 10, cursor: { topicName: 'b', partitionIndex: 0 } });
    assert.deepEqual(bad.topics.map((t: any) => t.errorCode), [ErrorCode.INVALID_REQUEST]);
  }));
