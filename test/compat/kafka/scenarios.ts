/**
 * The requests sent, in this order, to minikafka and to Apache Kafka. Each scenario's response is
 * compared; the earlier ones also set up the same state on both (topics, records, a committed offset).
 * Versions are the highest both brokers advertise (`v(key)`), so the comparison follows our registry.
 * Unknown-topic scenarios after the first Produce use 'compat-never': minikafka creates a topic on a
 * Produce to it when auto-creation is on, Kafka does not (FINDINGS.md F7).
 */
import { buildRecordBatch } from '../../../src/protocol/record-batch.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

export interface Ctx {
  /** Sends one request at `version` and resolves with the decoded response body. */
  request(apiKey: number, version: number, body: object): Promise<unknown>;
  /** The highest version of `apiKey` both brokers advertise. */
  v(apiKey: number): number;
}

export interface Scenario {
  name: string;
  run(c: Ctx): Promise<unknown>;
  /** Not compared: repeated (bounded) until it returns true on each broker, e.g. until metadata has settled. */
  until?: (response: any) => boolean;
}

const T = 'compat-a'; // 3 partitions, the records below in partition 0
const baseTimestamp = 1_700_000_000_000;
const zeroUuid = '00000000-0000-0000-0000-000000000000';

function batch(values: string[]): Buffer {
  return buildRecordBatch({ baseTimestamp, records: values.map((v, i) => ({ key: null, value: Buffer.from(v), timestampDelta: i })) });
}

function createTopic(c: Ctx, name: string, numPartitions: number, extra: object = {}): Promise<unknown> {
  return c.request(ApiKey.CreateTopics, c.v(19), { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [], ...extra }], timeoutMs: 10_000, validateOnly: false });
}

function listOffsets(c: Ctx, topic: string, partitionIndex: number, timestamp: bigint): Promise<unknown> {
  return c.request(ApiKey.ListOffsets, c.v(2), { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex, currentLeaderEpoch: -1, timestamp }] }], timeoutMs: 5000 });
}

