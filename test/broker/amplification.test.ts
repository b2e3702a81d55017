/**
 * Small requests that asked for large work, large answers or floods of log lines (hostile-input
 * finding 8, request side, and finding 10): each test sends one crafted request over the wire to a
 * real broker and checks that what it costs is bounded by what it names, not by how often it names it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function withBroker(config: Record<string, string | number | boolean>, fn: (broker: TestBroker, client: WireClient) => Promise<void>): Promise<void> {
  const broker = await startTestBroker(config);
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(broker, client);
  } finally {
    client.close();
    await broker.close();
  }
}

async function createTopic(client: WireClient, name: string, numPartitions: number): Promise<string> {
  const res = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
  return res.topics[0].topicId as string;
}

// A Metadata request naming one topic 100 times was answered with the topic (and all its partitions) 100 times.
test('Metadata answers a topic named many times once, by name and by id', async () => {
  await withBroker({}, async (_broker, client) => {
    const id = await createTopic(client, 'dup', 50);
    const byName = await client.request(ApiKey.Metadata, 12, { topics: Array.from({ length: 100 }, () => ({ name: 'dup' })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(byName.topics.length, 1);
    assert.equal(byName.topics[0].partitions.length, 50);
    const byId = await client.request(ApiKey.Metadata, 12, { topics: Array.from({ length: 100 }, () => ({ name: null, topicId: id })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(byId.topics.length, 1);
    assert.equal(byId.topics[0].name, 'dup');
    const v1 = await client.request(ApiKey.Metadata, 1, { topics: [{ name: 'dup' }, { name: 'nope' }, { name: 'dup' }, { name: 'nope' }] });
    assert.deepEqual(v1.topics.map((t: { name: string }) => t.name), ['dup', 'nope']);
  });
});

// A Metadata (or Produce) naming 10,000 unknown topics auto-created every one of them in one go, freezing the broker.
test('one request auto-creates a bounded number of topics; the rest are UNKNOWN_TOPIC_OR_PARTITION until a later request', async () => {
  const max = 20;
  await withBroker({ 'minikafka.auto.create.topics.per.request.max': max }, async (_broker, client) => {
    const names = Array.from({ length: 300 }, (_, i) => `auto-${i}`);
    const first = await client.request(ApiKey.Metadata, 12, { topics: names.map((name) => ({ name })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const ok = first.topics.filter((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE);
    assert.equal(ok.length, max);
    assert.ok(first.topics.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
    const all = await client.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(all.topics.length, max);
    const second = await client.request(ApiKey.Metadata, 12, { topics: names.map((name) => ({ name })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.equal(second.topics.filter((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE).length, 2 * max, 'a retry makes progress');

    const records = buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: null, value: Buffer.from('v') }] });
    const produced = await client.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: Array.from({ length: 300 }, (_, i) => ({ name: `p-${i}`, partitionData: [{ index: 0, records }] })) });
    const codes = produced.responses.map((t: { partitionResponses: Array<{ errorCode: number }> }) => t.partitionResponses[0]!.errorCode);
    assert.equal(codes.filter((c: number) => c === ErrorCode.NONE).length, max);
    assert.equal(codes.filter((c: number) => c === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).length, 300 - max);
  });
});

// A Metadata naming 10,000 unknown topics created them all in one go on the event loop: nothing else was served for 35 s.
test('Metadata auto-creation yields between topics: another connection is served meanwhile', async () => {
  let probe: WireClient | undefined;
  let asked = false;
  let signal!: (answered: Promise<string>) => void;
  const apiVersions = new Promise<string>((resolve) => { signal = (answered) => void answered.then(resolve); });
  const logger = createLogger('info', (line) => {
    // The first creation is under way: ask for ApiVersions on another connection now.
    if (!asked && probe !== undefined && line.includes('"auto-created topic"')) {
      asked = true;
      signal(probe.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'p', clientSoftwareVersion: '1' }).then(() => 'api-versions', () => 'probe closed'));
    }
  });
  const broker = await startBroker({ host: '127.0.0.1', port: 0, config: { 'minikafka.auto.create.topics.per.request.max': 200 }, logger });
  const client = await WireClient.connect(broker.bootstrap);
  probe = await WireClient.connect(broker.bootstrap);
  try {
    const metadata = client.request(ApiKey.Metadata, 12, { topics: Array.from({ length: 200 }, (_, i) => ({ name: `y-${i}` })), allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const first = await Promise.race([metadata.then(() => 'metadata'), apiVersions]);
    assert.equal(first, 'api-versions', 'ApiVersions is answered while the topics are being created');
    const res = await metadata;
    assert.ok(res.topics.every((t: { errorCode: number }) => t.errorCode === ErrorCode.NONE));
    assert.equal(res.topics.length, 200);
  } finally {
    client.close();
    probe.close();
    await broker.close();
  }
});

// A Fetch naming one partition 1,000 times returned the same stored batches 1,000 times (up to fetch.max.bytes).
test('Fetch reads a partition named many times once, as Kafka does', async () => {
  await withBroker({}, async (_broker, client) => {
    await createTopic(client, 'fd', 1);
    const records = buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: null, value: Buffer.alloc(10_000, 1) }] });
    const produced = await client.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'fd', partitionData: [{ index: 0, records }] }] });
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    const partition = (fetchOffset: bigint) => ({ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 });
    const res = await client.request(ApiKey.Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 26, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [
        { topic: 'fd', partitions: Array.from({ length: 500 }, () => partition(0n)) },
        { topic: 'fd', partitions: Array.from({ length: 500 }, () => partition(0n)) },
      ],
      forgottenTopicsData: [], rackId: '',
    });
    assert.equal(res.responses.length, 1);
    assert.equal(res.responses[0].partitions.length, 1);
    assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.ok(res.responses[0].partitions[0].records.length >= 10_000);
  });
});

// ListOffsets looked up a partition named 10,000 times 10,000 times (a max-timestamp lookup reads a whole batch each time).
test('ListOffsets answers a duplicated partition with INVALID_REQUEST, as Kafka does', async () => {
  await withBroker({}, async (_broker, client) => {
    await createTopic(client, 'lo', 2);
    const res = await client.request(ApiKey.ListOffsets, 7, {
      replicaId: -1, isolationLevel: 0,
      topics: [
        { name: 'lo', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -3n }, { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1n }] },
        { name: 'lo', partitions: Array.from({ length: 1000 }, () => ({ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -3n })) },
      ],
    });
    const codes = res.topics.flatMap((t: { partitions: Array<{ partitionIndex: number; errorCode: number }> }) => t.partitions.map((p) => [p.partitionIndex, p.errorCode]));
    assert.equal(codes.length, 1002);
    for (const [partition, code] of codes) assert.equal(code, partition === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.NONE);
  });
});

// DescribeConfigs for the broker resource named 2,000 times with documentation answered every config 2,000 times (~30 MB).
test('DescribeConfigs answers a duplicated resource with INVALID_REQUEST and no configs', async () => {
  await withBroker({}, async (_broker, client) => {
    await createTopic(client, 'dc', 1);
    const once = await client.request(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '', configurationKeys: null }, { resourceType: 2, resourceName: 'dc', configurationKeys: null }], includeSynonyms: true, includeDocumentation: true });
    assert.ok(once.results.every((r: { errorCode: number; configs: unknown[] }) => r.errorCode === ErrorCode.NONE && r.configs.length > 10));
    const res = await client.request(ApiKey.DescribeConfigs, 4, { resources: Array.from({ length: 2000 }, (_, i) => ({ resourceType: i % 2 === 0 ? 4 : 2, resourceName: i % 2 === 0 ? '' : 'dc', configurationKeys: null })), includeSynonyms: true, includeDocumentation: true });
    assert.equal(res.results.length, 2000);
    for (const r of res.results) {
      assert.equal(r.errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal(r.configs.length, 0);
    }
  });
});

// One 258 KB Produce listing a partition 3,000 times with bad batches and a 32 KiB client id wrote 99 MB of warn lines
// (32 KiB less one byte: the int16 length of a client id tops out at 32,767).
test('a Produce of 3,000 bad batches with a 32 KiB client id logs one bounded summary, not 3,000 lines', async () => {
  await withBroker({}, async (broker) => {
    const client = await WireClient.connect(broker.bootstrap, { clientId: 'c'.repeat(32 * 1024 - 1) });
    try {
      const setup = await WireClient.connect(broker.bootstrap);
      await createTopic(setup, 'bad', 1);
      setup.close();
      const bad = buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: null, value: Buffer.from('x'.repeat(16)) }] });
      bad[bad.length - 1]! ^= 0xff; // a record byte: the CRC no longer matches
      const before = broker.logChars();
      const fromLine = broker.logs.length;
      const res = await client.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'bad', partitionData: Array.from({ length: 3000 }, () => ({ index: 0, records: bad })) }] });
      const parts = res.responses[0].partitionResponses as Array<{ errorCode: number }>;
      assert.equal(parts.length, 3000);
      assert.ok(parts.every((p) => p.errorCode === ErrorCode.CORRUPT_MESSAGE));
      const written = broker.logChars() - before;
      console.log(`3,000 rejected batches with a 32 KiB client id: ${written} chars of log`);
      assert.ok(written < 64 * 1024, `log output ${written} chars`);
      const summary = broker.logs.slice(fromLine).find((l) => l.msg === 'rejected produce batch' && l.count === 3000);
      assert.ok(summary, 'a summary line counts the rejections');
      assert.deepEqual(summary.byError, { CORRUPT_MESSAGE: 3000 });
    } finally {
      client.close();
    }
  });
});

// A 32 KiB client id was copied whole into every log line about the connection (here: the refusal of an unsupported version).
test('a huge client id is answered normally and logged truncated', async () => {
  await withBroker({}, async (broker) => {
    const client = await WireClient.connect(broker.bootstrap, { clientId: 'k'.repeat(32 * 1024 - 1) });
    const versions = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'n'.repeat(1000), clientSoftwareVersion: '1' });
    assert.equal(versions.errorCode, ErrorCode.NONE);
    const fromLine = broker.logs.length;
    const before = broker.logChars();
    // Metadata v99, unsupported: refused, and the refusal is logged with the client id.
    const clientId = Buffer.from('k'.repeat(32 * 1024 - 1));
    const frame = Buffer.alloc(4 + 10 + clientId.length);
    frame.writeInt32BE(frame.length - 4, 0);
    frame.writeInt16BE(3, 4);
    frame.writeInt16BE(99, 6);
    frame.writeInt32BE(7, 8);
    frame.writeInt16BE(clientId.length, 12);
    clientId.copy(frame, 14);
    client.writeRaw(frame);
    await client.closed;
    const lines = broker.logs.slice(fromLine).filter((l) => l.msg === 'closing connection');
    assert.equal(lines.length, 1);
    assert.ok(String(lines[0]!.clientId).length < 1024, 'client id truncated');
    assert.ok(broker.logChars() - before < 4096);
    const after = await WireClient.connect(broker.bootstrap);
    assert.equal((await after.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'a', clientSoftwareVersion: '1' })).errorCode, ErrorCode.NONE);
    after.close();
  });
});

// DescribeGroups, ConsumerGroupDescribe and OffsetFetch v8+ answered a group named N times N times, in full.
test('group APIs answer a group named many times once', async () => {
  await withBroker({}, async (_broker, client) => {
    await client.request(ApiKey.OffsetCommit, 9, {
      groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'gt', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    const described = await client.request(ApiKey.DescribeGroups, 5, { groups: Array.from({ length: 500 }, () => 'g'), includeAuthorizedOperations: false });
    assert.equal(described.groups.length, 1);
    const kip848 = await client.request(ApiKey.ConsumerGroupDescribe, 0, { groupIds: Array.from({ length: 500 }, () => 'g'), includeAuthorizedOperations: false });
    assert.equal(kip848.groups.length, 1);
    const fetched = await client.request(ApiKey.OffsetFetch, 9, { groups: Array.from({ length: 500 }, () => ({ groupId: 'g', memberId: null, memberEpoch: -1, topics: null })), requireStable: false });
    assert.equal(fetched.groups.length, 1);
  });
});
