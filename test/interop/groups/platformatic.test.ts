import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { closeForced } from '../../support/platformatic.js';
import { startTestBroker } from '../../broker/harness.js';
import { waitFor, withTimeout } from '../../support/net.js';
import { targetKind, uniqueTopic } from '../../support/target.js';

const config = { 'minikafka.log.level': 'warn', 'group.consumer.session.timeout.ms': 6000, 'group.consumer.heartbeat.interval.ms': 500 };
// Against Kafka, starting the JVM, creating the topic and producing took 28 s of the 60 on the loaded
// shared machine (2026-12-02), and the classic test ran out of time with both groups done.
const testTimeoutMs = targetKind === 'kafka' ? 180_000 : 60_000;

for (const groupProtocol of ['classic', 'consumer'] as const) {
  test(`@platformatic/kafka ${groupProtocol} protocol: two members split the topic, a second group gets everything, offsets are committed`, { timeout: testTimeoutMs }, async () => {
    const broker = await startTestBroker(config);
    const base = { clientId: 'plt-groups', bootstrapBrokers: [broker.bootstrap], retries: 5, retryDelay: 100 };
    const topic = uniqueTopic(`plt-${groupProtocol}`);
    const admin = new Admin(base);
    const producer = new Producer({ ...base, serializers: stringSerializers });
    const consumers: Consumer<string, string, string, string>[] = [];
    const probes: Consumer[] = [];
    const streams: Array<{ close(): Promise<void> }> = [];
    try {
      await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
      await producer.send({ messages: Array.from({ length: 200 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` })), acks: -1 });
      const seen = new Map<string, Array<{ member: number; v: string; p: number }>>();
      const start = async (groupId: string, member: number) => {
        const options = groupProtocol === 'classic'
          ? { ...base, groupId, deserializers: stringDeserializers, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTime: 100, autocommit: 100 }
          : { ...base, groupId, deserializers: stringDeserializers, groupProtocol: 'consumer' as const, maxWaitTime: 100, autocommit: 100 };
        const consumer = new Consumer<string, string, string, string>(options);
        consumers.push(consumer);
        const stream = await withTimeout('consume', consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest' }), 20_000);
        streams.push(stream);
        stream.on('data', (m) => {
          const list = seen.get(groupId) ?? [];
          list.push({ member, v: m.value, p: m.partition });
          seen.set(groupId, list);
        });
        stream.on('error', () => {});
      };
      const g1 = `${topic}-g1`;
      await start(g1, 0);
      await start(g1, 1);
      await start(`${topic}-g2`, 2);
      const distinct = (g: string) => new Set((seen.get(g) ?? []).map((s) => s.v)).size;
      await waitFor('both groups read everything', () => (distinct(g1) === 200 && distinct(`${topic}-g2`) === 200 ? true : undefined), { timeoutMs: 40_000, intervalMs: 100 });
      // Once autocommit has run, every partition's committed offset is its end offset (- 1, below). Compared with
      // the log's end offsets, not with 200: against Kafka the producer may retry a send after
      // CreateTopics (leaders still being elected) and the topic then holds duplicates (FINDINGS.md K3).
      // 1.x's Admin lists neither; its Consumer does: ListOffsets latest, and OffsetFetch for the group of
      // a consumer that never joins (a probe with g1's id). 1.x commits the offset of the last record it
      // read, not the next one to read as Kafka's clients (and 2.x) do, and resumes after it: its
      // committed offset for a partition read to the end is the end offset - 1.
      const latest = await consumers[0]!.listOffsets({ topics: [topic], timestamp: -1n });
      const ends = new Map((latest.get(topic) ?? []).map((offset, p) => [p, Number(offset)]));
      assert.equal(ends.size, 4, `end offsets of ${topic}`);
      const probe = new Consumer({ ...base, groupId: g1 });
      probes.push(probe);
      let committed = new Map<number, number>();
      await waitFor('offsets committed', async () => {
        const offsets = await probe.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2, 3] }] });
        committed = new Map((offsets.get(topic) ?? []).map((offset, p) => [p, Number(offset)]));
        return [...ends].every(([p, end]) => committed.get(p) === end - 1) ? true : undefined;
      }, { timeoutMs: 10_000, intervalMs: 200 }).catch((error: Error) => {
        throw new Error(`${error.message}: committed ${JSON.stringify([...committed])}, end offsets ${JSON.stringify([...ends])}`);
      });
    } finally {
      // 1.x's close() leaves a consumer-protocol member's streams open (their autocommit timer kept the
      // test process alive): close them first.
      await Promise.allSettled(streams.map((s) => s.close()));
      await Promise.allSettled([...consumers, ...probes].map(closeForced));
      await Promise.allSettled([producer.close(), admin.close()]);
      await broker.close();
    }
  });
}
