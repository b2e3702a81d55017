// The scenario's modes (test/interop/modern-clients/scenario.ts) over the node-rdkafka API, which
// node-rdkafka and @confluentinc/kafka-javascript (its non-KafkaJS half) both expose over their own
// builds of librdkafka. `Kafka` is the module; `headersOf(i)` gives the [name, value] pairs to send.
import { emit, hex, keyOf, valueBytes } from './common.mjs';

const cb = (resolve, reject) => (err, v) => (err ? reject(err) : resolve(v));

export async function create(Kafka, bootstrap, topic, partitions) {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': bootstrap });
  await new Promise((res, rej) => admin.createTopic({ topic, num_partitions: partitions, replication_factor: 1 }, 30_000, cb(res, rej)));
  admin.disconnect();
  const producer = new Kafka.Producer({ 'bootstrap.servers': bootstrap });
  await new Promise((res, rej) => producer.connect({}, cb(res, rej)));
  const md = await new Promise((res, rej) => producer.getMetadata({ topic, timeout: 10_000 }, cb(res, rej)));
  const t = md.topics.find((x) => x.name === topic);
  emit({ partitions: t.partitions.length, nodes: md.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port })) });
  await new Promise((res) => producer.disconnect(5000, res));
}

export async function produce(Kafka, headersOf, bootstrap, topic, from, count) {
  // librdkafka's default partitioner is consistent_random (CRC32); murmur2_random is the Java client's.
  // Both are topic settings: node-rdkafka sets librdkafka's default_topic_conf from the second
  // argument (empty when omitted), which replaces any topic setting given in the first.
  const topicConf = { acks: 'all', partitioner: 'murmur2_random' };
  const producer = new Kafka.Producer({ 'bootstrap.servers': bootstrap, 'linger.ms': 5, dr_cb: true }, topicConf);
  const acks = new Map();
  let failed;
  producer.on('delivery-report', (err, report) => {
    if (err) failed = err;
    else acks.set(report.opaque, [report.partition, report.offset]);
  });
  producer.setPollInterval(20);
  await new Promise((res, rej) => producer.connect({}, cb(res, rej)));
  for (let i = from; i < from + count; i++) {
    const headers = headersOf(i).map(([k, v]) => ({ [k]: v }));
    producer.produce(topic, null, valueBytes(i), Buffer.from(keyOf(i)), null, i, headers);
  }
  await new Promise((res, rej) => producer.flush(60_000, cb(res, rej)));
  const until = Date.now() + 10_000;
  while (acks.size < count && !failed && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  if (failed) throw failed;
  if (acks.size !== count) throw new Error(`${acks.size} of ${count} acknowledged`);
  for (let i = from; i < from + count; i++) emit({ i, partition: acks.get(i)[0], offset: acks.get(i)[1] });
  await new Promise((res) => producer.disconnect(5000, res));
}

const headerPairs = (m) => (m.headers ?? []).map((h) => { const [k] = Object.keys(h); return [k, hex(h[k])]; });

export async function read(Kafka, bootstrap, topic, partitions, count) {
  const c = new Kafka.KafkaConsumer({ 'bootstrap.servers': bootstrap, 'group.id': `unused-${topic}`, 'enable.auto.commit': false }, {});
  await new Promise((res, rej) => c.connect({}, cb(res, rej)));
  c.assign(Array.from({ length: partitions }, (_, p) => ({ topic, partition: p, offset: 0 })));
  c.setDefaultConsumeTimeout(200);
  let got = 0;
  while (got < count) {
    const batch = await new Promise((res, rej) => c.consume(count - got, cb(res, rej)));
    for (const m of batch) {
      emit({ partition: m.partition, offset: m.offset, key: hex(m.key), value: hex(m.value), headers: headerPairs(m) });
      got++;
    }
  }
  await new Promise((res) => c.disconnect(res));
}

export async function member(Kafka, bootstrap, topic, group, protocol) {
  const conf = { 'bootstrap.servers': bootstrap, 'group.id': group, 'group.protocol': protocol, 'enable.auto.commit': false, rebalance_cb: true };
  if (protocol === 'classic') Object.assign(conf, { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 });
  const c = new Kafka.KafkaConsumer(conf, { 'auto.offset.reset': 'earliest' });
  c.on('event.error', (e) => process.stderr.write(`error: ${e.message}\n`));
  let stop = false;
  process.on('SIGTERM', () => { stop = true; });
  await new Promise((res, rej) => c.connect({}, cb(res, rej)));
  c.subscribe([topic]);
  c.setDefaultConsumeTimeout(100);
  let printed;
  while (!stop) {
    const batch = await new Promise((res, rej) => c.consume(50, cb(res, rej)));
    const now = JSON.stringify(c.assignments().map((tp) => tp.partition).sort((a, b) => a - b));
    if (now !== printed) emit({ event: 'assigned', partitions: JSON.parse(printed = now) });
    for (const m of batch) {
      emit({ event: 'record', partition: m.partition, offset: m.offset, key: m.key.toString() });
      c.commitMessageSync(m);
    }
  }
  await new Promise((res) => c.disconnect(res)); // leaves the group
}
