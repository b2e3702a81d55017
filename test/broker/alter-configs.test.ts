/** IncrementalAlterConfigs (44) and AlterConfigs (33) over the wire: semantics, errors, live effect on partition logs, persistence across a restart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

type Op = { name: string; op: number; value?: string | null };

async function createTopic(client: WireClient, name: string, configs: { name: string; value: string }[] = []): Promise<void> {
  const res = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000 });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

async function incremental(client: WireClient, name: string, ops: Op[], opts: { version?: number; validateOnly?: boolean; type?: number } = {}) {
  const res = await client.request(ApiKey.IncrementalAlterConfigs, opts.version ?? 1, {
    validateOnly: opts.validateOnly ?? false,
    resources: [{ resourceType: opts.type ?? TOPIC, resourceName: name, configs: ops.map((o) => ({ name: o.name, configOperation: o.op, value: o.value ?? null })) }],
  });
  return res.responses[0] as { errorCode: number; errorMessage: string | null; resourceName: string };
}

/** name -> [value, configSource] for the topic's configs. */
async function describe(client: WireClient, name: string): Promise<Map<string, [string | null, number]>> {
  const res = await client.request(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
  assert.equal(res.results[0].errorCode, ErrorCode.NONE);
  return new Map(res.results[0].configs.map((c: { name: string; value: string | null; configSource: number }) => [c.name, [c.value, c.configSource]]));
}

async function withBroker(fn: (client: WireClient, broker: Awaited<ReturnType<typeof startTestBroker>>) => Promise<void>, dataDir?: string): Promise<void> {
  const broker = await startTestBroker({ 'auto.create.topics.enable': false }, dataDir);
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await fn(client, broker);
  } finally {
    client.close();
    await broker.close();
  }
}

test('IncrementalAlterConfigs v0 and v1: SET, DELETE, APPEND and SUBTRACT show in DescribeConfigs with their source', () =>
  withBroker(async (client) => {
    await createTopic(client, 't');
    for (const version of [0, 1]) {
      let r = await incremental(client, 't', [{ name: 'retention.ms', op: SET, value: '60000' }, { name: 'segment.bytes', op: SET, value: '2097152' }], { version });
      assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
      let d = await describe(client, 't');
      assert.deepEqual(d.get('retention.ms'), ['60000', 1], 'dynamic topic config');
      assert.deepEqual(d.get('segment.bytes'), ['2097152', 1]);
      r = await incremental(client, 't', [{ name: 'retention.ms', op: DELETE }], { version });
      assert.equal(r.errorCode, ErrorCode.NONE);
      d = await describe(client, 't');
      assert.deepEqual(d.get('retention.ms'), ['604800000', 5], 'back to the default');
      assert.deepEqual(d.get('segment.bytes'), ['2097152', 1], 'the other override stays');
    }
    assert.equal((await incremental(client, 't', [{ name: 'cleanup.policy', op: APPEND, value: 'compact' }])).errorCode, ErrorCode.NONE);
    assert.deepEqual((await describe(client, 't')).get('cleanup.policy'), ['delete,compact', 1], 'APPEND starts from the default list');
    assert.equal((await incremental(client, 't', [{ name: 'cleanup.policy', op: APPEND, value: 'compact' }])).errorCode, ErrorCode.NONE);
    assert.deepEqual((await describe(client, 't')).get('cleanup.policy'), ['delete,compact', 1], 'APPEND of a present value changes nothing');
    assert.equal((await incremental(client, 't', [{ name: 'cleanup.policy', op: SUBTRACT, value: 'delete' }])).errorCode, ErrorCode.NONE);
    assert.deepEqual((await describe(client, 't')).get('cleanup.policy'), ['compact', 1]);
  }));

