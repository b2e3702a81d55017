/** Request versions Kafka 3.9 accepted and 4.0 dropped (KIP-896), over the wire: ListOffsets v0, OffsetCommit v0-1, OffsetFetch v0, CreateTopics v0-1, DeleteTopics v0, and ApiVersions advertising them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function withBroker(fn: (c: WireClient, b: TestBroker) => Promise<void>): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(client, broker);
  } finally {
    client.close();
    await broker.close();
  }
}

test('ApiVersions advertises Kafka 3.9\'s lower bounds for the APIs that do not carry records', () =>
  withBroker(async (c) => {
    const av = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    const min = new Map(av.apiKeys.map((k: any) => [k.apiKey, k.minVersion]));
    for (const key of [2, 3, 8, 9, 10, 11, 19, 20, 23, 32, 35]) assert.equal(min.get(key), 0, `api ${key} from v0`);
  }));

test('CreateTopics v0 and v1, DeleteTopics v0', () =>
  withBroker(async (c) => {
    const v0 = await c.request(ApiKey.CreateTopics, 0, { topics: [{ name: 'old0', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] }], timeoutMs: 1000 });
    assert.deepEqual(v0.topics.map((t: any) => [t.name, t.errorCode]), [['old0', ErrorCode.NONE]]);
    const v1 = await c.request(ApiKey.CreateTopics, 1, { topics: [{ name: 'old1', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }, { name: 'old0', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    assert.deepEqual(v1.topics.map((t: any) => t.errorCode), [ErrorCode.INVALID_REPLICATION_FACTOR, ErrorCode.TOPIC_ALREADY_EXISTS]);
    assert.match(v1.topics[0].errorMessage, /replication factor|replicate/i, 'v1 carries the message');
    const validate = await c.request(ApiKey.CreateTopics, 1, { topics: [{ name: 'old2', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: true });
    assert.equal(validate.topics[0].errorCode, ErrorCode.NONE);
    const meta = await c.request(ApiKey.Metadata, 0, { topics: [{ name: 'old0' }, { name: 'old2' }] });
    assert.deepEqual(meta.topics.map((t: any) => [t.name, t.errorCode, t.partitions.length]), [['old0', ErrorCode.NONE, 2], ['old2', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]]);
    const del = await c.request(ApiKey.DeleteTopics, 0, { topicNames: ['old0', 'nope'], timeoutMs: 1000 });
    assert.deepEqual(del.responses.map((r: any) => [r.name, r.errorCode]), [['old0', ErrorCode.NONE], ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
  }));

test('ListOffsets v0: the offsets array (latest = high watermark, earliest = log start, a timestamp, maxNumOffsets 0)', () =>
  withBroker(async (c) => {
    await c.request(ApiKey.CreateTopics, 4, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    const t0 = Date.now();
    const records = buildRecordBatch({ baseOffset: 0, baseTimestamp: t0, records: Array.from({ length: 4 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestampDelta: i * 1000 })) });
    const produced = await c.request(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] });
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    const ask = (timestamp: bigint, maxNumOffsets = 1, partitionIndex = 0, name = 't') => c.request(ApiKey.ListOffsets, 0, { replicaId: -1, topics: [{ name, partitions: [{ partitionIndex, timestamp, maxNumOffsets }] }] })
      .then((r: any) => [r.topics[0].partitions[0].errorCode, r.topics[0].partitions[0].oldStyleOffsets]);
    assert.deepEqual(await ask(-1n), [ErrorCode.NONE, [4n]]);
    assert.deepEqual(await ask(-2n), [ErrorCode.NONE, [0n]]);
    assert.deepEqual(await ask(BigInt(t0 + 1500)), [ErrorCode.NONE, [2n]], 'the first record at or after the timestamp');
    assert.deepEqual(await ask(BigInt(t0 + 3_600_000)), [ErrorCode.NONE, [4n]], 'after every record: the high watermark');
    assert.deepEqual(await ask(-1n, 0), [ErrorCode.NONE, []]);
    assert.deepEqual(await ask(-1n, 1, 5), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []]);
    assert.deepEqual(await ask(-1n, 1, 0, 'nope'), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []]);
  }));

test('OffsetCommit v0 and v1, OffsetFetch v0: simple commits read back by every version', () =>
  withBroker(async (c) => {
    await c.request(ApiKey.CreateTopics, 4, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    const v0 = await c.request(ApiKey.OffsetCommit, 0, { groupId: 'g0', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: 'm0' }, { partitionIndex: 9, committedOffset: 1n, committedMetadata: null }] }] });
    assert.deepEqual(v0.topics[0].partitions.map((p: any) => p.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const v1 = await c.request(ApiKey.OffsetCommit, 1, { groupId: 'g0', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 9n, commitTimestamp: -1n, committedMetadata: '' }] }] });
    assert.equal(v1.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    const stale = await c.request(ApiKey.OffsetCommit, 1, { groupId: 'g0', generationIdOrMemberEpoch: 5, memberId: 'ghost', topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 1n, commitTimestamp: -1n, committedMetadata: '' }] }] });
    assert.notEqual(stale.topics[0].partitions[0].errorCode, ErrorCode.NONE, 'a generation that does not exist is refused');
    for (const version of [0, 1, 5]) {
      const f = await c.request(ApiKey.OffsetFetch, version, { groupId: 'g0', topics: [{ name: 't', partitionIndexes: [0, 1] }], requireStable: false });
      assert.deepEqual(f.topics[0].partitions.map((p: any) => [p.committedOffset, p.metadata]), [[7n, 'm0'], [9n, '']], `OffsetFetch v${version}`);
    }
  }));

test('minikafka.group.classic.shared.partitions.enable: a leader (JoinGroup/SyncGroup v0) may give both partitions to both members; off by default', async () => {
  const { encodeConsumerAssignment, encodeConsumerSubscription, decodeConsumerAssignment } = await import('../../src/protocol/consumer-protocol.js');
  for (const shared of [false, true]) {
    const broker = await startTestBroker({ 'group.initial.rebalance.delay.ms': 500, 'minikafka.group.classic.shared.partitions.enable': shared });
    const [a, b] = await Promise.all([WireClient.connect(broker.bootstrap), WireClient.connect(broker.bootstrap)]);
    try {
      await a.request(ApiKey.CreateTopics, 4, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
      const join = (c: WireClient) => c.request(ApiKey.JoinGroup, 0, { groupId: 'bcast', sessionTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'broadcast', metadata: encodeConsumerSubscription({ topics: ['t'] }) }] });
      const [ja, jb] = await Promise.all([join(a), join(b)]);
      assert.equal(ja.generationId, jb.generationId, 'one generation with both');
      const [leader, follower, leaderJoin] = ja.leader === ja.memberId ? [a, b, ja] : [b, a, jb];
      const followerId = leaderJoin === ja ? jb.memberId : ja.memberId;
      const both = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }] });
      const fSync = follower.request(ApiKey.SyncGroup, 0, { groupId: 'bcast', generationId: ja.generationId, memberId: followerId, assignments: [] });
      const lSync = await leader.request(ApiKey.SyncGroup, 0, { groupId: 'bcast', generationId: ja.generationId, memberId: leaderJoin.memberId, assignments: [{ memberId: leaderJoin.memberId, assignment: both }, { memberId: followerId, assignment: both }] });
      if (!shared) {
        assert.equal(lSync.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, 'one owner per partition by default');
        await fSync.catch(() => undefined);
        continue;
      }
      assert.equal(lSync.errorCode, ErrorCode.NONE);
      const f = await fSync;
      assert.equal(f.errorCode, ErrorCode.NONE);
      assert.deepEqual(decodeConsumerAssignment(f.assignment).assignedPartitions, [{ topic: 't', partitions: [0, 1] }]);
    } finally {
      a.close();
      b.close();
      await broker.close();
    }
  }
});
