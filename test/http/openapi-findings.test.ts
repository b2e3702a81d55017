// What schemathesis found running /openapi.json against the listener, each kept as a regression test over
// real HTTP: two 5xx answers to client mistakes, a 405 without Allow, a request target that is no URL,
// and inputs the document forbids that the server accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { topicConfigDefs } from '../../src/broker/topic-config-defs.js';
import { effectiveTopicConfigs } from '../../src/broker/topic-configs.js';

async function withBroker(fn: (b: RunningBroker, url: string) => Promise<void>): Promise<void> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, logger: createLogger('silent') });
  try {
    await fn(broker, broker.httpUrl!);
  } finally {
    await broker.close();
  }
}

async function call(url: string, method: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, { method, headers: { 'content-type': contentType }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

test('v2 produce to a partition that is no integer, on a topic the request auto-creates, is a 404 (was a 500 from storage)', { timeout: 30_000 }, async () => {
  await withBroker(async (_b, url) => {
    for (const p of ['7.2e-298', '0.5', '-1', 'x']) {
      const r = await call(`${url}/topics/fresh-${p.length}/partitions/${p}`, 'POST', { records: [{ value: 'aGk=' }] }, 'application/vnd.kafka.binary.v2+json');
      assert.equal(r.status, 404, `partition ${p}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error_code, 40402);
    }
  });
});

test('a v2 offset commit naming a topic that does not exist is a 404 (was a 500 from the client\'s UNKNOWN_TOPIC_OR_PARTITION)', { timeout: 30_000 }, async () => {
  await withBroker(async (_b, url) => {
    const created = await call(`${url}/consumers/g1`, 'POST', { name: 'i1' }, 'application/vnd.kafka.v2+json');
    assert.equal(created.status, 200);
    for (const offsets of [[{ topic: '', partition: 0, offset: 1 }], [{ topic: 'nowhere', partition: 0, offset: 1 }]]) {
      const r = await call(`${created.json.base_uri}/offsets`, 'POST', { offsets }, 'application/vnd.kafka.v2+json');
      assert.equal(r.status, 404, JSON.stringify(r.json));
      assert.equal(r.json.error_code, 40402);
    }
    const seek = await call(`${created.json.base_uri}/positions`, 'POST', { offsets: [{ topic: 'nowhere', partition: 0, offset: 1 }] }, 'application/vnd.kafka.v2+json');
    assert.equal(seek.status, 404, 'a seek to an unknown partition');
    assert.equal((await call(created.json.base_uri, 'DELETE')).status, 204);
  });
});

test('405 answers name the allowed methods (RFC 9110 Allow)', { timeout: 30_000 }, async () => {
  await withBroker(async (_b, url) => {
    const r = await call(`${url}/console/api/topics`, 'PUT', {});
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, POST');
    assert.equal((await fetch(`${url}/metrics`, { method: 'DELETE' })).headers.get('allow'), 'GET');
  });
});

test('a request target that is no URL ("//[") is a 400, and the listener carries on', { timeout: 30_000 }, async () => {
  await withBroker(async (_b, url) => {
    const { port } = new URL(url);
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect(Number(port), '127.0.0.1', () => s.end('GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('end', () => resolve(text));
      s.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.equal((await fetch(`${url}/livez`)).status, 200);
  });
});

test('inputs the document forbids are refused: auto.commit.enable other than true/false, replication factors other than 1/-1', { timeout: 30_000 }, async () => {
  await withBroker(async (b, url) => {
    const bad = await call(`${url}/consumers/g2`, 'POST', { name: 'i2', 'auto.commit.enable': 'AAA' }, 'application/vnd.kafka.v2+json');
    assert.equal(bad.status, 422);
    const ok = await call(`${url}/consumers/g2`, 'POST', { name: 'i3', 'auto.commit.enable': 'false' }, 'application/vnd.kafka.v2+json');
    assert.equal(ok.status, 200);
    await call(ok.json.base_uri, 'DELETE');
    const rf = await call(`${url}/v3/clusters/${b.state.clusterId}/topics`, 'POST', { topic_name: 't', replication_factor: 3 });
    assert.equal(rf.status, 400);
    const doc = (await call(`${url}/openapi.json`, 'GET')).json;
    const create = doc.paths['/v3/clusters/{cluster_id}/topics'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(create.properties.replication_factor.enum, [-1, 1], 'the document says so');
  });
});

test('creating an internal topic is a 403 (was a 400, which the document cannot rule out by name)', { timeout: 30_000 }, async () => {
  await withBroker(async (b, url) => {
    const v3 = await call(`${url}/v3/clusters/${b.state.clusterId}/topics`, 'POST', { topic_name: '__consumer_offsets' });
    assert.equal(v3.status, 403);
    const console = await call(`${url}/console/api/topics`, 'POST', { name: '__transaction_state' });
    assert.equal(console.status, 403);
  });
});

test('the document describes every topic config, and each one\'s default value fits its schema', { timeout: 30_000 }, async () => {
  await withBroker(async (b, url) => {
    const doc = (await call(`${url}/openapi.json`, 'GET')).json;
    const configs = doc.paths['/console/api/topics'].post.requestBody.content['application/json'].schema.properties.configs.properties;
    assert.deepEqual(Object.keys(configs).sort(), topicConfigDefs.filter((d) => d.legacy !== true).map((d) => d.name).sort());
    for (const c of effectiveTopicConfigs({}, b.state.config)) {
      const s = configs[c.name];
      assert.ok(s.enum ? s.enum.includes(c.value) : new RegExp(s.pattern).test(c.value), `${c.name}=${c.value} fits ${JSON.stringify(s)}`);
    }
    // And a topic created with values at the schema's edges is accepted.
    const edges = { 'segment.bytes': '1048576', 'retention.ms': '-1', 'min.cleanable.dirty.ratio': '.5', 'index.interval.bytes': '0', 'cleanup.policy': 'compact,delete' };
    for (const [k, v] of Object.entries(edges)) assert.match(v, new RegExp(configs[k].pattern ?? `^(${configs[k].enum.join('|')})$`), k);
    assert.equal((await call(`${url}/console/api/topics`, 'POST', { name: 'edges', configs: edges })).status, 201);
  });
});

test('a keyless record to a compacted topic is a 409 (the topic\'s cleanup.policy refuses it), not a 400 for a schema-valid body', { timeout: 30_000 }, async () => {
  await withBroker(async (_b, url) => {
    const created = await call(`${url}/console/api/topics`, 'POST', { name: 'compacted', partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const keyless = await call(`${url}/console/api/topics/compacted/records`, 'POST', {});
    assert.equal(keyless.status, 409, JSON.stringify(keyless.json));
    assert.match(keyless.json.message, /^INVALID_RECORD/);
    const keyed = await call(`${url}/console/api/topics/compacted/records`, 'POST', { key: 'k', value: 'v' });
    assert.equal(keyed.status, 200, JSON.stringify(keyed.json));
    const v3 = await call(`${url}/v3/clusters/${_b.state.clusterId}/topics/compacted/records`, 'POST', { value: { type: 'STRING', data: 'v' } });
    assert.equal(v3.status, 409, JSON.stringify(v3.json));
  });
});
