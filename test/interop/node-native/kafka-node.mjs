// kafka-node (the legacy pure-JS client) against minikafka: the modes of
// test/interop/modern-clients/scenario.ts, JSON lines on stdout. kafka-node speaks the pre-2017
// protocol (seen in a --trace): Produce v2 with message format v1, Metadata v1, CreateTopics v1; its
// Consumer fetches with Fetch v0 (format v0), its ConsumerGroup with Fetch v2 (format v1) after
// FindCoordinator/JoinGroup/SyncGroup v0, OffsetFetch v1 and ListOffsets v0, committing with
// OffsetCommit v2 and heartbeating with Heartbeat v0.
// Message format v1 has no headers, so no record here carries any.
// Placement: with KAFKA_NODE_PARTITIONER=murmur2 (the default here) a custom partitioner
// (partitionerType 4) places keys with minikafka's murmur2 (dist/src/partitioner.js, the Java
// client's mapping); with =keyed kafka-node's own KeyedPartitioner (partitionerType 3) does, whose
// hash is not murmur2 (see keyedPartition in the test).
import kafka from 'kafka-node';
import { partitionForKey } from '../../../dist/src/partitioner.js';
import { deadline, emit, fail, hex, keyOf, valueBytes } from './common.mjs';

const clientOf = (bootstrap) => new kafka.KafkaClient({ kafkaHost: bootstrap, connectTimeout: 10_000, requestTimeout: 30_000 });
const call = (fn) => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
const closeClient = (client) => new Promise((resolve) => client.close(() => resolve()));

async function create(bootstrap, topic, partitions) {
  const client = clientOf(bootstrap);
  const result = await call((cb) => client.createTopics([{ topic, partitions, replicationFactor: 1 }], cb));
  if (result.length) throw new Error(`createTopics: ${JSON.stringify(result)}`);
  const [brokers, { metadata }] = await call((cb) => client.loadMetadataForTopics([topic], cb));
  emit({ partitions: Object.keys(metadata[topic]).length, nodes: Object.values(brokers).map((b) => ({ id: b.nodeId, host: b.host, port: b.port })) });
  await closeClient(client);
}

async function produce(bootstrap, topic, from, count) {
  const client = clientOf(bootstrap);
  const keyed = process.env.KAFKA_NODE_PARTITIONER === 'keyed';
  const murmur2 = (partitions, key) => partitions[partitionForKey(Buffer.from(key), partitions.length)];
  const producer = keyed
    ? new kafka.Producer(client, { requireAcks: -1, ackTimeoutMs: 30_000, partitionerType: 3 })
    : new kafka.Producer(client, { requireAcks: -1, ackTimeoutMs: 30_000, partitionerType: 4 }, murmur2);
  await new Promise((resolve, reject) => { producer.once('ready', resolve); producer.once('error', reject); });
  for (let i = from; i < from + count; i++) {
    const key = Buffer.from(keyOf(i));
    const res = await call((cb) => producer.send([{ topic, key, messages: [new kafka.KeyedMessage(key, valueBytes(i))] }], cb));
    const [[partition, offset]] = Object.entries(res[topic]);
    emit({ i, partition: Number(partition), offset: Number(offset) });
  }
  await closeClient(client);
}

async function read(bootstrap, topic, partitions, count) {
  const client = clientOf(bootstrap);
  const payloads = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 }));
  const consumer = new kafka.Consumer(client, payloads, { autoCommit: false, fromOffset: true, encoding: 'buffer', keyEncoding: 'buffer', fetchMaxWaitMs: 200 });
  const seen = new Set();
  await new Promise((resolve, reject) => {
    consumer.on('error', reject);
    consumer.on('message', (m) => {
      if (seen.has(`${m.partition}/${m.offset}`)) return;
      seen.add(`${m.partition}/${m.offset}`);
      emit({ partition: m.partition, offset: m.offset, key: hex(m.key), value: hex(m.value), headers: [] });
      if (seen.size === count) resolve();
    });
  });
  await new Promise((resolve) => consumer.close(false, resolve)); // no commit: this reader is in no group
}

async function member(bootstrap, topic, group) {
  const consumer = new kafka.ConsumerGroup({
    kafkaHost: bootstrap, groupId: group, sessionTimeout: 6000, heartbeatInterval: 500, protocol: ['roundrobin'],
    fromOffset: 'earliest', autoCommit: false, encoding: 'buffer', keyEncoding: 'buffer', fetchMaxWaitMs: 200,
  }, [topic]);
  consumer.on('error', (e) => process.stderr.write(`error: ${e.message}\n`));
  let printed;
  const report = () => {
    const now = JSON.stringify(consumer.topicPayloads.filter((p) => p.topic === topic).map((p) => p.partition).sort((a, b) => a - b));
    if (now !== printed) emit({ event: 'assigned', partitions: JSON.parse(printed = now) });
  };
  consumer.on('rebalanced', report);
  const timer = setInterval(report, 100);
  // One commit at a time, in the order records arrive: kafka-node emits records as events.
  let commits = Promise.resolve();
  consumer.on('message', (m) => {
    report();
    emit({ event: 'record', partition: m.partition, offset: m.offset, key: m.key.toString() });
    const commit = [{ topic, partition: m.partition, offset: m.offset + 1, metadata: '' }];
    commits = commits.then(() => call((cb) => consumer.sendOffsetCommitRequest(commit, cb))).catch((e) => process.stderr.write(`commit: ${e.message}\n`));
  });
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  clearInterval(timer);
  await commits;
  await new Promise((resolve) => consumer.close(false, resolve)); // leaves the group
}

const [mode, bootstrap, topic, ...rest] = process.argv.slice(2);
const modes = {
  create: () => create(bootstrap, topic, Number(rest[0])),
  produce: () => produce(bootstrap, topic, Number(rest[0]), Number(rest[1])),
  read: () => read(bootstrap, topic, Number(rest[0]), Number(rest[1])),
  member: () => member(bootstrap, topic, rest[0]),
};
if (!modes[mode]) fail(`unknown mode ${mode}`);
if (mode !== 'member') deadline(90_000, mode);
modes[mode]().then(() => process.exit(0), fail);
