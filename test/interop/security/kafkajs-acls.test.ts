/** KafkaJS admin manages ACLs (createAcls, describeAcls, deleteAcls); a denied KafkaJS producer gets TOPIC_AUTHORIZATION_FAILED, an allowed one produces. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type Kafka } from 'kafkajs';
import { startTestBroker } from '../../broker/harness.js';
import { aclBrokerConfig } from '../../support/acl-broker.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const { Kafka: KafkaClient, logLevel, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

test('kafkajs: ACLs created, described and deleted by an admin; an allowed and a denied producer', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker(aclBrokerConfig());
  const client = (user: string): Kafka => new KafkaClient({
    brokers: [broker.bootstrap], clientId: `acl-${user}`, logLevel: logLevel.NOTHING, retry: { retries: 1 },
    sasl: { mechanism: 'plain', username: user, password: `${user}-pw` },
  });
  const admin = client('admin').admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'invoices', numPartitions: 1 }] });
    await admin.createAcls({ acl: [
      { resourceType: AclResourceTypes.TOPIC, resourceName: 'invoices', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:alice', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW },
      { resourceType: AclResourceTypes.TOPIC, resourceName: 'invoices', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:bob', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.DENY },
    ] });
    const described = await admin.describeAcls({
      resourceType: AclResourceTypes.TOPIC, resourceName: 'invoices', resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
    });
    assert.deepEqual(described.resources[0]!.acls.map((a) => a.principal).sort(), ['User:alice', 'User:bob']);

    const alice = client('alice').producer();
    await alice.connect();
    const sent = await alice.send({ topic: 'invoices', messages: [{ value: 'paid' }] });
    assert.equal(sent[0]!.errorCode, ErrorCode.NONE);
    await alice.disconnect();

    const bob = client('bob').producer();
    await bob.connect();
    await assert.rejects(bob.send({ topic: 'invoices', messages: [{ value: 'forged' }] }), (err: Error & { type?: string }) => /TOPIC_AUTHORIZATION_FAILED|authoriz/i.test(`${err.type} ${err.message}`));
    await bob.disconnect();

    const deleted = await admin.deleteAcls({ filters: [{
      resourceType: AclResourceTypes.TOPIC, resourceName: 'invoices', resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:bob', host: '*', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
    }] });
    assert.equal(deleted.filterResponses[0]!.matchingAcls.length, 1);
  } finally {
    await admin.disconnect();
    await broker.close();
  }
});
