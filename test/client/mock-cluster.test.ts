// Our client against a second, independent Kafka implementation: librdkafka's mock cluster with three
// brokers, where partition leaders sit on different brokers. It proves leader routing, version
// negotiation, the classic-protocol fallback of groupProtocol 'auto' (the mock has no KIP-848
// ConsumerGroupHeartbeat) and retries on injected errors, against code we did not write.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { partitionForKey } from '../../src/partitioner.js';
import { Admin, Consumer, KafkaClientError, Producer, type Acks, type CompressionCodec, type ConsumedMessage } from '../../src/client/index.js';
import type { Cluster } from '../../src/client/cluster.js';
import { Connection } from '../../src/client/connection.js';
import { startMockCluster, type MockCluster } from '../support/mock-cluster.js';
import { uniqueTopic } from '../support/target.js';

const BROKERS = 3;
const NOT_LEADER_OR_FOLLOWER = 6;
const REQUEST_TIMED_OUT = 7;
const NOT_COORDINATOR = 16;
const ApiKey = { Produce: 0, Fetch: 1, ListOffsets: 2, Metadata: 3, OffsetCommit: 8, FindCoordinator: 10, ApiVersions: 18 } as const;
/**
 * Every test is bounded: the file takes about 13 s and under a minute even if every test hung
 * (8 s start + 8 x 4 s + 2 x 11 s). The mock's classic group coordinator holds a join for 3 s on a
 * group's first join and for session timeout - 1 s after that, so group tests use a 3 s session.
 */
const testTimeoutMs = 4_000;
const groupTestTimeoutMs = 11_000;

let mock: MockCluster;
/** Short retry backoff so injected errors cost milliseconds. */
const clientOptions = () => ({ bootstrap: mock.bootstrap, retries: 8, retryBackoffMs: 20, retryBackoffMaxMs: 200, requestTimeoutMs: 5_000, connectTimeoutMs: 3_000 });

/**
 * librdkafka 2.0.2's mock writes ListOffsets v4+ LeaderEpoch as an int64 instead of an int32 (fixed
 * upstream in 2.3.0, "KIP-320" commit a0871a1), which garbles every partition after the first of a
 * response. Real Kafka is fine; the mock is told to advertise ListOffsets v0-v3 only (as
 * test/interop/platformatic does), and our client negotiates down to v3.
 */
async function workAroundListOffsetsBug(m: MockCluster): Promise<void> {
  await m.setApiVersion(ApiKey.ListOffsets, 0, 3);
}

before(async () => {
  mock = await startMockCluster({ brokers: BROKERS, startTimeoutMs: 8_000 });
  await workAroundListOffsetsBug(mock);
});

after(async () => {
  await mock?.close();
});

/**
 * A topic on the mock (it has no CreateTopics). The mock picks each leader at random, so they are
 * placed round-robin on brokers 1..3 here, and verified through our Admin's Metadata to differ.
 */
async function spreadTopic(prefix: string, partitions: number, m = mock): Promise<{ topic: string; leaders: number[] }> {
  const topic = uniqueTopic(prefix);
  await m.createTopic(topic, partitions);
  for (let p = 0; p < partitions; p++) await m.setPartitionLeader(topic, p, (p % BROKERS) + 1);
  const admin = new Admin({ ...clientOptions(), bootstrap: m.bootstrap });
  try {
    const [d] = await admin.describeTopics([topic]);
    const leaders = d!.partitions.map((p) => p.leader);
    assert.equal(leaders.length, partitions);
    assert.deepEqual(leaders, Array.from({ length: partitions }, (_, p) => (p % BROKERS) + 1));
    assert.ok(new Set(leaders).size > 1, `leaders of ${topic} all on one broker: ${leaders.join(',')}`);
    return { topic, leaders };
  } finally {
    await admin.close();
  }
}

