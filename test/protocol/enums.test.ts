/** The wire enums' numbers are Kafka's (ConfigResource.Type, DescribeConfigsResponse.ConfigSource, IsolationLevel, CoordinatorType). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigResourceType, ConfigSource, CoordinatorType, IsolationLevel } from '../../src/protocol/enums.js';

function distinct(values: Record<string, number>): void {
  assert.equal(new Set(Object.values(values)).size, Object.keys(values).length, 'no two names share a number');
}

test('ConfigResourceType numbers the resources as Kafka does (TOPIC 2, BROKER 4, BROKER_LOGGER 8, GROUP 32)', () => {
  assert.deepEqual([ConfigResourceType.TOPIC, ConfigResourceType.BROKER, ConfigResourceType.BROKER_LOGGER, ConfigResourceType.CLIENT_METRICS, ConfigResourceType.GROUP], [2, 4, 8, 16, 32]);
  distinct(ConfigResourceType);
});

test('ConfigSource numbers the sources as DescribeConfigs v1+ sends them', () => {
  assert.deepEqual([ConfigSource.TOPIC, ConfigSource.DYNAMIC_BROKER, ConfigSource.DYNAMIC_DEFAULT_BROKER, ConfigSource.STATIC_BROKER, ConfigSource.DEFAULT], [1, 2, 3, 4, 5]);
  distinct(ConfigSource);
});

test('IsolationLevel and CoordinatorType', () => {
  assert.deepEqual([IsolationLevel.READ_UNCOMMITTED, IsolationLevel.READ_COMMITTED], [0, 1]);
  assert.deepEqual([CoordinatorType.GROUP, CoordinatorType.TRANSACTION, CoordinatorType.SHARE], [0, 1, 2]);
});
