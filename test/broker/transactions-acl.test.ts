// ACLs on the transaction APIs, as Kafka checks them: WRITE on the transactional id (InitProducerId,
// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit), WRITE on the topics added, READ on the
// group, DESCRIBE for DescribeTransactions and ListTransactions, READ on the topic for DescribeProducers; IDEMPOTENT_WRITE (or WRITE on a topic)
// for an idempotent InitProducerId.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from './harness.js';
import type { WireClient } from './wire-client.js';
import { aclBrokerConfig, plainLogin } from '../support/acl-broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const TOPIC = 2, GROUP = 3, TRANSACTIONAL_ID = 5;
const LITERAL = 3;
const READ = 3, WRITE = 4, DESCRIBE = 8;
const ALLOW = 3;

const login = (broker: TestBroker, user: string): Promise<WireClient> => plainLogin(broker.bootstrap, user);

const acl = (resourceType: number, resourceName: string, principal: string, operation: number) => ({ resourceType, resourceName, resourcePatternType: LITERAL, principal, host: '*', operation, permissionType: ALLOW });

test('transaction APIs check ACLs: alice may, bob may not', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker(aclBrokerConfig());
  try {
    const admin = await login(broker, 'admin');
    await admin.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'tx-topic', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    const created = await admin.request(ApiKey.CreateAcls, 3, { creations: [
      acl(TRANSACTIONAL_ID, 'tx-a', 'User:alice', WRITE), acl(TRANSACTIONAL_ID, 'tx-a', 'User:alice', DESCRIBE),
      acl(TOPIC, 'tx-topic', 'User:alice', WRITE), acl(TOPIC, 'tx-topic', 'User:alice', READ), acl(GROUP, 'g-a', 'User:alice', READ),
    ] });
    assert.ok(created.results.every((r: { errorCode: number }) => r.errorCode === ErrorCode.NONE));
    const alice = await login(broker, 'alice');
    const bob = await login(broker, 'bob');

    const init = (c: WireClient, transactionalId: string | null) => c.request(ApiKey.InitProducerId, 4, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    assert.equal((await init(bob, 'tx-a')).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await init(bob, null)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'no IDEMPOTENT_WRITE, no WRITE on any topic');
    assert.equal((await init(alice, null)).errorCode, ErrorCode.NONE, 'WRITE on a topic implies idempotent writes');
    const { producerId, producerEpoch, errorCode } = await init(alice, 'tx-a');
    assert.equal(errorCode, ErrorCode.NONE);

    const add = (c: WireClient, topic: string) => c.request(ApiKey.AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tx-a', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: topic, partitions: [0] }] });
    assert.equal((await add(bob, 'tx-topic')).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await add(alice, 'other')).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal((await add(alice, 'tx-topic')).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.NONE);

    const addOffsets = (c: WireClient, groupId: string) => c.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId: 'tx-a', producerId, producerEpoch, groupId });
    assert.equal((await addOffsets(alice, 'g-b')).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    assert.equal((await addOffsets(bob, 'g-a')).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await addOffsets(alice, 'g-a')).errorCode, ErrorCode.NONE);

    const commit = (c: WireClient, groupId: string) => c.request(ApiKey.TxnOffsetCommit, 3, { transactionalId: 'tx-a', groupId, producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'tx-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    assert.equal((await commit(bob, 'g-a')).topics[0].partitions[0].errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await commit(alice, 'g-a')).topics[0].partitions[0].errorCode, ErrorCode.NONE);

    const describe = async (c: WireClient) => (await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['tx-a'] })).transactionStates[0];
    assert.equal((await describe(bob)).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await describe(alice)).transactionState, 'Ongoing');
    const list = async (c: WireClient) => (await c.request(ApiKey.ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n })).transactionStates.map((t: { transactionalId: string }) => t.transactionalId);
    assert.deepEqual(await list(bob), []);
    assert.deepEqual(await list(alice), ['tx-a']);

    const producers = async (c: WireClient) => (await c.request(ApiKey.DescribeProducers, 0, { topics: [{ name: 'tx-topic', partitionIndexes: [0] }] })).topics[0].partitions[0];
    assert.equal((await producers(bob)).errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'DescribeProducers needs READ on the topic');
    assert.equal((await producers(alice)).errorCode, ErrorCode.NONE);

    const end = (c: WireClient) => c.request(ApiKey.EndTxn, 3, { transactionalId: 'tx-a', producerId, producerEpoch, committed: true });
    assert.equal((await end(bob)).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await end(alice)).errorCode, ErrorCode.NONE);
    for (const c of [admin, alice, bob]) c.close();
  } finally {
    await broker.close();
  }
});