async function collect<K, V>(consumer: Consumer<K, V>, n: number, timeoutMs = 10_000): Promise<ConsumedMessage<K, V>[]> {
  const out: ConsumedMessage<K, V>[] = [];
  const it = consumer[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`got ${out.length} of ${n} messages`);
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([it.next(), new Promise<'timeout'>((res) => { timer = setTimeout(() => res('timeout'), left); })]).finally(() => clearTimeout(timer));
    if (r === 'timeout') throw new Error(`got ${out.length} of ${n} messages`);
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Sent { key: Buffer | null; value: Buffer; header: Buffer; partition: number; offset: bigint }

/** Keyed and unkeyed binary messages; asserts partitionForKey placement and returns what was sent. */
async function produceMixed(producer: Producer<Buffer, Buffer>, topic: string, partitions: number, n: number): Promise<Sent[]> {
  const messages = Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 2 ? null : randomBytes(1 + (i % 13)),
    value: randomBytes(i * 37 % 300),
    header: randomBytes(8),
  }));
  const metas = await producer.send({ topic, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: [{ key: 'h', value: m.header }] })) });
  assert.equal(metas.length, n);
  return messages.map((m, i) => {
    const meta = metas[i]!;
    assert.equal(meta.topic, topic);
    if (m.key !== null) assert.equal(meta.partition, partitionForKey(m.key, partitions), `message ${i}`);
    assert.ok(meta.offset >= 0n);
    return { ...m, partition: meta.partition, offset: meta.offset };
  });
}

function assertSameMessages(got: ConsumedMessage<Buffer, Buffer>[], sent: Sent[]): void {
  assert.equal(got.length, sent.length);
  const byPos = new Map(got.map((m) => [`${m.partition}@${m.offset}`, m]));
  assert.equal(byPos.size, sent.length, 'a message was read twice');
  for (const s of sent) {
    const m = byPos.get(`${s.partition}@${s.offset}`);
    assert.ok(m, `nothing read at ${s.partition}@${s.offset}`);
    assert.ok(s.key === null ? m.key === null : m.key !== null && m.key.equals(s.key), `key at ${s.partition}@${s.offset}`);
    assert.ok(m.value!.equals(s.value), `value at ${s.partition}@${s.offset}`);
    assert.equal(m.headers.length, 1);
    assert.equal(m.headers[0]!.key, 'h');
    assert.ok(m.headers[0]!.value!.equals(s.header));
  }
}

test('mock cluster: 3 brokers in the metadata, partition leaders spread over them', { timeout: testTimeoutMs }, async () => {
  const { leaders } = await spreadTopic('mc-meta', 6);
  const admin = new Admin(clientOptions());
  try {
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, BROKERS);
    const ids = new Set(cluster.brokers.map((b) => b.nodeId));
    for (const l of leaders) assert.ok(ids.has(l), `leader ${l} not a known broker`);
    assert.equal(new Set(leaders).size, BROKERS, `6 partitions over 3 brokers: ${leaders.join(',')}`);
  } finally {
    await admin.close();
  }
});

for (const acks of [-1, 1] as Acks[]) {
  test(`mock cluster: acks=${acks} keyed + unkeyed sends land on partitionForKey partitions of leaders on different brokers; assign() reads them back byte for byte`, { timeout: testTimeoutMs }, async () => {
    const partitions = 5;
    const { topic } = await spreadTopic(`mc-acks${acks}`, partitions);
    // No retries: every batch must reach its partition's leader on the first try (the mock answers
    // NOT_LEADER_OR_FOLLOWER on any other broker), so leader routing is what is proven here.
    const producer = new Producer<Buffer, Buffer>({ ...clientOptions(), retries: 0, acks, lingerMs: 5 });
    const consumer = new Consumer({ ...clientOptions(), autoOffsetReset: 'earliest', maxWaitMs: 100 });
    try {
      const sent = await produceMixed(producer, topic, partitions, 60);
      // Unkeyed messages of one send stick to one partition (KIP-480).
      const unkeyed = sent.filter((s) => s.key === null);
      assert.equal(new Set(unkeyed.map((s) => s.partition)).size, 1);
      assert.ok(new Set(sent.map((s) => s.partition)).size >= 3, 'keyed messages spread');
      consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
      assertSameMessages(await collect(consumer, sent.length), sent);
      // Offsets per partition are dense from 0, as the mock assigned them.
      for (let p = 0; p < partitions; p++) {
        const offsets = sent.filter((s) => s.partition === p).map((s) => s.offset).sort((a, b) => (a < b ? -1 : 1));
        assert.deepEqual(offsets, offsets.map((_, i) => BigInt(i)));
      }
    } finally {
      await consumer.close();
      await producer.close();
    }
  });
}

