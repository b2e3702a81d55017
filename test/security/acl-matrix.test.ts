/**
 * The ACL matrix: for every API key the broker serves, the operation and resource Kafka's documentation
 * ("Operations and Resources on Protocols", docs/security.html, and KafkaApis' checks) names for it. Each row
 * runs once per needed ACL with that one ACL missing (the principal gets every other one) and must answer
 * the row's authorization error there; then with all of them it must answer no authorization error.
 * Filtering APIs (ListGroups, ListTransactions) answer by leaving out what the principal may not describe.
 * Every variant is a fresh principal (PLAIN user u<n>) with ACLs granted by the super user.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';

const USERS = 200;
const JAAS = `org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-pw" ${
  Array.from({ length: USERS }, (_, i) => `user_u${i}="pw"`).join(' ')};`;

// ACL codes as on the wire (DescribeAcls/CreateAcls).
const RESOURCE = { TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
const OP = { READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12 } as const;
type Resource = keyof typeof RESOURCE;
type Op = keyof typeof OP;

const DENIED = {
  TOPIC: ErrorCode.TOPIC_AUTHORIZATION_FAILED, GROUP: ErrorCode.GROUP_AUTHORIZATION_FAILED,
  CLUSTER: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, TRANSACTIONAL_ID: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
} as const;
const AUTH_ERRORS: ReadonlySet<number> = new Set(Object.values(DENIED));

interface Need {
  op: Op;
  resource: Resource;
  name: string;
  /** The error when this ACL is missing; the resource's authorization error unless Kafka answers another. */
  code?: number;
}

