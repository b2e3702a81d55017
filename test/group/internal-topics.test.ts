/** Clients cannot write into the internal topics (DESIGN invariant 9): Produce and CreatePartitions are refused over the wire. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from '../../src/protocol/offsets-records.js';
import { offsetsPartitionFor } from '../../src/group/partitioning.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

// Produce to __consumer_offsets was accepted, so any client could rewrite other groups' committed
// offsets (and plant group metadata that crashed the broker on its next start).
test('Produce to __consumer_offsets or __transaction_state answers INVALID_TOPIC_EXCEPTION and changes nothing', async () => {
  assert.equal(ErrorCode.INVALID_TOPIC_EXCEPTION, 17);
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    const created = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const commit = await client.request(ApiKey.OffsetCommit, 8, { groupId: 'victim', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    assert.equal(commit.topics[0].partitions[0].errorCode, ErrorCode.NONE);

    // A well-formed OffsetCommit record that would move the victim's offset to 999.
    const forged = buildRecordBatch({
      baseTimestamp: Date.now(),
      records: [{ key: encodeOffsetCommitKey('victim', 't', 0), value: encodeOffsetCommitValue({ offset: 999n, leaderEpoch: -1, metadata: '', commitTimestampMs: Date.now(), expireTimestampMs: -1 }) }],
    });
    for (const topic of ['__consumer_offsets', '__transaction_state']) {
      const partition = topic === '__consumer_offsets' ? offsetsPartitionFor('victim', 4) : 0;
      const res = await client.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records: forged }] }] });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION, topic);
    }
    const fetched = await client.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'victim', topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: false });
    assert.equal(fetched.groups[0].topics[0].partitions[0].committedOffset, 5n);
    const end = await client.request(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: offsetsPartitionFor('victim', 4), currentLeaderEpoch: -1, timestamp: -1n }] }] });
    assert.equal(end.topics[0].partitions[0].offset, 1n, 'only the coordinator\'s own commit is in the log');
    assert.ok(broker.logs.some((l) => l.msg === 'refused produce to an internal topic'), 'the refusal is logged');
  } finally {
    client.close();
    await broker.close();
  }
});

// CreatePartitions on __consumer_offsets was accepted: after a restart, groups hash to other partitions
// than their earlier records, and the load could then let an old offset win over a newer one.
test('CreatePartitions on an internal topic answers INVALID_TOPIC_EXCEPTION', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    await client.request(ApiKey.OffsetCommit, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    const res = await client.request(ApiKey.CreatePartitions, 3, { topics: [{ name: '__consumer_offsets', count: 10, assignments: null }], timeoutMs: 1000, validateOnly: false });
    assert.equal(res.results[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    assert.equal(broker.state.store.topic('__consumer_offsets')!.partitions, 4);
  } finally {
    client.close();
    await broker.close();
  }
});
