// HTTP Basic with the broker's Kafka users and the broker's ACLs on REST and console calls, over real
// HTTP: no credentials or wrong ones are a 401 with WWW-Authenticate, a user without the ACL a 403
// (error_code 40301), with it a 200; PLAIN (JAAS) and SCRAM-SHA-256/512 users all log in; a REST
// consumer instance reads as its user, so the broker refuses what that user may not read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { Admin } from '../../src/index.js';

const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret" user_alice="alice-secret";';
const TOPIC = 2, GROUP = 3, CLUSTER = 4;
const LITERAL = 3;
const READ = 3, WRITE = 4, CREATE = 5, DESCRIBE = 8;
const ALLOW = 3;
const V2 = 'application/vnd.kafka.v2+json';

interface Reply {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

async function call(url: string, method: string, user?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const auth: Record<string, string> = user === undefined ? {} : { authorization: `Basic ${Buffer.from(user).toString('base64')}` };
  const res = await fetch(url, {
    method, headers: { 'content-type': 'application/json', ...auth, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

const allow = (resourceType: number, resourceName: string, principal: string, operation: number) => ({
  resourceType, resourceName, patternType: LITERAL, principal, host: '*', operation, permissionType: ALLOW,
});

async function withSecuredBroker(fn: (b: RunningBroker, admin: Admin, url: string, cluster: string) => Promise<void>): Promise<void> {
  const broker = await startBroker({
    host: '127.0.0.1', port: 0, httpPort: 0, logger: createLogger('silent'),
    config: {
      'listeners': 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'sasl.jaas.config': JAAS,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
      'auto.create.topics.enable': false,
      'connection.failed.authentication.delay.ms': 10,
      'group.initial.rebalance.delay.ms': 0,
    },
  });
  const admin = new Admin({ bootstrap: broker.bootstrap, sasl: { mechanism: 'plain', username: 'admin', password: 'admin-secret' } });
  try {
    await admin.upsertScramUser('bob', 'bob-secret', 'SCRAM-SHA-512');
    await admin.upsertScramUser('carol', 'carol-secret', 'SCRAM-SHA-256');
    await admin.createTopics([{ topic: 'orders', partitions: 2 }, { topic: 'secret', partitions: 1 }]);
    await fn(broker, admin, broker.httpUrl!, broker.state.clusterId);
  } finally {
    await admin.close();
    await broker.close();
  }
}

test('no credentials and wrong ones get 401 with WWW-Authenticate; health and the OpenAPI document stay open', { timeout: 60_000 }, async () => {
  await withSecuredBroker(async (_b, _admin, url, cluster) => {
    const topics = `${url}/v3/clusters/${cluster}/topics`;
    for (const [what, r] of [
      ['none', await call(topics, 'GET')],
      ['wrong PLAIN password', await call(topics, 'GET', 'alice:alice-wrong')],
      ['wrong SCRAM password', await call(topics, 'GET', 'bob:bob-wrong')],
      ['unknown user', await call(topics, 'GET', 'mallory:x')],
      ['not Basic', await call(topics, 'GET', undefined, undefined, { authorization: 'Bearer abc' })],
      ['no colon', await call(topics, 'GET', undefined, undefined, { authorization: `Basic ${Buffer.from('alice').toString('base64')}` })],
    ] as const) {
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.equal(r.json.error_code, 401, what);
      assert.equal(typeof r.json.message, 'string', what);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm="minikafka"/, what);
    }
    for (const path of ['/', '/console/api/topics', '/topics', '/metrics', `/consumers/g`]) {
      const r = await call(`${url}${path}`, path === '/consumers/g' ? 'POST' : 'GET', undefined, path === '/consumers/g' ? {} : undefined);
      assert.equal(r.status, 401, path);
    }
    assert.equal((await call(`${url}/livez`, 'GET')).status, 200);
    assert.equal((await call(`${url}/readyz`, 'GET')).status, 200);
    const doc = await call(`${url}/openapi.json`, 'GET');
    assert.equal(doc.status, 200);
    assert.deepEqual(doc.json.components.securitySchemes.basic, { type: 'http', scheme: 'basic', description: doc.json.components.securitySchemes.basic.description });
    assert.deepEqual(doc.json.security, [{ basic: [] }]);
    assert.deepEqual(doc.json.paths['/livez'].get.security, []);
    assert.ok(doc.json.paths['/v3/clusters/{cluster_id}/topics'].get.responses[401], '401 documented');
    assert.ok(doc.json.paths['/v3/clusters/{cluster_id}/topics'].get.responses[403], '403 documented');
    // /metrics: any valid user, no ACL.
    const metrics = await call(`${url}/metrics`, 'GET', 'carol:carol-secret');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /kafka_server_brokertopicmetrics_messagesin_total/);
  });
});

test('PLAIN and SCRAM users: without the ACL 403 (40301), with it 200; lists show only what the user may DESCRIBE', { timeout: 60_000 }, async () => {
  await withSecuredBroker(async (_b, admin, url, cluster) => {
    const v3 = `${url}/v3/clusters/${cluster}`;
    const record = { key: { type: 'STRING', data: 'k' }, value: { type: 'STRING', data: 'v' } };
    // Authenticated, no ACL: refused, and lists are empty.
    for (const user of ['alice:alice-secret', 'bob:bob-secret', 'carol:carol-secret']) {
      assert.equal((await call(`${v3}`, 'GET', user)).status, 200, `${user} sees the cluster`);
      const produce = await call(`${v3}/topics/orders/records`, 'POST', user, record);
      assert.equal(produce.status, 403, `${user}: ${produce.text}`);
      assert.equal(produce.json.error_code, 40301);
      assert.match(produce.json.message, /Not authorized to access topics: \[orders\]/);
      assert.equal((await call(`${v3}/topics/orders`, 'GET', user)).status, 403);
      // Refused before existence is told: an unknown topic is a 403 too, as Kafka answers.
      assert.equal((await call(`${v3}/topics/nope`, 'GET', user)).status, 403);
      assert.deepEqual((await call(`${v3}/topics`, 'GET', user)).json.data, []);
      assert.deepEqual((await call(`${url}/topics`, 'GET', user)).json, []);
      assert.deepEqual((await call(`${url}/console/api/topics`, 'GET', user)).json.topics, []);
    }
    // alice (PLAIN): WRITE on orders; bob (SCRAM-SHA-512): READ on orders; carol (SCRAM-SHA-256): CREATE on the cluster.
    await admin.createAcls([
      allow(TOPIC, 'orders', 'User:alice', WRITE),
      allow(TOPIC, 'orders', 'User:bob', READ),
      allow(CLUSTER, 'kafka-cluster', 'User:carol', CREATE),
    ]);
    const produced = await call(`${v3}/topics/orders/records`, 'POST', 'alice:alice-secret', record);
    assert.equal(produced.status, 200, produced.text);
    const v2 = await call(`${url}/topics/orders`, 'POST', 'alice:alice-secret', { records: [{ value: { n: 1 } }] }, { 'content-type': 'application/vnd.kafka.json.v2+json' });
    assert.equal(v2.status, 200, v2.text);
    assert.equal((await call(`${url}/topics/secret`, 'POST', 'alice:alice-secret', { records: [{ value: 1 }] }, { 'content-type': 'application/vnd.kafka.json.v2+json' })).status, 403);
    assert.equal((await call(`${v3}/topics/orders/records`, 'POST', 'bob:bob-secret', record)).status, 403, 'READ does not allow WRITE');
    // WRITE and READ imply DESCRIBE: both now see orders, and only orders.
    for (const user of ['alice:alice-secret', 'bob:bob-secret']) {
      assert.deepEqual((await call(`${v3}/topics`, 'GET', user)).json.data.map((t: any) => t.topic_name), ['orders']);
      assert.equal((await call(`${v3}/topics/orders/partitions`, 'GET', user)).status, 200);
    }
    // Reading records in the console is Fetch: READ (bob), not WRITE (alice).
    const page = await call(`${url}/console/api/topics/orders/partitions/${produced.json.partition_id}/records?offset=0`, 'GET', 'bob:bob-secret');
    assert.equal(page.status, 200, page.text);
    assert.ok(page.json.records.length >= 1);
    assert.equal((await call(`${url}/console/api/topics/orders/partitions/0/records`, 'GET', 'alice:alice-secret')).status, 403);
    // Configs: DESCRIBE_CONFIGS, which neither has.
    assert.equal((await call(`${v3}/topics/orders/configs`, 'GET', 'bob:bob-secret')).status, 403);
    // Create: CREATE on the cluster (carol); delete: DELETE on the topic (nobody but the super user).
    assert.equal((await call(`${v3}/topics`, 'POST', 'alice:alice-secret', { topic_name: 'new-one', partitions_count: 1 })).status, 403);
    const created = await call(`${v3}/topics`, 'POST', 'carol:carol-secret', { topic_name: 'new-one', partitions_count: 1 });
    assert.equal(created.status, 201, created.text);
    assert.equal((await call(`${url}/console/api/topics`, 'POST', 'carol:carol-secret', { name: 'new-two' })).status, 201);
    assert.equal((await call(`${v3}/topics/new-one`, 'DELETE', 'carol:carol-secret')).status, 403);
    assert.equal((await call(`${v3}/topics/new-one`, 'DELETE', 'admin:admin-secret')).status, 204);
    // The super user sees everything.
    const all = await call(`${v3}/topics`, 'GET', 'admin:admin-secret');
    assert.deepEqual(all.json.data.map((t: any) => t.topic_name).filter((n: string) => !n.startsWith('__')), ['new-two', 'orders', 'secret']);
    // A changed SCRAM password works at once, and the old one no longer does.
    await admin.upsertScramUser('bob', 'bob-new-secret', 'SCRAM-SHA-512');
    assert.equal((await call(`${v3}/topics/orders`, 'GET', 'bob:bob-secret')).status, 401);
    assert.equal((await call(`${v3}/topics/orders`, 'GET', 'bob:bob-new-secret')).status, 200);
  });
});

test('a REST consumer instance reads as its user: the broker refuses a topic the user may not read, and others cannot use the instance', { timeout: 90_000 }, async () => {
  await withSecuredBroker(async (_b, admin, url) => {
    const alice = 'alice:alice-secret';
    for (const topic of ['orders', 'secret']) {
      const r = await call(`${url}/topics/${topic}`, 'POST', 'admin:admin-secret', { records: [{ value: `${topic}-1` }, { value: `${topic}-2` }] }, { 'content-type': 'application/vnd.kafka.json.v2+json' });
      assert.equal(r.status, 200, r.text);
    }
    // No group ACL: creating an instance is refused.
    assert.equal((await call(`${url}/consumers/alice-group`, 'POST', alice, { name: 'a1' }, { 'content-type': V2 })).status, 403);
    // alice may READ the group and orders, and only DESCRIBE secret (which lets her subscribe, as Metadata does, but not Fetch).
    await admin.createAcls([
      allow(GROUP, 'alice-group', 'User:alice', READ),
      allow(GROUP, 'alice-group-2', 'User:alice', READ),
      allow(TOPIC, 'orders', 'User:alice', READ),
      allow(TOPIC, 'secret', 'User:alice', DESCRIBE),
    ]);
    const base = `${url}/consumers/alice-group/instances/a1`;
    assert.equal((await call(`${url}/consumers/alice-group`, 'POST', alice, { name: 'a1', format: 'json', 'auto.offset.reset': 'earliest' }, { 'content-type': V2 })).status, 200);
    // Not alice's instance for anyone else.
    assert.equal((await call(`${base}/subscription`, 'GET', 'bob:bob-secret')).status, 404);
    assert.equal((await call(`${base}`, 'DELETE', 'admin:admin-secret')).status, 404);
    assert.equal((await call(`${base}/subscription`, 'POST', alice, { topics: ['orders'] }, { 'content-type': V2 })).status, 204);
    const values: unknown[] = [];
    const deadline = Date.now() + 30_000;
    while (values.length < 2 && Date.now() < deadline) {
      const r = await call(`${base}/records?timeout=500`, 'GET', alice, undefined, { accept: 'application/vnd.kafka.json.v2+json' });
      assert.equal(r.status, 200, r.text);
      values.push(...r.json.map((m: any) => m.value));
    }
    assert.deepEqual(values.sort(), ['orders-1', 'orders-2']);
    assert.equal((await call(`${base}`, 'DELETE', alice)).status, 204);

    // secret: subscribing passes the DESCRIBE check, but the broker refuses alice's fetch of it: each GET of
    // records is a 403 naming the topic (as Confluent's proxy answers the consumer's TopicAuthorizationException),
    // as soon as the refusal arrives: well within the GET's timeout, and never an empty 200.
    const base2 = `${url}/consumers/alice-group-2/instances/a2`;
    assert.equal((await call(`${url}/consumers/alice-group-2`, 'POST', alice, { name: 'a2', format: 'json', 'auto.offset.reset': 'earliest' }, { 'content-type': V2 })).status, 200);
    assert.equal((await call(`${base2}/subscription`, 'POST', alice, { topics: ['secret'] }, { 'content-type': V2 })).status, 204);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const r = await call(`${base2}/records?timeout=20000`, 'GET', alice, undefined, { accept: 'application/vnd.kafka.json.v2+json' });
      assert.equal(r.status, 403, `GET ${i}: ${r.text}`);
      assert.equal(r.json.error_code, 40301, r.text);
      assert.match(r.json.message, /Not authorized to access topics: \[secret\]/);
      assert.ok(Date.now() - started < 15_000, `GET ${i} answered after ${Date.now() - started} ms`);
    }
    // And without even DESCRIBE, subscribing is refused up front.
    assert.equal((await call(`${base2}/subscription`, 'POST', alice, { topics: ['new-topic'] }, { 'content-type': V2 })).status, 403);
    assert.equal((await call(`${base2}`, 'DELETE', alice)).status, 204);
  });
});
