// What the broker writes to `__consumer_offsets` for a classic group (static member, JoinGroup +
// SyncGroup + OffsetCommit), a KIP-848 group (ConsumerGroupHeartbeat + OffsetCommit) and a simple
// commit, read back from the segment files. The golden hex was captured from the broker before the
// record formats moved to generated codecs (src/group/records.ts at cb3dccf): the bytes must not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startBroker, TestClock } from '../../src/testing/index.js';
import { createLogger } from '../../src/broker/logger.js';
import { WireClient } from '../broker/wire-client.js';
import { ApiKey } from '../../src/protocol/generated/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { BATCH_HEADER_BYTES, batchCrcMatches, readBatchHeader } from '../../src/protocol/record-batch.js';
import { keyValuesOfBatch } from '../../src/protocol/records.js';
import {
  decodeConsumerGroupMetadataValue, decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue, encodeConsumerGroupMetadataValue,
  encodeGroupMetadataValue, encodeOffsetCommitValue,
} from '../../src/protocol/offsets-records.js';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../src/group/consumer-protocol.js';
import { OFFSETS_TOPIC } from '../../src/group/offsets-topic.js';

const START_MS = 1_767_225_600_000; // 0x19b76daa800: every timestamp below

/** [offset, key hex, value hex] of each record, `${member}` standing for the classic member id's hex. */
const GOLDEN: Array<[number, string, string]> = [
  [0, '00020007636c6173736963', '00030008636f6e73756d657200000001000572616e67650030${member}0000019b76daa800000000010030${member}00087374617469632d31000b776972652d636c69656e74000a2f3132372e302e302e310000ea600000753000000011000100000001000174ffffffff0000000000000019000000000001000174000000020000000000000001ffffffff'],
  [1, '00010007636c617373696300017400000000', '000300000000000000110000000000016d0000019b76daa800'],
  [2, '00010007636c617373696300017400000001', '00034000000000000000ffffffff00000000019b76daa800'],
  [3, '000300066b6970383438', '00000000000200'],
  [4, '000100066b697038343800017400000001', '000300000000000000050000000300000000019b76daa800'],
  [5, '0001000673696d706c6500017400000000', '00030000000000000009ffffffff0001780000019b76daa800'],
];