test('mock cluster: a send over 8 partitions on 3 leaders takes one Produce request per leader', { timeout: testTimeoutMs }, async () => {
  const partitions = 8;
  const { topic, leaders } = await spreadTopic('mc-per-leader', partitions);
  // Counted in the client: the mock keeps no request log. retries 0: each request went to the right leader.
  const producer = new Producer<Buffer, Buffer>({ ...clientOptions(), retries: 0, lingerMs: 20 });
  const request = Connection.prototype.request;
  const produced: { address: string; partitions: number[] }[] = [];
  Connection.prototype.request = function (this: Connection, apiKey, body, options) {
    if (apiKey === ApiKey.Produce && typeof body === 'object') {
      const topicData = (body as { topicData: { partitionData: { index: number }[] }[] }).topicData;
      produced.push({ address: this.address, partitions: topicData.flatMap((t) => t.partitionData.map((p) => p.index)) });
    }
    return request.call(this, apiKey, body, options);
  } as typeof request;
  try {
    await producer.connect();
    const metas = await producer.send({ topic, messages: Array.from({ length: 160 }, (_, i) => ({ value: Buffer.from(`v${i}`), partition: i % partitions })) });
    assert.equal(produced.length, BROKERS, `requests: ${JSON.stringify(produced)}`);
    assert.equal(new Set(produced.map((r) => r.address)).size, BROKERS, 'one per broker');
    for (const r of produced) assert.equal(new Set(r.partitions.map((p) => leaders[p])).size, 1, 'a request carries the partitions of one leader');
    assert.deepEqual(produced.flatMap((r) => r.partitions).sort(), Array.from({ length: partitions }, (_, p) => p));
    for (let p = 0; p < partitions; p++) {
      assert.deepEqual(metas.filter((m) => m.partition === p).map((m) => m.offset), Array.from({ length: 20 }, (_, i) => BigInt(i)));
    }
  } finally {
    Connection.prototype.request = request;
    await producer.close();
  }
});

test('mock cluster: compressed batches (gzip, snappy, lz4, zstd) are accepted and read back', { timeout: testTimeoutMs }, async () => {
  const partitions = 3;
  const { topic } = await spreadTopic('mc-codec', partitions);
  const sent: Sent[] = [];
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[]) {
    const producer = new Producer<Buffer, Buffer>({ ...clientOptions(), compression, lingerMs: 10 });
    try {
      sent.push(...await produceMixed(producer, topic, partitions, 30));
    } finally {
      await producer.close();
    }
  }
  const consumer = new Consumer({ ...clientOptions(), autoOffsetReset: 'earliest', maxWaitMs: 100 });
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    assertSameMessages(await collect(consumer, sent.length), sent);
  } finally {
    await consumer.close();
  }
});

test("mock cluster: groupProtocol 'auto' falls back to classic; two members split the partitions, commits resume", { timeout: groupTestTimeoutMs }, async () => {
  const partitions = 4;
  const { topic } = await spreadTopic('mc-group', partitions);
  const groupId = uniqueTopic('mc-g');
  const producer = new Producer<Buffer, Buffer>({ ...clientOptions(), acks: -1 });
  const opts = { ...clientOptions(), groupId, groupProtocol: 'auto' as const, autoOffsetReset: 'earliest' as const, autoCommit: false, maxWaitMs: 100, heartbeatIntervalMs: 200, sessionTimeoutMs: 3000, rebalanceTimeoutMs: 3000 };
  const c1 = new Consumer(opts);
  const c2 = new Consumer(opts);
  let c3: Consumer<Buffer, Buffer> | undefined;
  try {
    const sent = await produceMixed(producer, topic, partitions, 40);
    await c1.subscribe([topic]);
    assert.equal((c1 as unknown as { member: object }).member.constructor.name, 'ClassicMember', "'auto' chose the classic protocol");
    await c2.subscribe(topic);
    await waitFor(() => c1.assignment().length + c2.assignment().length === partitions && c1.assignment().length > 0 && c2.assignment().length > 0, 'both members assigned');
    const owned = [...c1.assignment(), ...c2.assignment()].map((tp) => tp.partition).sort();
    assert.deepEqual(owned, [0, 1, 2, 3]);
    const got: ConsumedMessage<Buffer, Buffer>[] = [];
    const run1 = c1.run({ eachMessage: (m) => { got.push(m); } });
    const run2 = c2.run({ eachBatch: (b) => { got.push(...b.messages); } });
    await waitFor(() => got.length >= sent.length, 'group read everything');
    assertSameMessages(got, sent);
    await Promise.all([c1.commit(), c2.commit()]);
    await Promise.all([c1.close(), c2.close()]);
    await Promise.all([run1, run2]);
    // A new member resumes from the committed offsets: only what came after is read.
    const later = await produceMixed(producer, topic, partitions, 8);
    c3 = new Consumer(opts);
    await c3.subscribe([topic]);
    assertSameMessages(await collect(c3, later.length), later);
    const extra = await collect(c3, 1, 700).catch(() => []);
    assert.equal(extra.length, 0, 'nothing old was read again');
  } finally {
    await Promise.all([c1.close(), c2.close(), c3?.close()]);
    await producer.close();
  }
});

