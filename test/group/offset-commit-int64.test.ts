/** OffsetCommit takes any int64 offset, as Kafka does, and OffsetFetch reads it back exactly, also after a restart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const offsets = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -2n, 0n];

async function fetchAll(client: WireClient): Promise<bigint[]> {
  const res = await client.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: offsets.map((_, i) => i) }] }], requireStable: false });
  assert.equal(res.groups[0].errorCode, ErrorCode.NONE);
  return res.groups[0].topics[0].partitions.map((p: { committedOffset: bigint }) => p.committedOffset);
}

// An OffsetCommit of 2^63-1 (or anything beyond 2^53) threw a RangeError in the handler, so the
// broker closed the client's connection instead of storing the offset.
test('offsets beyond 2^53 (up to 2^63-1 and down to -2^63) are committed and fetched back exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-int64-commit-'));
  try {
    const broker = await startTestBroker({}, dir);
    const client = await WireClient.connect(broker.bootstrap);
    try {
      await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: 't', numPartitions: offsets.length, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
      for (const version of [2, 8]) {
        const res = await client.request(ApiKey.OffsetCommit, version, {
          groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
          topics: [{ name: 't', partitions: offsets.map((committedOffset, partitionIndex) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: null })) }],
        });
        assert.deepEqual(res.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode), offsets.map(() => ErrorCode.NONE), `v${version}`);
      }
      assert.deepEqual(await fetchAll(client), offsets);
      const v1 = await client.request(ApiKey.OffsetFetch, 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }] });
      assert.equal(v1.topics[0].partitions[0].committedOffset, 2n ** 63n - 1n);
    } finally {
      client.close();
      await broker.close();
    }
    const again = await startTestBroker({}, dir);
    const client2 = await WireClient.connect(again.bootstrap);
    try {
      assert.deepEqual(await fetchAll(client2), offsets, 'read back from __consumer_offsets after a restart');
    } finally {
      client2.close();
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
