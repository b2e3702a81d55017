/** FindCoordinator for a group creates `__consumer_offsets` as Kafka does (franz-go's TestConsumeRegex waited 30 s for it in Metadata on a fresh broker). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../harness.js';
import { WireClient } from '../wire-client.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

test('FindCoordinator (group) on a fresh broker: __consumer_offsets then shows in Metadata, internal', async () => {
  const broker = await startTestBroker({ 'minikafka.log.level': 'warn' });
  const c = await WireClient.connect(broker.bootstrap);
  try {
    const metadata = () => c.request(ApiKey.Metadata, 12, { topics: [{ topicId: ZERO_UUID, name: '__consumer_offsets' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const before = await metadata();
    assert.equal(before.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'no group used yet: UNKNOWN_TOPIC_OR_PARTITION (Metadata never creates an internal topic)');
    const found = await c.request(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1'] });
    assert.equal(found.coordinators[0].errorCode, ErrorCode.NONE);
    const after = await metadata();
    assert.equal(after.topics[0].errorCode, ErrorCode.NONE);
    assert.equal(after.topics[0].isInternal, true);
    assert.equal(after.topics[0].partitions.length, 4, 'offsets.topic.num.partitions');
    const all = await c.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.deepEqual(all.topics.map((t: { name: string }) => t.name), ['__consumer_offsets']);
  } finally {
    c.close();
    await broker.close();
  }
});