test("mock cluster: groupProtocol 'consumer' (KIP-848 only) fails fast and non-retriably where the broker lacks it", { timeout: testTimeoutMs }, async () => {
  const { topic } = await spreadTopic('mc-kip848', 2);
  const consumer = new Consumer({ ...clientOptions(), groupId: uniqueTopic('mc-g848'), groupProtocol: 'consumer', maxWaitMs: 100 });
  try {
    await consumer.subscribe([topic]);
    await assert.rejects(collect(consumer, 1, 3_000), (e: KafkaClientError) => e.code === 35 && e.errorName === 'UNSUPPORTED_VERSION' && !e.retriable);
  } finally {
    await consumer.close();
  }
});

test('mock cluster: retries — injected NOT_LEADER_OR_FOLLOWER/REQUEST_TIMED_OUT on Produce, errors on Fetch, a moved leader', { timeout: testTimeoutMs }, async () => {
  const partitions = 3;
  const { topic, leaders } = await spreadTopic('mc-retry', partitions);
  const producer = new Producer<Buffer, Buffer>({ ...clientOptions(), acks: -1, lingerMs: 0 });
  const consumer = new Consumer({ ...clientOptions(), autoOffsetReset: 'earliest', maxWaitMs: 100 });
  try {
    const sent: Sent[] = [];
    // The injection works: without retries the error reaches the caller, as a retriable KafkaClientError.
    const once = new Producer<Buffer, Buffer>({ ...clientOptions(), retries: 0, lingerMs: 0 });
    try {
      await mock.pushRequestErrors(ApiKey.Produce, NOT_LEADER_OR_FOLLOWER, 1);
      await assert.rejects(once.send({ topic, messages: [{ value: Buffer.from('x'), partition: 1 }] }), (e: KafkaClientError) => e.code === NOT_LEADER_OR_FOLLOWER && e.retriable);
    } finally {
      await once.close();
    }
    // With retries the same errors (and a timeout) cost only backoff, and nothing is written twice.
    await mock.pushRequestErrors(ApiKey.Produce, NOT_LEADER_OR_FOLLOWER, 2);
    await mock.pushRequestErrors(ApiKey.Produce, REQUEST_TIMED_OUT, 1);
    sent.push(...await produceMixed(producer, topic, partitions, 12));
    // The leader of partition 0 moves to another broker: the old one answers NOT_LEADER_OR_FOLLOWER,
    // the producer refreshes metadata and follows it.
    const moved = leaders[0]! % BROKERS + 1;
    await mock.setPartitionLeader(topic, 0, moved);
    const metas = await producer.send({ topic, messages: [{ value: Buffer.from('after-move'), partition: 0, headers: [{ key: 'h', value: Buffer.from('x') }] }] });
    assert.equal(metas[0]!.partition, 0);
    sent.push({ key: null, value: Buffer.from('after-move'), header: Buffer.from('x'), partition: 0, offset: metas[0]!.offset });
    const admin = new Admin(clientOptions());
    try {
      const [d] = await admin.describeTopics([topic]);
      assert.equal(d!.partitions[0]!.leader, moved);
    } finally {
      await admin.close();
    }
    await mock.pushRequestErrors(ApiKey.Fetch, NOT_LEADER_OR_FOLLOWER, 2);
    await mock.pushRequestErrors(ApiKey.ListOffsets, NOT_LEADER_OR_FOLLOWER, 1);
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    assertSameMessages(await collect(consumer, sent.length), sent);
  } finally {
    await consumer.close();
    await producer.close();
  }
});