function fetch(c: Ctx, topic: string, partition: number, fetchOffset: bigint): Promise<unknown> {
  // v12: topics by name (v13+ need the topic id, which differs between the two clusters).
  return c.request(ApiKey.Fetch, Math.min(12, c.v(1)), {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
}

export const scenarios: Scenario[] = [
  { name: 'CreateTopics: a new topic of 3 partitions', run: (c) => createTopic(c, T, 3) },
  { name: 'CreateTopics: the same topic again (TOPIC_ALREADY_EXISTS)', run: (c) => createTopic(c, T, 3) },
  { name: 'CreateTopics: 0 partitions (INVALID_PARTITIONS)', run: (c) => createTopic(c, 'compat-zero', 0) },
  { name: 'CreateTopics: an illegal name (INVALID_TOPIC_EXCEPTION)', run: (c) => createTopic(c, 'bad/name', 1) },
  { name: 'CreateTopics: replication factor 3 on one broker (INVALID_REPLICATION_FACTOR)', run: (c) => createTopic(c, 'compat-rf3', 1, { replicationFactor: 3 }) },
  { name: 'CreateTopics: an unknown config (INVALID_CONFIG)', run: (c) => createTopic(c, 'compat-badcfg', 1, { configs: [{ name: 'no.such.config', value: '1' }] }) },
  { name: 'CreateTopics: validateOnly', run: (c) => c.request(ApiKey.CreateTopics, c.v(19), { topics: [{ name: 'compat-validate', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: true }) },
  {
    // Kafka answers CreateTopics before every partition has a leader in its Metadata; minikafka at once.
    name: 'wait until every partition of the topic has a leader',
    run: (c) => c.request(ApiKey.Metadata, c.v(3), { topics: [{ topicId: zeroUuid, name: T }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
    until: (r: { topics: { errorCode: number; partitions: { errorCode: number; leaderId: number }[] }[] }) =>
      r.topics[0]!.errorCode === ErrorCode.NONE && r.topics[0]!.partitions.length === 3 && r.topics[0]!.partitions.every((p) => p.errorCode === ErrorCode.NONE && p.leaderId >= 0),
  },
  {
    name: 'Metadata: the topic and an unknown one, no auto-creation',
    run: (c) => c.request(ApiKey.Metadata, c.v(3), { topics: [{ topicId: zeroUuid, name: T }, { topicId: zeroUuid, name: 'compat-missing' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
  },
  {
    name: 'Produce: 3 records to partition 0, acks=-1',
    run: (c) => c.request(ApiKey.Produce, c.v(0), { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: T, partitionData: [{ index: 0, records: batch(['a', 'b', 'c']) }] }] }),
  },
  {
    name: 'Produce: to a partition that does not exist and to an unknown topic',
    run: (c) => c.request(ApiKey.Produce, c.v(0), { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [
      { name: T, partitionData: [{ index: 9, records: batch(['x']) }] },
      { name: 'compat-missing', partitionData: [{ index: 0, records: batch(['x']) }] },
    ] }),
  },
  { name: 'ListOffsets: earliest', run: (c) => listOffsets(c, T, 0, -2n) },
  { name: 'ListOffsets: latest', run: (c) => listOffsets(c, T, 0, -1n) },
  { name: 'ListOffsets: max timestamp', run: (c) => listOffsets(c, T, 0, -3n) },
  { name: 'ListOffsets: by timestamp, the second record', run: (c) => listOffsets(c, T, 0, BigInt(baseTimestamp + 1)) },
  { name: 'ListOffsets: by timestamp past the end', run: (c) => listOffsets(c, T, 0, BigInt(baseTimestamp + 1_000_000)) },
  { name: 'ListOffsets: latest on an empty partition', run: (c) => listOffsets(c, T, 2, -1n) },
  { name: 'ListOffsets: by timestamp on an empty partition', run: (c) => listOffsets(c, T, 1, BigInt(baseTimestamp)) },
  { name: 'ListOffsets: a partition that does not exist', run: (c) => listOffsets(c, T, 9, -1n) },
  { name: 'Fetch: from offset 0', run: (c) => fetch(c, T, 0, 0n) },
  { name: 'Fetch: at the end', run: (c) => fetch(c, T, 0, 3n) },
  { name: 'Fetch: past the end (OFFSET_OUT_OF_RANGE)', run: (c) => fetch(c, T, 0, 10n) },
  { name: 'Fetch: a partition that does not exist', run: (c) => fetch(c, T, 9, 0n) },
  { name: 'Fetch: an unknown topic', run: (c) => fetch(c, 'compat-never', 0, 0n) },
  { name: 'DeleteRecords: past the high watermark (OFFSET_OUT_OF_RANGE)', run: (c) => c.request(ApiKey.DeleteRecords, c.v(21), { topics: [{ name: T, partitions: [{ partitionIndex: 0, offset: 10n }] }], timeoutMs: 5000 }) },
  { name: 'DeleteRecords: up to offset 1', run: (c) => c.request(ApiKey.DeleteRecords, c.v(21), { topics: [{ name: T, partitions: [{ partitionIndex: 0, offset: 1n }] }], timeoutMs: 5000 }) },
  { name: 'ListOffsets: earliest after DeleteRecords', run: (c) => listOffsets(c, T, 0, -2n) },
  { name: 'CreatePartitions: fewer than now (INVALID_PARTITIONS)', run: (c) => c.request(ApiKey.CreatePartitions, c.v(37), { topics: [{ name: T, count: 2, assignments: null }], timeoutMs: 5000, validateOnly: false }) },
  { name: 'CreatePartitions: an unknown topic', run: (c) => c.request(ApiKey.CreatePartitions, c.v(37), { topics: [{ name: 'compat-never', count: 4, assignments: null }], timeoutMs: 5000, validateOnly: false }) },
  { name: 'FindCoordinator: a group', run: (c) => c.request(ApiKey.FindCoordinator, c.v(10), { key: 'compat-group', keyType: 0, coordinatorKeys: ['compat-group'] }) },
  { name: 'FindCoordinator: a transactional id', run: (c) => c.request(ApiKey.FindCoordinator, c.v(10), { key: 'compat-txn', keyType: 1, coordinatorKeys: ['compat-txn'] }) },
  { name: 'FindCoordinator v3: a group', run: (c) => c.request(ApiKey.FindCoordinator, Math.min(3, c.v(10)), { key: 'compat-group', keyType: 0 }) },
  {
    name: 'OffsetCommit: a simple (generation -1) commit',
    run: (c) => c.request(ApiKey.OffsetCommit, c.v(8), { groupId: 'compat-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: T, partitions: [{ partitionIndex: 0, committedOffset: 2n, committedLeaderEpoch: -1, committedMetadata: 'm' }] }] }),
  },
  {
    name: 'OffsetFetch: the committed offset, a partition without one, an unknown group',
    run: (c) => c.request(ApiKey.OffsetFetch, c.v(9), { groups: [
      { groupId: 'compat-group', memberId: null, memberEpoch: -1, topics: [{ name: T, partitionIndexes: [0, 1] }] },
      { groupId: 'compat-nogroup', memberId: null, memberEpoch: -1, topics: [{ name: T, partitionIndexes: [0] }] },
    ], requireStable: false }),
  },
  { name: 'DescribeGroups: the simple group and an unknown one', run: (c) => c.request(ApiKey.DescribeGroups, c.v(15), { groups: ['compat-group', 'compat-nogroup'], includeAuthorizedOperations: false }) },
  { name: 'Heartbeat: an unknown group', run: (c) => c.request(ApiKey.Heartbeat, c.v(12), { groupId: 'compat-nogroup', generationId: 1, memberId: 'm-1', groupInstanceId: null }) },
  {
    name: 'JoinGroup: a new member without an id (MEMBER_ID_REQUIRED)',
    run: (c) => c.request(ApiKey.JoinGroup, c.v(11), { groupId: 'compat-join', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null }),
  },
  { name: 'DeleteGroups: an unknown group', run: (c) => c.request(ApiKey.DeleteGroups, c.v(42), { groupsNames: ['compat-nogroup'] }) },
  { name: 'InitProducerId: an idempotent producer', run: (c) => c.request(ApiKey.InitProducerId, c.v(22), { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }) },
  { name: 'DeleteTopics: an unknown topic', run: (c) => c.request(ApiKey.DeleteTopics, c.v(20), { topics: [{ name: 'compat-never', topicId: zeroUuid }], topicNames: ['compat-never'], timeoutMs: 5000 }) },
  { name: 'DescribeCluster', run: (c) => c.request(ApiKey.DescribeCluster, c.v(60), { includeClusterAuthorizedOperations: false, endpointType: 1 }) },
  {
    name: 'DescribeConfigs: the topic, every entry',
    run: (c) => c.request(ApiKey.DescribeConfigs, c.v(32), { resources: [{ resourceType: 2, resourceName: T, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }),
  },
];
