// A consume-transform-produce application of our client, run as a child process by
// test/durability/eos-app-kill.test.ts: reads IN as read_committed from the group's committed offsets,
// and for each fetched batch, in one transaction, writes the uppercased values to OUT and commits the
// input offsets (sendOffsets). Its transactionalId is fixed, so each new instance fences the one before
// and aborts whatever transaction that one left open. Prints a JSON line per committed transaction.
//   node dist/test/eos/ctp-app.js BOOTSTRAP IN OUT GROUP TRANSACTIONAL_ID PARTITIONS
import { Admin, Consumer, Producer, stringSerde } from '../../src/client/index.js';

const [bootstrap, input, output, group, transactionalId, partitionCount] = process.argv.slice(2) as [string, string, string, string, string, string];

const producer = new Producer({ bootstrap, transactionalId, keySerializer: stringSerde, valueSerializer: stringSerde, transactionTimeoutMs: 10_000 });
await producer.connect(); // InitProducerId: fences the previous instance and aborts its open transaction
const admin = new Admin({ bootstrap });
const committed = new Map((await admin.fetchCommittedOffsets(group, [input])).map((o) => [o.partition, o.offset]));
await admin.close();
const consumer = new Consumer({ bootstrap, keyDeserializer: stringSerde, valueDeserializer: stringSerde, isolationLevel: 'read_committed', autoOffsetReset: 'earliest', maxWaitMs: 100,
  // Small fetches: about one input batch (25 records) per transaction, so that kills land mid-stream.
  partitionMaxBytes: 256, maxBytes: 512,
});
consumer.assign(Array.from({ length: Number(partitionCount) }, (_, partition) => {
  const offset = committed.get(partition);
  return offset !== undefined && offset >= 0n ? { topic: input, partition, offset } : { topic: input, partition };
}));
console.log(JSON.stringify({ ready: true, committed: Object.fromEntries([...committed].map(([p, o]) => [p, String(o)])) }));
process.once('SIGTERM', () => void consumer.close().then(() => producer.close()).then(() => process.exit(0)));
await consumer.run({
  eachBatch: async (batch) => {
    const txn = await producer.transaction();
    await txn.send({ topic: output, messages: batch.messages.map((m) => ({ key: m.key, value: (m.value ?? '').toUpperCase() })) });
    const next = batch.messages[batch.messages.length - 1]!.offset + 1n;
    await txn.sendOffsets({ groupId: group, offsets: [{ topic: input, partition: batch.partition, offset: next }] });
    await txn.commit();
    console.log(JSON.stringify({ partition: batch.partition, records: batch.messages.length, next: String(next) }));
  },
});