test('records written to __consumer_offsets keep their bytes, and decode and re-encode exactly', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-offsets-topic-'));
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: dir, clock: new TestClock(START_MS), logger: createLogger('silent') });
  let member = '';
  try {
    const client = await WireClient.connect(broker.bootstrap);
    try {
      await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
      const joined = await client.request(ApiKey.JoinGroup, 9, {
        groupId: 'classic', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000, memberId: '', groupInstanceId: 'static-1',
        protocolType: 'consumer', protocols: [{ name: 'range', metadata: encodeConsumerSubscription(['t']) }], reason: null,
      });
      assert.equal(joined.errorCode, ErrorCode.NONE);
      member = joined.memberId;
      const sync = await client.request(ApiKey.SyncGroup, 5, {
        groupId: 'classic', generationId: joined.generationId, memberId: member, groupInstanceId: 'static-1', protocolType: 'consumer', protocolName: 'range',
        assignments: [{ memberId: member, assignment: encodeConsumerAssignment(new Map([['t', [0, 1]]])) }],
      });
      assert.equal(sync.errorCode, ErrorCode.NONE);
      const classic = await client.request(ApiKey.OffsetCommit, 8, {
        groupId: 'classic', generationIdOrMemberEpoch: joined.generationId, memberId: member, groupInstanceId: 'static-1',
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 17n, committedLeaderEpoch: 0, committedMetadata: 'm' }, { partitionIndex: 1, committedOffset: 2n ** 62n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      });
      for (const p of classic.topics[0].partitions) assert.equal(p.errorCode, ErrorCode.NONE);
      const hb = await client.request(ApiKey.ConsumerGroupHeartbeat, 0, {
        groupId: 'kip848', memberId: 'member-kip848', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10000, subscribedTopicNames: ['t'], serverAssignor: null, topicPartitions: [],
      });
      assert.equal(hb.errorCode, ErrorCode.NONE);
      const kip848 = await client.request(ApiKey.OffsetCommit, 9, {
        groupId: 'kip848', generationIdOrMemberEpoch: hb.memberEpoch, memberId: 'member-kip848', groupInstanceId: null,
        topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: 3, committedMetadata: '' }] }],
      });
      assert.equal(kip848.topics[0].partitions[0].errorCode, ErrorCode.NONE);
      const simple = await client.request(ApiKey.OffsetCommit, 2, {
        groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedMetadata: 'x' }] }],
      });
      assert.equal(simple.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    } finally {
      client.close();
    }
  } finally {
    await broker.close();
  }
  try {
    const records: Array<[number, string, string]> = [];
    const topicDir = join(dir, OFFSETS_TOPIC);
    for (const p of readdirSync(topicDir).filter((d) => /^\d+$/.test(d))) {
      for (const file of readdirSync(join(topicDir, p)).filter((f) => f.endsWith('.log'))) {
        const buf = readFileSync(join(topicDir, p, file));
        for (let pos = 0; pos + BATCH_HEADER_BYTES <= buf.length; pos += readBatchHeader(buf, pos).sizeBytes) {
          assert.ok(batchCrcMatches(buf, pos, readBatchHeader(buf, pos).sizeBytes));
          for (const r of keyValuesOfBatch(buf, pos)) records.push([r.offset, r.key!.toString('hex'), r.value!.toString('hex')]);
        }
      }
    }
    assert.equal(member.length, 48, 'the golden hex holds a 48-char member id');
    const memberHex = Buffer.from(member).toString('hex');
    assert.deepEqual(records, GOLDEN.map(([offset, key, value]) => [offset, key, value.replaceAll('${member}', memberHex)]));

    // Each decodes to what was asked for, and our encoder writes its bytes again.
    for (const [, keyHex, valueHex] of records) {
      const key = decodeKey(Buffer.from(keyHex, 'hex'));
      const value = Buffer.from(valueHex, 'hex');
      if (key.kind === 'offset') assert.equal(encodeOffsetCommitValue(decodeOffsetCommitValue(value)).toString('hex'), valueHex);
      else if (key.kind === 'group') assert.equal(encodeGroupMetadataValue(decodeGroupMetadataValue(value)).toString('hex'), valueHex);
      else if (key.kind === 'consumerGroup') assert.equal(encodeConsumerGroupMetadataValue(decodeConsumerGroupMetadataValue(value).epoch).toString('hex'), valueHex);
      else assert.fail(`unexpected key ${keyHex}`);
    }
    const group = decodeGroupMetadataValue(Buffer.from(records[0]![2], 'hex'));
    assert.deepEqual({ ...group, members: group.members.map((m) => ({ ...m, subscription: undefined, assignment: undefined })) }, {
      protocolType: 'consumer', generation: 1, protocol: 'range', leader: member, currentStateTimestampMs: START_MS,
      members: [{ memberId: member, groupInstanceId: 'static-1', clientId: 'wire-client', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 60000, sessionTimeoutMs: 30000, subscription: undefined, assignment: undefined }],
    });
    assert.deepEqual(decodeOffsetCommitValue(Buffer.from(records[2]![2], 'hex')), { offset: 2n ** 62n, leaderEpoch: -1, metadata: '', commitTimestampMs: START_MS, expireTimestampMs: -1 });
    assert.deepEqual(decodeKey(Buffer.from(records[3]![1], 'hex')), { kind: 'consumerGroup', group: 'kip848' });
    assert.deepEqual(decodeConsumerGroupMetadataValue(Buffer.from(records[3]![2], 'hex')), { epoch: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