interface Row {
  api: number;
  name: string;
  version: number;
  needs: Need[];
  body(n: number): object;
  /** For filtering APIs: is the resource in the answer? (denied: left out; allowed: present) */
  listed?(res: any): boolean;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const T = 'mx', G = 'mxg', X = 'mxt';
const topic = (op: Op, name = T): Need => ({ op, resource: 'TOPIC', name });
const group = (op: Op, name = G): Need => ({ op, resource: 'GROUP', name });
const cluster = (op: Op, code?: number): Need => ({ op, resource: 'CLUSTER', name: 'kafka-cluster', ...(code === undefined ? {} : { code }) });
const txnId = (op: Op, name = X): Need => ({ op, resource: 'TRANSACTIONAL_ID', name });

let broker: TestBroker;
let admin: WireClient;
let producerId = 0n;
let producerEpoch = 0;
let nextUser = 0;

const rows: Row[] = [
  { api: ApiKey.Produce, name: 'Produce', version: 9, needs: [topic('WRITE')], body: () => ({
    transactionalId: null, acks: 1, timeoutMs: 5000,
    topicData: [{ name: T, partitionData: [{ index: 0, records: buildRecordBatch({ baseTimestamp: Date.now(), records: [{ value: Buffer.from('v') }] }) }] }],
  }) },
  { api: ApiKey.Fetch, name: 'Fetch', version: 12, needs: [topic('READ')], body: () => ({
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: T, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  }) },
  { api: ApiKey.ListOffsets, name: 'ListOffsets', version: 5, needs: [topic('DESCRIBE')], body: () => ({
    replicaId: -1, isolationLevel: 0, topics: [{ name: T, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
  }) },
  { api: ApiKey.Metadata, name: 'Metadata', version: 12, needs: [topic('DESCRIBE')], body: () => ({
    topics: [{ topicId: ZERO_UUID, name: T }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false,
  }) },
  { api: ApiKey.OffsetCommit, name: 'OffsetCommit', version: 9, needs: [group('READ'), topic('READ')], body: () => ({
    groupId: G, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: T, partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }],
  }) },
  { api: ApiKey.OffsetFetch, name: 'OffsetFetch', version: 8, needs: [group('DESCRIBE'), topic('DESCRIBE')], body: () => ({
    groups: [{ groupId: G, topics: [{ name: T, partitionIndexes: [0] }] }], requireStable: false,
  }) },
  { api: ApiKey.FindCoordinator, name: 'FindCoordinator (group)', version: 4, needs: [group('DESCRIBE')], body: () => ({ keyType: 0, coordinatorKeys: [G] }) },
  { api: ApiKey.FindCoordinator, name: 'FindCoordinator (transaction)', version: 4, needs: [txnId('DESCRIBE')], body: () => ({ keyType: 1, coordinatorKeys: [X] }) },
  { api: ApiKey.JoinGroup, name: 'JoinGroup', version: 9, needs: [group('READ', 'mxg-join')], body: () => ({
    groupId: 'mxg-join', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null,
  }) },
  { api: ApiKey.Heartbeat, name: 'Heartbeat', version: 4, needs: [group('READ')], body: () => ({ groupId: G, generationId: 1, memberId: 'm', groupInstanceId: null }) },
  { api: ApiKey.LeaveGroup, name: 'LeaveGroup', version: 5, needs: [group('READ')], body: () => ({ groupId: G, members: [{ memberId: 'm', groupInstanceId: null, reason: null }] }) },
  { api: ApiKey.SyncGroup, name: 'SyncGroup', version: 5, needs: [group('READ')], body: () => ({
    groupId: G, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [],
  }) },
  { api: ApiKey.DescribeGroups, name: 'DescribeGroups', version: 5, needs: [group('DESCRIBE')], body: () => ({ groups: [G], includeAuthorizedOperations: true }) },
  { api: ApiKey.ListGroups, name: 'ListGroups (group DESCRIBE)', version: 5, needs: [group('DESCRIBE')], body: () => ({ statesFilter: [], typesFilter: [] }),
    listed: (res) => res.groups.some((g: any) => g.groupId === G) },
  { api: ApiKey.ListGroups, name: 'ListGroups (cluster DESCRIBE)', version: 5, needs: [cluster('DESCRIBE')], body: () => ({ statesFilter: [], typesFilter: [] }),
    listed: (res) => res.groups.some((g: any) => g.groupId === G) },
  { api: ApiKey.ApiVersions, name: 'ApiVersions (no ACL; SaslHandshake and SaslAuthenticate log every principal in)', version: 3, needs: [],
    body: () => ({ clientSoftwareName: 'matrix', clientSoftwareVersion: '1' }) },
  { api: ApiKey.CreateTopics, name: 'CreateTopics (cluster CREATE)', version: 7, needs: [cluster('CREATE', ErrorCode.TOPIC_AUTHORIZATION_FAILED)], body: (n) => ({
    topics: [{ name: `mx-new-${n}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: true,
  }) },
  { api: ApiKey.CreateTopics, name: 'CreateTopics (topic CREATE)', version: 7, needs: [topic('CREATE', 'mx-new')], body: () => ({
    topics: [{ name: 'mx-new', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: true,
  }) },
  { api: ApiKey.DeleteTopics, name: 'DeleteTopics', version: 6, needs: [topic('DELETE', 'mx-del')], body: () => ({ topics: [{ name: 'mx-del', topicId: ZERO_UUID }], timeoutMs: 5000 }) },
  { api: ApiKey.DeleteRecords, name: 'DeleteRecords', version: 2, needs: [topic('DELETE')], body: () => ({ topics: [{ name: T, partitions: [{ partitionIndex: 0, offset: 0n }] }], timeoutMs: 5000 }) },
  { api: ApiKey.InitProducerId, name: 'InitProducerId (transactional)', version: 4, needs: [txnId('WRITE', 'mxt-init')], body: () => ({
    transactionalId: 'mxt-init', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1,
  }) },
  { api: ApiKey.InitProducerId, name: 'InitProducerId (idempotent)', version: 4, needs: [cluster('IDEMPOTENT_WRITE')], body: () => ({
    transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1,
  }) },
  { api: ApiKey.OffsetForLeaderEpoch, name: 'OffsetForLeaderEpoch', version: 4, needs: [topic('DESCRIBE')], body: () => ({
    replicaId: -1, topics: [{ topic: T, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
  }) },
  { api: ApiKey.AddPartitionsToTxn, name: 'AddPartitionsToTxn', version: 3, needs: [txnId('WRITE'), topic('WRITE')], body: () => ({
    v3AndBelowTransactionalId: X, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: T, partitions: [0] }],
  }) },
  { api: ApiKey.AddOffsetsToTxn, name: 'AddOffsetsToTxn', version: 3, needs: [txnId('WRITE'), group('READ')], body: () => ({ transactionalId: X, producerId, producerEpoch, groupId: G }) },
  { api: ApiKey.EndTxn, name: 'EndTxn', version: 3, needs: [txnId('WRITE')], body: () => ({ transactionalId: X, producerId, producerEpoch, committed: false }) },
  { api: ApiKey.TxnOffsetCommit, name: 'TxnOffsetCommit', version: 3, needs: [txnId('WRITE'), group('READ'), topic('READ')], body: () => ({
    transactionalId: X, groupId: G, producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: T, partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }],
  }) },
  { api: ApiKey.DescribeAcls, name: 'DescribeAcls', version: 3, needs: [cluster('DESCRIBE')], body: () => ({
    resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1,
  }) },
  { api: ApiKey.CreateAcls, name: 'CreateAcls', version: 3, needs: [cluster('ALTER')], body: () => ({ creations: [{
    resourceType: RESOURCE.TOPIC, resourceName: 'elsewhere', resourcePatternType: 3, principal: 'User:nobody', host: '*', operation: OP.READ, permissionType: 3,
  }] }) },
  { api: ApiKey.DeleteAcls, name: 'DeleteAcls', version: 3, needs: [cluster('ALTER')], body: () => ({ filters: [{
    resourceTypeFilter: RESOURCE.TOPIC, resourceNameFilter: 'elsewhere', patternTypeFilter: 3, principalFilter: 'User:nobody', hostFilter: null, operation: 1, permissionType: 1,
  }] }) },
  { api: ApiKey.DescribeConfigs, name: 'DescribeConfigs (topic)', version: 4, needs: [topic('DESCRIBE_CONFIGS')], body: () => ({
    resources: [{ resourceType: 2, resourceName: T, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false,
  }) },
  { api: ApiKey.DescribeConfigs, name: 'DescribeConfigs (broker)', version: 4, needs: [cluster('DESCRIBE_CONFIGS')], body: () => ({
    resources: [{ resourceType: 4, resourceName: String(broker.state.nodeId), configurationKeys: null }], includeSynonyms: false, includeDocumentation: false,
  }) },
  { api: ApiKey.AlterConfigs, name: 'AlterConfigs (topic)', version: 2, needs: [topic('ALTER_CONFIGS')], body: () => ({
    validateOnly: true, resources: [{ resourceType: 2, resourceName: T, configs: [{ name: 'retention.ms', value: '3600000' }] }],
  }) },
  { api: ApiKey.AlterConfigs, name: 'AlterConfigs (broker)', version: 2, needs: [cluster('ALTER_CONFIGS')], body: () => ({
    validateOnly: true, resources: [{ resourceType: 4, resourceName: String(broker.state.nodeId), configs: [{ name: 'num.partitions', value: '1' }] }],
  }) },
  { api: ApiKey.DescribeLogDirs, name: 'DescribeLogDirs', version: 4, needs: [cluster('DESCRIBE')], body: () => ({ topics: [{ topic: T, partitions: [0] }] }) },
  { api: ApiKey.CreatePartitions, name: 'CreatePartitions', version: 3, needs: [topic('ALTER')], body: () => ({ topics: [{ name: T, count: 2, assignments: null }], timeoutMs: 5000, validateOnly: true }) },
  { api: ApiKey.DeleteGroups, name: 'DeleteGroups', version: 2, needs: [group('DELETE', 'mxg-del')], body: () => ({ groupsNames: ['mxg-del'] }) },
  { api: ApiKey.ElectLeaders, name: 'ElectLeaders', version: 2, needs: [cluster('ALTER')], body: () => ({ electionType: 0, topicPartitions: [{ topic: T, partitions: [0] }], timeoutMs: 5000 }) },
  { api: ApiKey.IncrementalAlterConfigs, name: 'IncrementalAlterConfigs (topic)', version: 1, needs: [topic('ALTER_CONFIGS')], body: () => ({
    validateOnly: true, resources: [{ resourceType: 2, resourceName: T, configs: [{ name: 'retention.ms', configOperation: 0, value: '3600000' }] }],
  }) },
  { api: ApiKey.IncrementalAlterConfigs, name: 'IncrementalAlterConfigs (broker)', version: 1, needs: [cluster('ALTER_CONFIGS')], body: () => ({
    validateOnly: true, resources: [{ resourceType: 4, resourceName: String(broker.state.nodeId), configs: [{ name: 'num.partitions', configOperation: 0, value: '1' }] }],
  }) },
  { api: ApiKey.AlterPartitionReassignments, name: 'AlterPartitionReassignments', version: 0, needs: [cluster('ALTER')], body: () => ({
    timeoutMs: 5000, topics: [{ name: T, partitions: [{ partitionIndex: 0, replicas: null }] }],
  }) },
  { api: ApiKey.ListPartitionReassignments, name: 'ListPartitionReassignments', version: 0, needs: [cluster('DESCRIBE')], body: () => ({ timeoutMs: 5000, topics: null }) },
  { api: ApiKey.OffsetDelete, name: 'OffsetDelete', version: 0, needs: [group('DELETE'), topic('READ')], body: () => ({ groupId: G, topics: [{ name: T, partitions: [{ partitionIndex: 0 }] }] }) },
  { api: ApiKey.DescribeClientQuotas, name: 'DescribeClientQuotas', version: 1, needs: [cluster('DESCRIBE_CONFIGS')], body: () => ({ components: [], strict: false }) },
  { api: ApiKey.AlterClientQuotas, name: 'AlterClientQuotas', version: 1, needs: [cluster('ALTER_CONFIGS')], body: () => ({
    entries: [{ entity: [{ entityType: 'client-id', entityName: 'matrix' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }], validateOnly: true,
  }) },
  { api: ApiKey.DescribeUserScramCredentials, name: 'DescribeUserScramCredentials', version: 0, needs: [cluster('DESCRIBE')], body: () => ({ users: null }) },
  { api: ApiKey.AlterUserScramCredentials, name: 'AlterUserScramCredentials', version: 0, needs: [cluster('ALTER')], body: () => ({ deletions: [{ name: 'nobody', mechanism: 1 }], upsertions: [] }) },
  { api: ApiKey.DescribeQuorum, name: 'DescribeQuorum', version: 2, needs: [cluster('DESCRIBE')], body: () => ({ topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }) },
  { api: ApiKey.UpdateFeatures, name: 'UpdateFeatures', version: 2, needs: [cluster('ALTER')], body: () => ({
    timeoutMs: 5000, validateOnly: true, featureUpdates: [{ feature: 'group.version', maxVersionLevel: 1, upgradeType: 1 }],
  }) },
  { api: ApiKey.DescribeProducers, name: 'DescribeProducers', version: 0, needs: [topic('READ')], body: () => ({ topics: [{ name: T, partitionIndexes: [0] }] }) },
  { api: ApiKey.DescribeCluster, name: 'DescribeCluster', version: 1, needs: [cluster('DESCRIBE')], body: () => ({ includeClusterAuthorizedOperations: true, endpointType: 1 }) },
  { api: ApiKey.DescribeTransactions, name: 'DescribeTransactions', version: 0, needs: [txnId('DESCRIBE')], body: () => ({ transactionalIds: [X] }) },
  { api: ApiKey.ListTransactions, name: 'ListTransactions', version: 1, needs: [txnId('DESCRIBE')], body: () => ({ stateFilters: [], producerIdFilters: [], durationFilter: -1n }),
    listed: (res) => res.transactionStates.some((t: any) => t.transactionalId === X) },
  { api: ApiKey.ConsumerGroupHeartbeat, name: 'ConsumerGroupHeartbeat', version: 1, needs: [group('READ', 'mxg-848'), topic('DESCRIBE')], body: () => ({
    groupId: 'mxg-848', memberId: 'matrix-member-0000000000', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000,
    subscribedTopicNames: [T], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
  }) },
  { api: ApiKey.ConsumerGroupDescribe, name: 'ConsumerGroupDescribe', version: 0, needs: [group('DESCRIBE', 'mxg-848')], body: () => ({ groupIds: ['mxg-848'], includeAuthorizedOperations: false }) },
  { api: ApiKey.GetTelemetrySubscriptions, name: 'GetTelemetrySubscriptions (no ACL)', version: 0, needs: [], body: () => ({ clientInstanceId: ZERO_UUID }) },
  { api: ApiKey.DescribeTopicPartitions, name: 'DescribeTopicPartitions', version: 0, needs: [topic('DESCRIBE')], body: () => ({ topics: [{ name: T }], responsePartitionLimit: 2000, cursor: null }) },
];

async function login(user: string, password: string): Promise<WireClient> {
  const c = await WireClient.connect(broker.bootstrap);
  assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
  assert.equal((await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\u0000${user}\u0000${password}`) })).errorCode, ErrorCode.NONE);
  return c;
}

/** A fresh principal holding exactly these ACLs (ALLOW, LITERAL, any host). */
async function principalWith(needs: readonly Need[]): Promise<WireClient> {
  const user = `u${nextUser++}`;
  assert.ok(nextUser <= USERS, 'more principals than JAAS users');
  if (needs.length > 0) {
    const res = await admin.request(ApiKey.CreateAcls, 3, { creations: needs.map((n) => ({
      resourceType: RESOURCE[n.resource], resourceName: n.name, resourcePatternType: 3, principal: `User:${user}`, host: '*', operation: OP[n.op], permissionType: 3,
    })) });
    assert.deepEqual(res.results.map((r: any) => r.errorCode), needs.map(() => 0));
  }
  return login(user, 'pw');
}

/** Every `errorCode` (and AddPartitionsToTxn's `partitionErrorCode`) anywhere in a response. */
function errorCodes(res: unknown, out: number[] = []): number[] {
  if (Array.isArray(res)) for (const v of res) errorCodes(v, out);
  else if (res !== null && typeof res === 'object' && !Buffer.isBuffer(res)) {
    for (const [k, v] of Object.entries(res)) {
      if ((k === 'errorCode' || k === 'partitionErrorCode') && typeof v === 'number') out.push(v);
      else errorCodes(v, out);
    }
  }
  return out;
}

before(async () => {
  broker = await startTestBroker({
    'listeners': 'SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.jaas.config': JAAS,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
    'auto.create.topics.enable': false,
  });
  admin = await login('admin', 'admin-pw');
  const created = await admin.request(ApiKey.CreateTopics, 7, { topics: [T, 'mx-del'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
  assert.deepEqual(created.topics.map((t: any) => t.errorCode), [0, 0]);
  assert.deepEqual(errorCodes(await admin.request(rows[0]!.api, rows[0]!.version, rows[0]!.body(0))), [0]);
  const commit = await admin.request(ApiKey.OffsetCommit, 9, rows.find((r) => r.api === ApiKey.OffsetCommit)!.body(0));
  assert.deepEqual(errorCodes(commit), [ErrorCode.NONE], 'the group exists with a committed offset');
  const init = await admin.request(ApiKey.InitProducerId, 4, { transactionalId: X, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(init.errorCode, ErrorCode.NONE);
  producerId = init.producerId;
  producerEpoch = init.producerEpoch;
});

after(async () => {
  admin?.close();
  await broker?.close();
});

for (const row of rows) {
  const needs = row.needs.map((n) => `${n.op} ${n.resource}`).join(' + ') || 'no ACL';
  test(`ACL matrix: ${row.name} (key ${row.api} v${row.version}) needs ${needs}`, { timeout: 30_000 }, async () => {
    for (let missing = 0; missing < row.needs.length; missing++) {
      const c = await principalWith(row.needs.filter((_, i) => i !== missing));
      const need = row.needs[missing]!;
      const res = await c.request(row.api, row.version, row.body(nextUser));
      c.close();
      if (row.listed !== undefined) {
        assert.equal(row.listed(res), false, `without ${need.op} on ${need.resource} ${need.name} the resource is left out: ${JSON.stringify(res)}`);
      } else {
        const want = need.code ?? DENIED[need.resource];
        assert.ok(errorCodes(res).includes(want), `without ${need.op} on ${need.resource} ${need.name}: error ${want} expected, got ${JSON.stringify(res, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
      }
    }
    const c = await principalWith(row.needs);
    const res = await c.request(row.api, row.version, row.body(nextUser));
    c.close();
    if (row.listed !== undefined) assert.equal(row.listed(res), true, `with ${needs} the resource is listed`);
    const authErrors = errorCodes(res).filter((e) => AUTH_ERRORS.has(e));
    assert.deepEqual(authErrors, [], `with ${needs}: no authorization error, got ${JSON.stringify(res, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  });
}

test('ACL matrix covers every API key the broker serves', async () => {
  const res = await admin.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'matrix', clientSoftwareVersion: '1' });
  const served = res.apiKeys.map((k: any) => k.apiKey).filter((k: number) => k !== ApiKey.SaslHandshake && k !== ApiKey.SaslAuthenticate);
  assert.deepEqual([...new Set(rows.map((r) => r.api))].sort((a, b) => a - b), served.sort((a: number, b: number) => a - b));
});