test('IncrementalAlterConfigs errors: unknown topic, unknown or invalid config, APPEND on a non-list, bad op, duplicates, validateOnly', () =>
  withBroker(async (client) => {
    await createTopic(client, 't', [{ name: 'retention.ms', value: '1000' }]);
    const cases: Array<[Op[], number, RegExp]> = [
      [[{ name: 'no.such.config', op: SET, value: '1' }], ErrorCode.INVALID_CONFIG, /Unknown topic config name/],
      [[{ name: 'retention.ms', op: SET, value: 'soon' }], ErrorCode.INVALID_CONFIG, /retention\.ms/],
      [[{ name: 'cleanup.policy', op: SET, value: 'sometimes' }], ErrorCode.INVALID_CONFIG, /cleanup\.policy/],
      [[{ name: 'cleanup.policy', op: SUBTRACT, value: 'delete' }], ErrorCode.INVALID_CONFIG, /cleanup\.policy/],
      [[{ name: 'retention.ms', op: APPEND, value: '5' }], ErrorCode.INVALID_CONFIG, /append is not allowed/],
      [[{ name: 'retention.ms', op: SET, value: null }], ErrorCode.INVALID_CONFIG, /Null value/],
      [[{ name: 'retention.ms', op: 9, value: '5' }], ErrorCode.INVALID_REQUEST, /Unknown config operation/],
      [[{ name: 'retention.ms', op: SET, value: '5' }, { name: 'retention.ms', op: DELETE }], ErrorCode.INVALID_REQUEST, /duplicate config keys/],
    ];
    for (const [ops, code, message] of cases) {
      const r = await incremental(client, 't', ops);
      assert.equal(r.errorCode, code, JSON.stringify(ops));
      assert.match(r.errorMessage ?? '', message);
    }
    assert.equal((await incremental(client, 'missing', [{ name: 'retention.ms', op: SET, value: '5' }])).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.deepEqual((await describe(client, 't')).get('retention.ms'), ['1000', 1], 'no failed change applied');

    assert.equal((await incremental(client, 't', [{ name: 'retention.ms', op: SET, value: '2000' }], { validateOnly: true })).errorCode, ErrorCode.NONE);
    assert.deepEqual((await describe(client, 't')).get('retention.ms'), ['1000', 1], 'validateOnly changes nothing');
    assert.equal((await incremental(client, 't', [{ name: 'retention.ms', op: SET, value: 'x' }], { validateOnly: true })).errorCode, ErrorCode.INVALID_CONFIG);

    const dup = await client.request(ApiKey.IncrementalAlterConfigs, 1, {
      validateOnly: false,
      resources: [0, 1].map(() => ({ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: SET, value: '7' }] })),
    });
    assert.deepEqual(dup.responses.map((r: { errorCode: number }) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  }));

test('broker resources: changes are refused (static configs), unknown names and other brokers too; other resource types INVALID_REQUEST', () =>
  withBroker(async (client) => {
    let r = await incremental(client, '1', [{ name: 'log.retention.ms', op: SET, value: '5' }], { type: BROKER });
    assert.equal(r.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(r.errorMessage ?? '', /Cannot update these configs dynamically: log.retention.ms/);
    r = await incremental(client, '', [{ name: 'no.such', op: SET, value: '5' }], { type: BROKER });
    assert.equal(r.errorCode, ErrorCode.INVALID_CONFIG);
    r = await incremental(client, '7', [], { type: BROKER });
    assert.equal(r.errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await incremental(client, '1', [], { type: BROKER })).errorCode, ErrorCode.NONE, 'an empty change is no change');
    assert.equal((await incremental(client, '1', [], { type: 8 })).errorCode, ErrorCode.INVALID_REQUEST);
    const alter = await client.request(ApiKey.AlterConfigs, 0, { validateOnly: false, resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', value: '3' }] }] });
    assert.equal(alter.responses[0].errorCode, ErrorCode.INVALID_REQUEST);
  }));

test('AlterConfigs v0-v2 replaces the whole set of overrides', () =>
  withBroker(async (client) => {
    await createTopic(client, 't', [{ name: 'retention.ms', value: '1000' }, { name: 'segment.ms', value: '5000' }]);
    for (const version of [0, 1, 2]) {
      const res = await client.request(ApiKey.AlterConfigs, version, { validateOnly: false, resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.bytes', value: String(1000 + version) }] }] });
      assert.equal(res.responses[0].errorCode, ErrorCode.NONE, res.responses[0].errorMessage);
      const d = await describe(client, 't');
      assert.deepEqual(d.get('retention.bytes'), [String(1000 + version), 1]);
      assert.equal(d.get('retention.ms')![1], 5, 'an override left out is gone');
      assert.equal(d.get('segment.ms')![1], 5);
    }
    const bad = await client.request(ApiKey.AlterConfigs, 1, { validateOnly: false, resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: 'x' }] }] });
    assert.equal(bad.responses[0].errorCode, ErrorCode.INVALID_CONFIG);
    const missing = await client.request(ApiKey.AlterConfigs, 1, { validateOnly: false, resources: [{ resourceType: TOPIC, resourceName: 'nope', configs: [] }] });
    assert.equal(missing.responses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const dry = await client.request(ApiKey.AlterConfigs, 2, { validateOnly: true, resources: [{ resourceType: TOPIC, resourceName: 't', configs: [] }] });
    assert.equal(dry.responses[0].errorCode, ErrorCode.NONE);
    assert.deepEqual((await describe(client, 't')).get('retention.bytes'), ['1002', 1], 'validateOnly changed nothing');
  }));

test('altered configs apply to the live partition log at once (segment.bytes, message.timestamp.type, max.message.bytes)', () =>
  withBroker(async (client, broker) => {
    await createTopic(client, 'live');
    const produce = (value: string) => client.request(ApiKey.Produce, 9, {
      acks: 1, timeoutMs: 5000,
      topicData: [{ name: 'live', partitionData: [{ index: 0, records: buildRecordBatch({ baseTimestamp: 1000, records: [{ key: null, value: Buffer.from(value) }] }) }] }],
    }).then((res) => res.responses[0].partitionResponses[0]);
    assert.equal((await produce('first')).errorCode, ErrorCode.NONE);
    const log = broker.state.store.partition('live', 0);
    assert.equal(log.segmentCount, 1);
    // Below Kafka 4's 1 MiB minimum (KIP-1030): refused, nothing changes.
    const tiny = await incremental(client, 'live', [{ name: 'segment.bytes', op: SET, value: '14' }]);
    assert.equal(tiny.errorCode, ErrorCode.INVALID_CONFIG, tiny.errorMessage ?? '');
    assert.equal(log.config.segmentBytes, 1 << 30);
    const r = await incremental(client, 'live', [
      { name: 'segment.bytes', op: SET, value: '1048576' },
      { name: 'message.timestamp.type', op: SET, value: 'LogAppendTime' },
    ]);
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
    assert.equal((await produce('s'.repeat(600_000))).errorCode, ErrorCode.NONE);
    assert.equal(log.segmentCount, 1, 'fits under 1 MiB');
    const second = await produce('s'.repeat(600_000));
    assert.equal(second.errorCode, ErrorCode.NONE);
    assert.notEqual(second.logAppendTimeMs, -1n, 'LogAppendTime in effect');
    assert.equal(log.segmentCount, 2, 'rolled under the new segment.bytes');
    await incremental(client, 'live', [{ name: 'max.message.bytes', op: SET, value: '20' }]);
    assert.equal((await produce('third')).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  }));

test('altered configs survive a restart (topic.json)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-alter-'));
  try {
    await withBroker(async (client) => {
      await createTopic(client, 'kept');
      assert.equal((await incremental(client, 'kept', [{ name: 'retention.ms', op: SET, value: '123456' }])).errorCode, ErrorCode.NONE);
    }, dir);
    await withBroker(async (client, broker) => {
      assert.deepEqual((await describe(client, 'kept')).get('retention.ms'), ['123456', 1]);
      assert.equal(broker.state.store.partition('kept', 0).config.retentionMs, 123456, 'the reopened log uses it');
    }, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
