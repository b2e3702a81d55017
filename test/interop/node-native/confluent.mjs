// @confluentinc/kafka-javascript (built from source at install, its bundled librdkafka) against
// minikafka: the modes of test/interop/modern-clients/scenario.ts, JSON lines on stdout.
// Both of its APIs are used: the KafkaJS-compatible one for topic creation, metadata and group
// members (eachMessage with a commitOffsets per record), and its node-rdkafka-compatible one for
// produce and read, because only that one keeps the order of repeated header names (the KafkaJS
// API carries headers as an object: {trace: [a, c], empty: b}). More modes:
//   produce-kafkajs <bootstrap> <topic> <from> <count>   keyed sends through the KafkaJS producer, default partitioner
//   txn <bootstrap> <topic>                        commits, aborts, commits (KafkaJS producer.transaction())
//   read-isolation <bootstrap> <topic> <read_committed|read_uncommitted> <count>   prints the values read
import ckjs from '@confluentinc/kafka-javascript';
import { deadline, emit, fail, headersOf, keyOf, valueBytes } from './common.mjs';
import { produce, read } from './librdkafka-api.mjs';

const { Kafka, logLevel } = ckjs.KafkaJS;
const kafkaOf = (bootstrap) => new Kafka({ kafkaJS: { brokers: [bootstrap], logLevel: logLevel.WARN } });

async function create(bootstrap, topic, partitions) {
  const admin = kafkaOf(bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], timeout: 30_000 });
  const [meta] = await admin.fetchTopicMetadata({ topics: [topic], timeout: 10_000 });
  const nodes = new Map();
  for (const p of meta.partitions) for (const n of [p.leaderNode, ...p.replicaNodes]) if (n) nodes.set(n.id, { id: n.id, host: n.host, port: n.port });
  emit({ partitions: meta.partitions.length, nodes: [...nodes.values()] });
  await admin.disconnect();
}

async function member(bootstrap, topic, group, protocol) {
  const kafkaJS = { groupId: group, fromBeginning: true, autoCommit: false };
  if (protocol === 'classic') Object.assign(kafkaJS, { sessionTimeout: 6000, heartbeatInterval: 500 });
  const consumer = kafkaOf(bootstrap).consumer({ kafkaJS, 'group.protocol': protocol });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  let printed;
  const report = () => {
    let now;
    try {
      now = JSON.stringify(consumer.assignment().map((tp) => tp.partition).sort((a, b) => a - b));
    } catch {
      return; // not connected (yet, or any more)
    }
    if (now !== printed) emit({ event: 'assigned', partitions: JSON.parse(printed = now) });
  };
  const timer = setInterval(report, 100);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      report();
      emit({ event: 'record', partition, offset: Number(message.offset), key: message.key.toString() });
      await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
    },
  });
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  clearInterval(timer);
  await consumer.disconnect(); // leaves the group
}

/** Keyed produce through the KafkaJS API at its defaults: its partitioner is documented as murmur2_random. */
async function produceKafkajs(bootstrap, topic, from, count) {
  const producer = kafkaOf(bootstrap).producer({ kafkaJS: { acks: -1 } });
  await producer.connect();
  for (let i = from; i < from + count; i++) {
    const [meta] = await producer.send({ topic, messages: [{ key: keyOf(i), value: valueBytes(i) }] });
    emit({ i, partition: meta.partition, offset: Number(meta.baseOffset) });
  }
  await producer.disconnect();
}

/** One producer, three transactions: two committed around an aborted one (values say which). */
async function txn(bootstrap, topic) {
  const producer = kafkaOf(bootstrap).producer({ kafkaJS: { transactionalId: `${topic}-tx`, idempotent: true, transactionTimeout: 30_000 } });
  await producer.connect();
  const run = async (values, end) => {
    const t = await producer.transaction();
    await t.send({ topic, messages: values.map((value, k) => ({ key: `k-${k}`, value })) });
    await (end === 'commit' ? t.commit() : t.abort());
    emit({ [end]: values });
  };
  await run(['committed-1', 'committed-2', 'committed-3'], 'commit');
  await run(['aborted-1', 'aborted-2'], 'abort');
  await run(['committed-4'], 'commit');
  await producer.disconnect();
}

/** Reads the topic from its start in a fresh group at the given isolation; stops 1 s after `count` values. */
async function readIsolation(bootstrap, topic, isolation, count) {
  const readUncommitted = isolation === 'read_uncommitted';
  const consumer = kafkaOf(bootstrap).consumer({ kafkaJS: { groupId: `${topic}-${isolation}`, fromBeginning: true, readUncommitted } });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const values = [];
  let enough;
  const done = new Promise((resolve) => { enough = resolve; });
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value.toString());
      if (values.length === count) enough();
    },
  });
  await done;
  await new Promise((r) => setTimeout(r, 1000)); // nothing more (an aborted record) may follow
  await consumer.disconnect();
  emit({ isolation, values });
}

const [mode, bootstrap, topic, ...rest] = process.argv.slice(2);
const modes = {
  create: () => create(bootstrap, topic, Number(rest[0])),
  produce: () => produce(ckjs, headersOf, bootstrap, topic, Number(rest[0]), Number(rest[1])),
  read: () => read(ckjs, bootstrap, topic, Number(rest[0]), Number(rest[1])),
  member: () => member(bootstrap, topic, rest[0], rest[1] ?? 'classic'),
  'produce-kafkajs': () => produceKafkajs(bootstrap, topic, Number(rest[0]), Number(rest[1])),
  txn: () => txn(bootstrap, topic),
  'read-isolation': () => readIsolation(bootstrap, topic, rest[0], Number(rest[1])),
};
if (!modes[mode]) fail(`unknown mode ${mode}`);
if (mode !== 'member') deadline(90_000, mode);
modes[mode]().then(() => process.exit(0), fail);
