/** ACLs over the wire: a denied and an allowed principal per API, CreateAcls/DescribeAcls/DeleteAcls, deny before allow, persistence, super users. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { aclBrokerConfig, plainLogin } from '../support/acl-broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

// Codes as on the wire.
const TOPIC = 2, GROUP = 3, CLUSTER = 4;
const LITERAL = 3, PREFIXED = 4, MATCH = 2, ANY = 1;
const READ = 3, WRITE = 4, CREATE = 5, DESCRIBE = 8, ALL = 2;
const DENY = 2, ALLOW = 3;

const login = (broker: TestBroker, user: string): Promise<WireClient> => plainLogin(broker.bootstrap, user);

function acl(resourceType: number, resourceName: string, patternType: number, principal: string, operation: number, permissionType = ALLOW, host = '*') {
  return { resourceType, resourceName, resourcePatternType: patternType, principal, host, operation, permissionType };
}

const produce = (c: WireClient, topic: string) => c.request(ApiKey.Produce, 9, {
  transactionalId: null, acks: 1, timeoutMs: 5000,
  topicData: [{ name: topic, partitionData: [{ index: 0, records: buildRecordBatch({ baseTimestamp: Date.now(), records: [{ value: Buffer.from('v') }] }) }] }],
});
const fetch = (c: WireClient, topic: string) => c.request(ApiKey.Fetch, 12, {
  replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
  forgottenTopicsData: [], rackId: '',
});
const metadata = (c: WireClient, topics: string[] | null) => c.request(ApiKey.Metadata, 12, {
  topics: topics === null ? null : topics.map((name) => ({ topicId: '00000000-0000-0000-0000-000000000000', name })),
  allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true,
});

test('a denied and an allowed principal: Produce, Fetch, Metadata, CreateTopics, groups; DENY wins over ALLOW', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker(aclBrokerConfig());
  try {
    const admin = await login(broker, 'admin');
    const alice = await login(broker, 'alice');
    const bob = await login(broker, 'bob');
    // Only ALTER on the cluster may create ACLs: bob may not.
    const bobCreate = await bob.request(ApiKey.CreateAcls, 3, { creations: [acl(TOPIC, '*', LITERAL, 'User:bob', ALL)] });
    assert.equal(bobCreate.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const created = await admin.request(ApiKey.CreateAcls, 3, { creations: [
      acl(TOPIC, 'orders-', PREFIXED, 'User:alice', WRITE),
      acl(TOPIC, 'orders-', PREFIXED, 'User:alice', READ),
      acl(TOPIC, 'orders-secret', LITERAL, 'User:alice', READ, DENY),
      acl(GROUP, 'alice-', PREFIXED, 'User:alice', READ),
      acl(CLUSTER, 'kafka-cluster', LITERAL, 'User:alice', CREATE),
      acl(TOPIC, 'bad', 9, 'User:alice', READ),
    ] });
    assert.deepEqual(created.results.map((r: any) => r.errorCode), [0, 0, 0, 0, 0, ErrorCode.INVALID_REQUEST]);

    // CreateTopics: CREATE on the cluster (alice), not bob.
    const topics = [{ name: 'orders-1', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }, { name: 'orders-secret', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }];
    assert.equal((await bob.request(ApiKey.CreateTopics, 7, { topics: topics.slice(0, 1), timeoutMs: 5000, validateOnly: false })).topics[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.deepEqual((await alice.request(ApiKey.CreateTopics, 7, { topics, timeoutMs: 5000, validateOnly: false })).topics.map((t: any) => t.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);

    // Produce: WRITE on the topic.
    assert.equal((await produce(alice, 'orders-1')).responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    assert.equal((await produce(bob, 'orders-1')).responses[0].partitionResponses[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    // Fetch: READ on the topic; the literal DENY on orders-secret beats the prefixed ALLOW.
    assert.equal((await fetch(alice, 'orders-1')).responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal((await fetch(bob, 'orders-1')).responses[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal((await fetch(alice, 'orders-secret')).responses[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);

    // Metadata: all topics lists only what the principal may DESCRIBE (READ/WRITE imply it), a named one is refused.
    assert.deepEqual((await metadata(alice, null)).topics.map((t: any) => t.name).sort(), ['orders-1', 'orders-secret']);
    assert.deepEqual((await metadata(bob, null)).topics, []);
    assert.equal((await metadata(bob, ['orders-1'])).topics[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const ops = (await metadata(alice, ['orders-1'])).topics[0].topicAuthorizedOperations;
    assert.equal(ops, (1 << READ) | (1 << WRITE) | (1 << DESCRIBE));

    // Groups: READ on the group.
    const join = (c: WireClient, groupId: string) => c.request(ApiKey.JoinGroup, 5, {
      groupId, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    });
    assert.equal((await join(bob, 'alice-group')).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    assert.equal((await join(alice, 'alice-group')).errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal((await bob.request(ApiKey.FindCoordinator, 3, { key: 'alice-group', keyType: 0 })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    assert.equal((await alice.request(ApiKey.FindCoordinator, 3, { key: 'alice-group', keyType: 0 })).errorCode, ErrorCode.NONE);
    const hb = await bob.request(ApiKey.Heartbeat, 4, { groupId: 'alice-group', generationId: 1, memberId: 'm', groupInstanceId: null });
    assert.equal(hb.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const commit = await bob.request(ApiKey.OffsetCommit, 8, { groupId: 'alice-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'orders-1', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    assert.equal(commit.topics[0].partitions[0].errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);

    // DescribeCluster: DESCRIBE on the cluster; the super user may, and sees every operation.
    assert.equal((await bob.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: true })).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    assert.notEqual((await admin.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: true })).clusterAuthorizedOperations & (1 << 7), 0);
    for (const c of [admin, alice, bob]) c.close();
  } finally {
    await broker.close();
  }
});

test('transactions and idempotence: WRITE on the transactional id, IDEMPOTENT_WRITE or WRITE on a topic', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker(aclBrokerConfig());
  try {
    const admin = await login(broker, 'admin');
    const alice = await login(broker, 'alice');
    const bob = await login(broker, 'bob');
    await admin.request(ApiKey.CreateAcls, 3, { creations: [
      acl(5, 'tx-', PREFIXED, 'User:alice', WRITE),
      acl(TOPIC, 'out', LITERAL, 'User:alice', WRITE),
    ] });
    const init = (c: WireClient, transactionalId: string | null) => c.request(ApiKey.InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    assert.equal((await init(bob, 'tx-1')).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await init(alice, 'tx-1')).errorCode, ErrorCode.NONE);
    assert.equal((await init(bob, null)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    assert.equal((await init(alice, null)).errorCode, ErrorCode.NONE);
    const end = await bob.request(ApiKey.EndTxn, 3, { transactionalId: 'tx-1', producerId: 1n, producerEpoch: 0, committed: true });
    assert.equal(end.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await bob.request(ApiKey.FindCoordinator, 3, { key: 'tx-1', keyType: 1 })).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    for (const c of [admin, alice, bob]) c.close();
  } finally {
    await broker.close();
  }
});

test('DescribeAcls and DeleteAcls with filters (MATCH, ANY); ACLs survive a restart; SECURITY_DISABLED without an authorizer', { timeout: 30_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-acls-'));
  try {
    let broker = await startTestBroker(aclBrokerConfig(), dataDir);
    let admin = await login(broker, 'admin');
    await admin.request(ApiKey.CreateAcls, 3, { creations: [
      acl(TOPIC, 'logs-', PREFIXED, 'User:alice', READ),
      acl(TOPIC, 'logs-app', LITERAL, 'User:bob', READ),
      acl(TOPIC, '*', LITERAL, 'User:carol', DESCRIBE),
      acl(GROUP, 'g', LITERAL, 'User:bob', READ),
    ] });
    const any = { resourceTypeFilter: ANY, resourceNameFilter: null, patternTypeFilter: ANY, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY };
    const all = await admin.request(ApiKey.DescribeAcls, 3, any);
    assert.equal(all.resources.reduce((n: number, r: any) => n + r.acls.length, 0), 4);
    // MATCH: every pattern that applies to topic logs-app (the prefix, the literal and the wildcard).
    const match = await admin.request(ApiKey.DescribeAcls, 3, { ...any, resourceTypeFilter: TOPIC, resourceNameFilter: 'logs-app', patternTypeFilter: MATCH });
    assert.deepEqual(match.resources.map((r: any) => `${r.patternType}:${r.resourceName}`).sort(), ['3:*', '3:logs-app', '4:logs-']);
    admin.close();
    await broker.close();

    broker = await startTestBroker(aclBrokerConfig(), dataDir);
    admin = await login(broker, 'admin');
    assert.equal((await admin.request(ApiKey.DescribeAcls, 3, any)).resources.reduce((n: number, r: any) => n + r.acls.length, 0), 4, 'persisted');
    const deleted = await admin.request(ApiKey.DeleteAcls, 3, { filters: [{ ...any, principalFilter: 'User:bob' }, { ...any, resourceTypeFilter: 0 }] });
    assert.equal(deleted.filterResults[0].matchingAcls.length, 2);
    assert.equal(deleted.filterResults[1].errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await admin.request(ApiKey.DescribeAcls, 3, any)).resources.reduce((n: number, r: any) => n + r.acls.length, 0), 2);
    admin.close();
    await broker.close();

    broker = await startTestBroker({ 'listeners': 'PLAINTEXT://127.0.0.1:0' }, dataDir);
    const plain = await WireClient.connect(broker.bootstrap);
    assert.equal((await plain.request(ApiKey.DescribeAcls, 3, any)).errorCode, ErrorCode.SECURITY_DISABLED);
    assert.equal((await plain.request(ApiKey.CreateAcls, 3, { creations: [acl(TOPIC, 't', LITERAL, 'User:x', READ)] })).results[0].errorCode, ErrorCode.SECURITY_DISABLED);
    plain.close();
    await broker.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('allow.everyone.if.no.acl.found: resources no ACL names are open, named ones follow their ACLs', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker(aclBrokerConfig({ 'allow.everyone.if.no.acl.found': 'true' }));
  try {
    const admin = await login(broker, 'admin');
    const bob = await login(broker, 'bob');
    await admin.request(ApiKey.CreateTopics, 7, { topics: ['open', 'closed'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
    await admin.request(ApiKey.CreateAcls, 3, { creations: [acl(TOPIC, 'closed', LITERAL, 'User:alice', WRITE)] });
    assert.equal((await produce(bob, 'open')).responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    assert.equal((await produce(bob, 'closed')).responses[0].partitionResponses[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    admin.close();
    bob.close();
  } finally {
    await broker.close();
  }
});