test('mock cluster: group coordinator errors (NOT_COORDINATOR on FindCoordinator/OffsetCommit) are retried', { timeout: groupTestTimeoutMs }, async () => {
  const partitions = 2;
  const { topic } = await spreadTopic('mc-coord', partitions);
  const groupId = uniqueTopic('mc-gc');
  const producer = new Producer<Buffer, Buffer>(clientOptions());
  const opts = { ...clientOptions(), groupId, autoOffsetReset: 'earliest' as const, autoCommit: false, maxWaitMs: 100, heartbeatIntervalMs: 200, sessionTimeoutMs: 3000, rebalanceTimeoutMs: 3000 };
  const consumer = new Consumer(opts);
  let again: Consumer<Buffer, Buffer> | undefined;
  try {
    const sent = await produceMixed(producer, topic, partitions, 10);
    await mock.pushRequestErrors(ApiKey.FindCoordinator, NOT_COORDINATOR, 1);
    await consumer.subscribe([topic]);
    assertSameMessages(await collect(consumer, sent.length), sent);
    await mock.pushRequestErrors(ApiKey.OffsetCommit, NOT_COORDINATOR, 1);
    await consumer.commit();
    await consumer.close();
    const admin = new Admin(clientOptions());
    try {
      const committed = await admin.fetchCommittedOffsets(groupId, [topic]);
      const expected = Array.from({ length: partitions }, (_, p) => BigInt(sent.filter((s) => s.partition === p).length));
      assert.deepEqual(committed.sort((a, b) => a.partition - b.partition).map((c) => c.offset), expected);
    } finally {
      await admin.close();
    }
    const later = await produceMixed(producer, topic, partitions, 3);
    again = new Consumer(opts);
    await again.subscribe([topic]);
    assertSameMessages(await collect(again, later.length), later);
  } finally {
    await consumer.close();
    await again?.close();
    await producer.close();
  }
});

test('mock cluster: version negotiation picks versions inside narrowed ApiVersions ranges', { timeout: testTimeoutMs }, async () => {
  // A cluster of its own, so narrowing does not touch the other tests.
  const narrow = await startMockCluster({ brokers: BROKERS, startTimeoutMs: 3_000 });
  const opts = { bootstrap: narrow.bootstrap, retries: 5, retryBackoffMs: 20, requestTimeoutMs: 5_000 };
  const producer = new Producer<Buffer, Buffer>({ ...opts, lingerMs: 0 });
  const consumer = new Consumer({ ...opts, autoOffsetReset: 'earliest', maxWaitMs: 100 });
  try {
    const { topic } = await spreadTopic('mc-versions', 3, narrow);
    // Produce v3 and Fetch v4 are the oldest with record batches (magic 2); Metadata v1, ListOffsets v1.
    await narrow.setApiVersion(ApiKey.Produce, 3, 3);
    await narrow.setApiVersion(ApiKey.Fetch, 4, 4);
    await narrow.setApiVersion(ApiKey.Metadata, 1, 1);
    await narrow.setApiVersion(ApiKey.ListOffsets, 1, 1);
    const sent = await produceMixed(producer, topic, 3, 20);
    consumer.assign([0, 1, 2].map((partition) => ({ topic, partition })));
    assertSameMessages(await collect(consumer, sent.length), sent);
    // Every broker connection negotiated the narrowed versions (read through the client's internals).
    type Internals = { cluster: Cluster };
    for (const client of [producer as unknown as Internals, consumer as unknown as Internals]) {
      for (const id of [1, 2, 3]) {
        const conn = await client.cluster.node(id);
        assert.deepEqual([ApiKey.Produce, ApiKey.Fetch, ApiKey.Metadata, ApiKey.ListOffsets].map((k) => conn.pickVersion(k)), [3, 4, 1, 1], `broker ${id}`);
        assert.equal(conn.supports(68), false, 'the mock has no ConsumerGroupHeartbeat');
      }
    }
  } finally {
    await consumer.close();
    await producer.close();
    await narrow.close();
  }
});
