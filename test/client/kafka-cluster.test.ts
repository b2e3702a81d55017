// Our client against a 3-broker Apache Kafka cluster (KRaft, bench/kafka/apache-kafka.ts): leaders on
// different brokers, acks=-1 with replication, a group, then one broker SIGKILLed and the client
// following the new leaders. Runs under `npm run test:kafka` (MINIKAFKA_INTEROP_TARGET=kafka) only:
// three JVMs take ~10 s to start and 1.5 GB of heap, too much for `npm test`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionForKey } from '../../src/partitioner.js';
import { Admin, Consumer, Producer, stringSerde, type ConsumedMessage } from '../../src/client/index.js';
import { kafkaTarget, startKafkaTarget } from '../support/kafka-target.js';
import { uniqueTopic } from '../support/target.js';
import type { KafkaCluster } from '../../bench/kafka/apache-kafka.js';

const skip = kafkaTarget ? false : 'needs MINIKAFKA_INTEROP_TARGET=kafka (npm run test:kafka): a 3-broker Apache Kafka cluster';
const PARTITIONS = 6;
let kafka: KafkaCluster;
const options = () => ({ bootstrap: kafka.bootstrap, retries: 20, retryBackoffMs: 100, retryBackoffMaxMs: 1000, requestTimeoutMs: 10_000, connectTimeoutMs: 3_000 });

before(async () => {
  if (!skip) kafka = await startKafkaTarget({}, 3);
});

after(async () => {
  await kafka?.stop();
});

async function collect<K, V>(consumer: Consumer<K, V>, n: number, timeoutMs = 30_000): Promise<ConsumedMessage<K, V>[]> {
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

async function leaders(admin: Admin, topic: string): Promise<number[]> {
  const [d] = await admin.describeTopics([topic]);
  return d!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.leader);
}

test('3-broker Kafka: leaders on different brokers; keyed acks=-1 sends land on partitionForKey and read back; a group reads all; after a SIGKILL of a leader, sends and reads go on', { skip, timeout: 180_000 }, async () => {
  const topic = uniqueTopic('kcluster');
  const admin = new Admin(options());
  const producer = new Producer({ ...options(), acks: -1, keySerializer: stringSerde, valueSerializer: stringSerde });
  try {
    await admin.createTopics([{ topic, partitions: PARTITIONS, replicationFactor: 3 }]);
    let placed: number[] = [];
    for (let i = 0; i < 100 && (placed.length !== PARTITIONS || placed.some((l) => l < 0)); i++) {
      placed = await leaders(admin, topic);
      if (placed.some((l) => l < 0)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(placed.length, PARTITIONS);
    assert.ok(new Set(placed).size > 1, `every leader on one broker: ${placed.join(',')}`);

    const keys = Array.from({ length: 60 }, (_, i) => `key-${i}`);
    const first = await producer.send({ topic, messages: keys.map((key) => ({ key, value: `v1-${key}` })) });
    for (const [i, r] of first.entries()) assert.equal(r.partition, partitionForKey(Buffer.from(keys[i]!), PARTITIONS), `partition of ${keys[i]}`);

    const group = new Consumer({ ...options(), groupId: `g-${topic}`, autoOffsetReset: 'earliest', keyDeserializer: stringSerde, valueDeserializer: stringSerde });
    try {
      await group.subscribe(topic);
      const got = await collect(group, keys.length);
      assert.deepEqual(got.map((m) => m.value).sort(), keys.map((k) => `v1-${k}`).sort());
      for (const m of got) assert.equal(m.partition, partitionForKey(Buffer.from(m.key!), PARTITIONS));
    } finally {
      await group.close();
    }

    // Kill the broker leading partition 0 (never the only broker with leaders: the others hold replicas).
    const victim = kafka.nodes.find((n) => n.nodeId === placed[0])!;
    await victim.kill();
    let moved: number[] = [];
    for (let i = 0; i < 200; i++) {
      moved = await leaders(admin, topic);
      if (moved.every((l) => l >= 0 && l !== victim.nodeId)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(moved.every((l) => l >= 0 && l !== victim.nodeId), `leaders after killing ${victim.nodeId}: ${moved.join(',')}`);
    await producer.send({ topic, messages: keys.map((key) => ({ key, value: `v2-${key}` })) });

    const reader = new Consumer({ ...options(), autoOffsetReset: 'earliest', keyDeserializer: stringSerde, valueDeserializer: stringSerde });
    try {
      reader.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition })));
      const all = await collect(reader, keys.length * 2);
      assert.deepEqual(all.map((m) => m.value).sort(), [...keys.map((k) => `v1-${k}`), ...keys.map((k) => `v2-${k}`)].sort());
      for (const p of Array.from({ length: PARTITIONS }, (_, i) => i)) {
        const offsets = all.filter((m) => m.partition === p).map((m) => m.offset);
        assert.deepEqual(offsets, offsets.map((_, i) => BigInt(i)), `partition ${p}: dense offsets from 0, in order`);
      }
    } finally {
      await reader.close();
    }
  } finally {
    await producer.close();
    await admin.close();
  }
});
