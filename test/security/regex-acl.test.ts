/**
 * KIP-848 regex subscriptions under ACLs: the broker resolves the regex, and a member is assigned only
 * the matching topics its principal may DESCRIBE (Kafka: KAFKA-18813). Granting DESCRIBE later brings
 * the topic in at the member's next heartbeat; a topic matched but hidden is never named to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';
import { AclOperation, ResourceType } from '../../src/security/acl.js';

const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-pw" user_alice="alice-pw";';
const LITERAL = 3, ALLOW = 3;

async function login(bootstrap: string, user: string): Promise<WireClient> {
  const c = await WireClient.connect(bootstrap);
  assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
  assert.equal((await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\u0000${user}\u0000${user}-pw`) })).errorCode, ErrorCode.NONE);
  return c;
}

const allow = (resourceType: number, resourceName: string, operation: number) => ({
  resourceType, resourceName, resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation, permissionType: ALLOW,
});

test('a regex subscription is assigned only topics the member may DESCRIBE; a later grant brings the topic in', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({
    'listeners': 'SASL_PLAINTEXT://127.0.0.1:0',
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.jaas.config': JAAS,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
  });
  const clients: WireClient[] = [];
  try {
    const admin = await login(broker.bootstrap, 'admin');
    clients.push(admin);
    const created = await admin.request(ApiKey.CreateTopics, 7, { topics: ['rx-open', 'rx-secret'].map((name) => ({ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 5000, validateOnly: false });
    assert.deepEqual(created.topics.map((t: any) => t.errorCode), [ErrorCode.NONE, ErrorCode.NONE]);
    const ids = new Map<string, string>(created.topics.map((t: any) => [t.topicId, t.name]));
    const acls = await admin.request(ApiKey.CreateAcls, 3, { creations: [
      allow(ResourceType.GROUP, 'rx-group', AclOperation.READ),
      allow(ResourceType.TOPIC, 'rx-open', AclOperation.DESCRIBE),
      allow(ResourceType.TOPIC, 'rx-open', AclOperation.READ),
    ] });
    assert.deepEqual(acls.results.map((r: any) => r.errorCode), [0, 0, 0]);

    const alice = await login(broker.bootstrap, 'alice');
    clients.push(alice);
    const memberId = 'alice-member-1';
    const heartbeat = (memberEpoch: number, regex: string | null, owned: Array<{ topicId: string; partitions: number[] }> | null) => alice.request(ApiKey.ConsumerGroupHeartbeat, 1, {
      groupId: 'rx-group', memberId, memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: memberEpoch === 0 ? 30_000 : -1,
      subscribedTopicNames: null, subscribedTopicRegex: regex, serverAssignor: null, topicPartitions: owned,
    });
    const assignedNames = (r: any): string[] => (r.assignment?.topicPartitions ?? []).map((tp: any) => ids.get(tp.topicId) ?? `unknown:${tp.topicId}`).sort();

    const joined = await heartbeat(0, 'rx-.*', []);
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.deepEqual(assignedNames(joined), ['rx-open'], 'rx-secret matches the regex but alice may not describe it');

    // Grant DESCRIBE on rx-secret: the next heartbeat's target includes it.
    assert.deepEqual((await admin.request(ApiKey.CreateAcls, 3, { creations: [allow(ResourceType.TOPIC, 'rx-secret', AclOperation.DESCRIBE)] })).results.map((r: any) => r.errorCode), [0]);
    let epoch = joined.memberEpoch;
    let owned = joined.assignment.topicPartitions;
    let names: string[] = [];
    for (let i = 0; i < 20 && !names.includes('rx-secret'); i++) {
      const r = await heartbeat(epoch, null, owned);
      assert.equal(r.errorCode, ErrorCode.NONE);
      epoch = r.memberEpoch;
      if (r.assignment !== null) { owned = r.assignment.topicPartitions; names = assignedNames(r); }
    }
    assert.deepEqual(names, ['rx-open', 'rx-secret']);
  } finally {
    for (const c of clients) c.close();
    await broker.close();
  }
});
