/**
 * Publish/subscribe with consumer groups: every group gets its own copy of the stream. Group
 * `billing` has two members that split the partitions between them; group `audit` has one member
 * that reads everything. Both must receive every message; the example exits non-zero if not.
 *
 *   npm run example:pubsub                # starts its own broker
 *   node dist/examples/pubsub.js --bootstrap localhost:9092
 */
import { Admin, Consumer, Producer, stringSerde, type ConsumedMessage } from '../src/index.js';
import { deadline, log, openCluster, waitFor } from './support.js';

const messageCount = 300;
const partitionCount = 3;

deadline(55_000);
const cluster = await openCluster();
const topic = cluster.topicName('news');
const admin = new Admin({ bootstrap: cluster.bootstrap });
await admin.createTopics([{ topic, partitions: partitionCount }]);
log(`topic ${topic}: ${partitionCount} partitions`);

interface Member {
  group: string;
  name: string;
  consumer: Consumer<string, string>;
  received: string[];
  partitions: Set<number>;
  loop: Promise<void>;
}

const members: Member[] = [
  member('billing', 'billing-1'),
  member('billing', 'billing-2'),
  member('audit', 'audit-1'),
];

const producer = new Producer({ bootstrap: cluster.bootstrap });
const values = Array.from({ length: messageCount }, (_, i) => `news item ${i}`);
for (let i = 0; i < values.length; i += 50) {
  await producer.send({ topic, messages: values.slice(i, i + 50).map((value, j) => ({ key: `source-${(i + j) % 7}`, value })) });
}
log(`produced ${messageCount} messages`);

const groups = ['billing', 'audit'];
const receivedBy = (group: string): Set<string> => new Set(members.filter((m) => m.group === group).flatMap((m) => m.received));
await waitFor(() => groups.every((g) => receivedBy(g).size === messageCount), 30_000);

let failed = false;
for (const group of groups) {
  const got = receivedBy(group);
  const missing = values.filter((v) => !got.has(v));
  const split = members
    .filter((m) => m.group === group)
    .map((m) => `${m.name} ${m.received.length} from partitions [${[...m.partitions].sort().join(', ')}]`)
    .join(', ');
  if (missing.length === 0) log(`OK group ${group} received all ${messageCount} messages (${split})`);
  else {
    failed = true;
    log(`FAILED: group ${group} is missing ${missing.length} of ${messageCount} messages (${split})`);
  }
}

await Promise.all(members.map((m) => m.consumer.close()));
await producer.close();
await admin.close();
await cluster.close();
process.exit(failed ? 1 : 0);

function member(group: string, name: string): Member {
  const consumer = new Consumer<string, string>({
    bootstrap: cluster.bootstrap,
    clientId: name,
    groupId: group,
    autoOffsetReset: 'earliest',
    keyDeserializer: stringSerde,
    valueDeserializer: stringSerde,
  });
  const m: Member = { group, name, consumer, received: [], partitions: new Set(), loop: Promise.resolve() };
  m.loop = (async () => {
    await consumer.subscribe([topic]);
    for await (const message of consumer as AsyncIterable<ConsumedMessage<string, string>>) {
      if (message.value !== null) m.received.push(message.value);
      m.partitions.add(message.partition);
    }
  })().catch((err: unknown) => {
    log(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  });
  return m;
}
