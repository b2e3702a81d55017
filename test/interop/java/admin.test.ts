/**
 * Kafka's Java Admin client (kafka-clients 4.4 from Maven Central, run as a single-file Java program) against
 * the broker: describeTopics (DescribeTopicPartitions), describeConfigs with synonyms and documentation,
 * describeLogDirs, electLeaders, alter/listPartitionReassignments, alter/describeClientQuotas,
 * describeMetadataQuorum, describeFeatures/updateFeatures, clientInstanceId (GetTelemetrySubscriptions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestBroker } from '../../broker/harness.js';
import { ProtocolTrace } from '../../../src/broker/protocol-trace.js';
import { onlyMinikafka } from '../../support/kafka-target.js';
import { javaClasspath, javaDir, javaSkip as skip } from './toolchain.js';

const run = promisify(execFile);

// It traces the requests inside the broker and sets a Kafka 3.x topic config that Kafka 4 refuses (FINDINGS.md K6).
const skipAdmin = skip || onlyMinikafka('traces requests inside the in-process broker and sets a 3.x topic config Kafka 4 removed');

test('Java Admin (kafka-clients 4.4): the admin APIs answer as a single Kafka node', { timeout: 400_000, skip: skipAdmin }, async () => {
  const cp = await javaClasspath();
  const broker = await startTestBroker({ 'auto.create.topics.enable': false });
  const trace = new ProtocolTrace(broker);
  try {
    const { stdout } = await run('java', ['-cp', cp, `${javaDir}AdminApis.java`, broker.bootstrap, 'java-admin'], { timeout: 120_000 });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    assert.deepEqual(seen.describeTopics, { partitions: 3, leader: broker.state.nodeId, isr: 1 });
    const configs = seen.configs;
    assert.equal(Object.keys(configs).length, 35, 'Kafka 4.x\'s 34 topic configs and the 3.x one the topic sets');
    assert.deepEqual(configs['message.timestamp.difference.max.ms'], {
      value: '60000', type: 'LONG', source: 'DYNAMIC_TOPIC_CONFIG', documented: true,
      synonyms: ['message.timestamp.difference.max.ms=60000@DYNAMIC_TOPIC_CONFIG', 'log.message.timestamp.difference.max.ms=9223372036854775807@DEFAULT_CONFIG'],
    });
    assert.equal(configs['cleanup.policy'].type, 'LIST');
    assert.equal(configs['cleanup.policy'].value, 'compact,delete');
    assert.equal(configs['segment.bytes'].type, 'INT');
    assert.equal(configs['min.cleanable.dirty.ratio'].type, 'DOUBLE');
    assert.equal(configs['preallocate'].type, 'BOOLEAN');
    assert.deepEqual(configs['segment.bytes'].synonyms, ['log.segment.bytes=1073741824@DEFAULT_CONFIG']);
    assert.deepEqual(seen.describeLogDirs, { replicas: ['java-admin-0', 'java-admin-1', 'java-admin-2'], totalBytesPresent: true });
    assert.equal(seen.electLeaders, 'ElectionNotNeededException');
    assert.equal(seen.alterPartitionReassignments, 'ok');
    assert.equal(seen.reassignToOtherBroker, 'InvalidReplicaAssignmentException');
    assert.equal(seen.listPartitionReassignments, 0);
    assert.deepEqual(seen.clientQuotas, { producer_byte_rate: 4096 });
    assert.deepEqual(seen.quorum, { leader: broker.state.nodeId, voters: 1, observers: 0 });
    assert.deepEqual(seen.finalizedFeatures, { 'group.version': 1, 'metadata.version': 25 });
    assert.equal(seen.updateFeaturesSame, 'ok');
    assert.equal(seen.updateFeaturesDowngrade, 'InvalidUpdateVersionException');
    assert.match(seen.clientInstanceId, /^[A-Za-z0-9_-]{22}$/, 'a client instance id from GetTelemetrySubscriptions');
    const apis = new Set(trace.requests({}).map((t) => t.api));
    for (const api of ['DescribeTopicPartitions', 'DescribeLogDirs', 'ElectLeaders', 'AlterPartitionReassignments', 'ListPartitionReassignments', 'AlterClientQuotas', 'DescribeClientQuotas', 'DescribeQuorum', 'UpdateFeatures', 'GetTelemetrySubscriptions']) {
      assert.ok(apis.has(api), `the Java client called ${api}`);
    }
  } finally {
    trace.stop();
    await broker.close();
  }
});
