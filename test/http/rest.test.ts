// The REST proxy over real HTTP against a real broker: keyed records land where Kafka's Java client
// would put them (read back by KafkaJS), batches and chunked streams get one report per record in
// order, topics and groups are administered, and every client mistake is a 4xx with a JSON body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import kafkajs from 'kafkajs';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { partitionForKey } from '../../src/partitioner.js';

const quiet = createLogger('silent');

async function withHttpBroker(config: Record<string, string | number | boolean>, fn: (b: RunningBroker, url: string, cluster: string) => Promise<void>): Promise<void> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, logger: quiet, config });
  try {
    assert.ok(broker.httpUrl, 'the HTTP listener runs');
    await fn(broker, broker.httpUrl, broker.state.clusterId);
  } finally {
    await broker.close();
  }
}

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(url, {
    method, headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('a keyed record posted over HTTP goes to murmur2(key) % partitions and KafkaJS reads it back byte for byte', { timeout: 60_000 }, async () => {
  await withHttpBroker({ 'auto.create.topics.enable': false }, async (broker, url, cluster) => {
    const created = await call(`${url}/v3/clusters/${cluster}/topics`, 'POST', { topic_name: 'orders', partitions_count: 4, configs: [{ name: 'retention.ms', value: '3600000' }] });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.partitions_count, 4);
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const delivered: Array<{ key: string; partition: number; offset: number }> = [];
    for (const key of keys) {
      const r = await call(`${url}/v3/clusters/${cluster}/topics/orders/records`, 'POST', {
        key: { type: 'STRING', data: key }, value: { type: 'JSON', data: { total: key.length } }, headers: [{ name: 'source', value: b64('http') }],
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.error_code, 200);
      assert.equal(r.json.partition_id, partitionForKey(Buffer.from(key), 4), `key ${key}`);
      delivered.push({ key, partition: r.json.partition_id, offset: r.json.offset });
    }
    const kafka = new kafkajs.Kafka({ clientId: 'rest-test', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'rest-readers' });
    const seen: Array<{ key: string; partition: number; offset: number; value: string; source: string }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${keys.length}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ key: message.key!.toString(), partition, offset: Number(message.offset), value: message.value!.toString(), source: message.headers!['source']!.toString() });
          if (seen.length === keys.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    for (const d of delivered) {
      const s = seen.find((x) => x.key === d.key)!;
      assert.deepEqual({ partition: s.partition, offset: s.offset }, { partition: d.partition, offset: d.offset });
      assert.equal(s.value, JSON.stringify({ total: d.key.length }));
      assert.equal(s.source, 'http');
    }
    // The group KafkaJS used is visible over HTTP, with its lag.
    const groups = await call(`${url}/v3/clusters/${cluster}/consumer-groups`, 'GET');
    assert.deepEqual(groups.json.data.map((g: { consumer_group_id: string }) => g.consumer_group_id), ['rest-readers']);
  });
});

test('records:batch answers each entry; a chunked stream of 10,000 records gets 10,000 reports in order', { timeout: 120_000 }, async () => {
  await withHttpBroker({ 'num.partitions': 3 }, async (_broker, url, cluster) => {
    const batch = await call(`${url}/v3/clusters/${cluster}/topics/stream/records:batch`, 'POST', {
      entries: [
        { id: 'a', key: { type: 'STRING', data: 'k' }, value: { type: 'BINARY', data: b64('one') } },
        { id: 'b', value: { type: 'BINARY', data: 'not base64!' } },
        { id: 'c', key: { type: 'STRING', data: 'k' }, value: { type: 'STRING', data: 'two' } },
      ],
    });
    assert.equal(batch.status, 207, batch.text);
    assert.deepEqual(batch.json.successes.map((s: { id: string }) => s.id), ['a', 'c']);
    assert.equal(batch.json.successes[1].offset, batch.json.successes[0].offset + 1, 'same key, same partition, consecutive offsets');
    assert.deepEqual(batch.json.failures.map((f: { id: string; error_code: number }) => [f.id, f.error_code]), [['b', 42201]]);

    const n = 10_000;
    const lines = await new Promise<string[]>((resolve, reject) => {
      const req = request(`${url}/v3/clusters/${cluster}/topics/stream/records`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text.split('\n').filter(Boolean)));
      });
      req.on('error', reject);
      // Records split across chunks at arbitrary points: the stream parser must not care.
      let pending = '';
      for (let i = 0; i < n; i++) {
        pending += JSON.stringify({ key: { type: 'STRING', data: `key-${i % 7}` }, value: { type: 'STRING', data: `v${i}` } }) + (i % 2 === 0 ? '\n' : '');
        if (pending.length > 1500) {
          const cut = 997;
          req.write(pending.slice(0, cut));
          pending = pending.slice(cut);
        }
      }
      req.end(pending);
    });
    assert.equal(lines.length, n);
    const reports = lines.map((l) => JSON.parse(l) as { error_code: number; partition_id: number; offset: number });
    assert.ok(reports.every((r) => r.error_code === 200));
    // In order: per key (so per partition) the offsets rise with the record index.
    const last = new Map<number, number>();
    reports.forEach((r, i) => {
      assert.equal(r.partition_id, partitionForKey(Buffer.from(`key-${i % 7}`), 3));
      assert.ok(r.offset > (last.get(r.partition_id) ?? -1), `record ${i} out of order`);
      last.set(r.partition_id, r.offset);
    });
    const parts = await call(`${url}/v3/clusters/${cluster}/topics/stream/partitions`, 'GET');
    const total = parts.json.data.reduce((s: number, p: { latest_offset: number }) => s + p.latest_offset, 0);
    assert.equal(total, n + 2);
  });
});

