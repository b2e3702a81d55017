// REST consumer instances (v2) are real group members: one instance and one KafkaJS consumer in the
// same group split the partitions; when KafkaJS leaves, the instance takes everything; records come
// back in the instance's format, commits are stored, and positions move on request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import kafkajs from 'kafkajs';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { Admin, Producer, stringSerde } from '../../src/index.js';

const V2 = 'application/vnd.kafka.v2+json';

/**
 * A group's members must share an assignor: REST instances offer "range" (the Java client's default),
 * KafkaJS ships only "RoundRobinAssigner", so KafkaJS gets a range assigner here, as an application
 * that mixes clients in one group would give it.
 */
const rangeAssigner: kafkajs.PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  async assign({ members, topics }) {
    const ids = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
      const per = Math.floor(partitions.length / ids.length);
      const extra = partitions.length % ids.length;
      let next = 0;
      ids.forEach((id, i) => {
        const n = per + (i < extra ? 1 : 0);
        plan.get(id)![topic] = partitions.slice(next, next + n);
        next += n;
      });
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: kafkajs.AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: plan.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'range', metadata: kafkajs.AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = request(url, { method, headers: { 'content-type': V2, 'content-length': Buffer.byteLength(text), ...headers } }, (res) => {
      let out = '';
      res.setEncoding('utf8').on('data', (d: string) => (out += d)).on('end', () => {
        let json: unknown;
        try {
          json = out === '' ? undefined : JSON.parse(out);
        } catch {
          json = out;
        }
        resolve({ status: res.statusCode!, json });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function until<T>(what: string, look: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await look();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a REST consumer instance and a KafkaJS consumer share a group, and the instance takes over when KafkaJS leaves', { timeout: 120_000 }, async () => {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, logger: createLogger('silent'), config: { 'group.min.session.timeout.ms': 1000 } });
  const url = broker.httpUrl!;
  const admin = new Admin({ bootstrap: broker.bootstrap });
  const producer = new Producer<string, string>({ bootstrap: broker.bootstrap, keySerializer: stringSerde, valueSerializer: stringSerde });
  const kafka = new kafkajs.Kafka({ clientId: 'mixed', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const kjs = kafka.consumer({ groupId: 'mixed', sessionTimeout: 6000, heartbeatInterval: 500, partitionAssigners: [rangeAssigner] });
  try {
    await admin.createTopics([{ topic: 'shared', partitions: 4 }]);
    const created = await call(`${url}/consumers/mixed`, 'POST', { name: 'rest-1', format: 'json', 'auto.offset.reset': 'earliest' });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.instance_id, 'rest-1');
    const base: string = created.json.base_uri;
    assert.equal((await call(`${url}/consumers/mixed`, 'POST', { name: 'rest-1' })).status, 409);
    assert.equal((await call(`${base}/subscription`, 'POST', { topics: ['shared'] })).status, 204);
    assert.deepEqual((await call(`${base}/subscription`, 'GET')).json, { topics: ['shared'] });

    const kjsSeen: number[] = [];
    await kjs.connect();
    await kjs.subscribe({ topic: 'shared', fromBeginning: true });
    await kjs.run({ eachMessage: async ({ partition }) => void kjsSeen.push(partition) });

    // Both members hold partitions: 2 + 2 with the range assignor.
    const split = await until('the group to split the partitions', async () => {
      const a = (await call(`${base}/assignments`, 'GET')).json.partitions as Array<{ partition: number }>;
      return a.length === 2 ? a.map((p) => p.partition).sort() : undefined;
    });
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ n: i }) }));
    await producer.send({ topic: 'shared', messages });
    const got: Array<{ partition: number; offset: number; value: { n: number } }> = [];
    await until('the instance to read its partitions', async () => {
      const r = await call(`${base}/records?timeout=500`, 'GET', undefined, { accept: 'application/vnd.kafka.json.v2+json' });
      assert.equal(r.status, 200);
      got.push(...r.json);
      return got.length > 0 && got.length + kjsSeen.length >= 40 ? true : undefined;
    });
    assert.ok(got.every((m) => split.includes(m.partition)), 'the instance reads only its own partitions');
    assert.ok(got.every((m) => typeof m.value.n === 'number'), 'JSON values come back as JSON');
    assert.equal(new Set([...got.map((m) => `${m.partition}/${m.offset}`)]).size, got.length, 'no duplicates');

    // KafkaJS leaves: the instance gets all four partitions and reads the new records on them.
    await kjs.disconnect();
    await until('the instance to own all partitions', async () => {
      await call(`${base}/records?timeout=200`, 'GET', undefined, { accept: 'application/vnd.kafka.json.v2+json' }).then((r) => got.push(...r.json));
      const a = (await call(`${base}/assignments`, 'GET')).json.partitions as unknown[];
      return a.length === 4 ? true : undefined;
    });
    await producer.send({ topic: 'shared', messages: [{ key: 'after', value: JSON.stringify({ n: 99 }) }] });
    const after = await until('the record produced after failover', async () => {
      const r = await call(`${base}/records?timeout=500`, 'GET', undefined, { accept: 'application/vnd.kafka.json.v2+json' });
      got.push(...r.json);
      return got.find((m) => m.value.n === 99);
    });
    assert.ok(after);

    // Commits are stored (auto-commit of what was handed out) and readable through the instance.
    await call(`${base}/offsets`, 'POST', { offsets: [{ topic: 'shared', partition: after.partition, offset: after.offset }] });
    const committed = await call(`${base}/offsets`, 'GET', { partitions: [{ topic: 'shared', partition: after.partition }] });
    assert.deepEqual(committed.json.offsets.map((o: { offset: number }) => o.offset), [after.offset + 1]);

    // Seek back to the beginning of one partition: its records come again.
    assert.equal((await call(`${base}/positions/beginning`, 'POST', { partitions: [{ topic: 'shared', partition: after.partition }] })).status, 204);
    const again = await until('records after the seek', async () => {
      const r = await call(`${base}/records?timeout=500`, 'GET', undefined, { accept: 'application/vnd.kafka.json.v2+json' });
      const mine = (r.json as typeof got).filter((m) => m.partition === after.partition);
      return mine.length > 0 ? mine : undefined;
    });
    assert.equal(again[0]!.offset, 0);

    assert.equal((await call(`${base}/records`, 'GET', undefined, { accept: 'application/vnd.kafka.binary.v2+json' })).status, 406);
    assert.equal((await call(`${base}`, 'DELETE')).status, 204);
    assert.equal((await call(`${base}/records`, 'GET')).status, 404);
  } finally {
    await Promise.allSettled([kjs.disconnect(), producer.close(), admin.close()]);
    await broker.close();
  }
});
