/**
 * @confluentinc/kafka-javascript transactions (its KafkaJS API, producer.transaction() over
 * librdkafka's transactional producer) against the broker: committed records reach a read_committed
 * consumer, aborted ones only a read_uncommitted one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMode, withBroker } from '../modern-clients/scenario.js';
import { WireClient } from '../../broker/wire-client.js';
import { uniqueTopic } from '../../support/target.js';
import { confluent, skipConfluent } from './clients.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

async function createTopic(bootstrap: string, name: string, numPartitions: number): Promise<void> {
  const c = await WireClient.connect(bootstrap);
  try {
    const res = await c.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(res.topics[0].errorCode, ErrorCode.NONE);
  } finally {
    c.close();
  }
}

test('@confluentinc/kafka-javascript: a committed transaction is visible to read_committed, an aborted one is not', { timeout: 180_000, skip: skipConfluent }, async () => {
  await withBroker(async (broker) => {
    const topic = uniqueTopic('confluent-js-txn');
    await createTopic(broker.bootstrap, topic, 1);
    const outcomes = await runMode<{ commit?: string[]; abort?: string[] }>(confluent, ['txn', broker.bootstrap, topic]);
    const committed = outcomes.flatMap((o) => o.commit ?? []);
    const aborted = outcomes.flatMap((o) => o.abort ?? []);
    assert.equal(committed.length, 4, 'two transactions committed');
    assert.equal(aborted.length, 2, 'one transaction aborted');

    const [rc] = await runMode<{ values: string[] }>(confluent, ['read-isolation', broker.bootstrap, topic, 'read_committed', String(committed.length)]);
    assert.deepEqual(rc!.values, committed, 'read_committed: the committed records in order, nothing aborted');
    const [ru] = await runMode<{ values: string[] }>(confluent, ['read-isolation', broker.bootstrap, topic, 'read_uncommitted', String(committed.length + aborted.length)]);
    assert.deepEqual(ru!.values, outcomes.flatMap((o) => o.commit ?? o.abort ?? []), 'read_uncommitted: the aborted records too, where they were written');
  }, { 'group.initial.rebalance.delay.ms': 0 });
});