test('client mistakes are 4xx with a JSON body: bad JSON, bad base64, unknown topic, oversized body, internal topic, bad method', { timeout: 60_000 }, async () => {
  await withHttpBroker({ 'auto.create.topics.enable': false, 'minikafka.http.max.body.bytes': 4096 }, async (_b, url, cluster) => {
    await call(`${url}/v3/clusters/${cluster}/topics`, 'POST', { topic_name: 't', partitions_count: 1 });
    const records = `${url}/v3/clusters/${cluster}/topics/t/records`;
    const cases: Array<[string, Promise<{ status: number; json: any }>, number, number]> = [
      ['malformed JSON', call(records, 'POST', '{"value": '), 400, 400],
      ['bad base64', call(records, 'POST', { value: { type: 'BINARY', data: '@@@' } }), 422, 42201],
      ['bad type', call(records, 'POST', { value: { type: 'AVRO', data: 1 } }), 422, 42201],
      ['unknown topic', call(`${url}/v3/clusters/${cluster}/topics/nope/records`, 'POST', { value: { type: 'STRING', data: 'x' } }), 404, 40401],
      ['partition out of range', call(records, 'POST', { partition_id: 5, value: { type: 'STRING', data: 'x' } }), 404, 40402],
      ['oversized body', call(records, 'POST', { value: { type: 'STRING', data: 'x'.repeat(10_000) } }), 413, 413],
      ['internal topic', call(`${url}/v3/clusters/${cluster}/topics/__consumer_offsets/records`, 'POST', { value: { type: 'STRING', data: 'x' } }), 403, 40301],
      ['unknown cluster', call(`${url}/v3/clusters/other/topics`, 'GET'), 404, 404],
      ['unknown path', call(`${url}/v4/anything`, 'GET'), 404, 404],
      ['wrong method', call(records, 'GET'), 405, 405],
      ['duplicate topic', call(`${url}/v3/clusters/${cluster}/topics`, 'POST', { topic_name: 't' }), 409, 40002],
      ['bad topic name', call(`${url}/v3/clusters/${cluster}/topics`, 'POST', { topic_name: 'a b' }), 400, 400],
      ['v2 bad content type', call(`${url}/topics/t`, 'POST', { records: [] }, { 'content-type': 'text/plain' }), 415, 415],
      ['v2 bad body', call(`${url}/topics/t`, 'POST', { nope: 1 }, { 'content-type': 'application/vnd.kafka.json.v2+json' }), 422, 42201],
    ];
    for (const [what, pending, status, code] of cases) {
      const r = await pending;
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json?.error_code, code, what);
      assert.equal(typeof r.json?.message, 'string', what);
    }
  });
});

test('v2 produce (JSON and binary), topic configs and deletion, health and the OpenAPI document', { timeout: 60_000 }, async () => {
  await withHttpBroker({}, async (_b, url, cluster) => {
    const json = await call(`${url}/topics/v2topic`, 'POST', { records: [{ key: 'k', value: { a: 1 } }, { value: [1, 2] }] }, { 'content-type': 'application/vnd.kafka.json.v2+json' });
    assert.equal(json.status, 200, json.text);
    assert.deepEqual(json.json.offsets.map((o: { offset: number }) => o.offset).sort(), [0, 1]);
    const bin = await call(`${url}/topics/v2topic/partitions/0`, 'POST', { records: [{ value: b64('raw') }] }, { 'content-type': 'application/vnd.kafka.binary.v2+json' });
    assert.deepEqual(bin.json.offsets, [{ partition: 0, offset: 2, error_code: null, error: null }]);
    const configs = await call(`${url}/v3/clusters/${cluster}/topics/v2topic/configs`, 'GET');
    assert.ok(configs.json.data.some((c: { name: string; is_default: boolean }) => c.name === 'retention.ms' && c.is_default));
    assert.equal((await call(`${url}/v3/clusters/${cluster}/topics/v2topic`, 'DELETE')).status, 204);
    assert.equal((await call(`${url}/v3/clusters/${cluster}/topics/v2topic`, 'GET')).status, 404);
    assert.deepEqual((await call(`${url}/livez`, 'GET')).json, { status: 'ok' });
    assert.equal((await call(`${url}/readyz`, 'GET')).status, 200);
    const doc = await call(`${url}/openapi.json`, 'GET');
    assert.equal(doc.json.openapi, '3.0.3');
    assert.ok('/v3/clusters/{cluster_id}/topics/{topic_name}/records' in doc.json.paths);
  });
});
