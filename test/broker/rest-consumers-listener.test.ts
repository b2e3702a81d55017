// The loopback listener REST consumer instances log in through was opened with HTTP even when no
// instance was ever made; it now opens on the first creation (once for creations at once), a failed
// open answers 503 and is tried again by the next creation, and it closes with the broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { startBroker } from '../../src/broker/broker.js';
import { REST_CONSUMERS_LISTENER } from '../../src/broker/rest-consumers-listener.js';
import { createLogger } from '../../src/broker/logger.js';
import { Admin, Producer, stringSerde } from '../../src/index.js';
import { waitFor } from '../support/net.js';

const V2 = 'application/vnd.kafka.v2+json';

function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = request(url, { method, headers: { 'content-type': V2, 'content-length': Buffer.byteLength(text), ...headers } }, (res) => {
      let out = '';
      res.setEncoding('utf8').on('data', (d: string) => (out += d)).on('end', () => {
        let json: unknown = out;
        try {
          json = out === '' ? undefined : JSON.parse(out);
        } catch {
          // not JSON (/metrics): the text
        }
        resolve({ status: res.statusCode!, json });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

const restListeners = (broker: { listening(): Array<{ name: string; port: number }> }) => broker.listening().filter((l) => l.name === REST_CONSUMERS_LISTENER);

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('the REST consumers listener opens on the first instance creation, once for two at once, and closes with the broker', { timeout: 60_000 }, async () => {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, dataDir: ':memory:', logger: createLogger('silent') });
  let closed = false;
  const admin = new Admin({ bootstrap: broker.bootstrap });
  const producer = new Producer<string, string>({ bootstrap: broker.bootstrap, keySerializer: stringSerde, valueSerializer: stringSerde });
  try {
    const url = broker.httpUrl!;
    assert.deepEqual(broker.listening().map((l) => l.name), broker.listeners.map((l) => l.name), 'HTTP on, no consumer yet: only the configured listeners');
    assert.equal((await call(`${url}/metrics`, 'GET')).status, 200, '/metrics needs no REST listener');
    assert.equal(restListeners(broker).length, 0);

    const [a, b] = await Promise.all([
      call(`${url}/consumers/g`, 'POST', { name: 'a', format: 'string', 'auto.offset.reset': 'earliest' }),
      call(`${url}/consumers/g`, 'POST', { name: 'b', format: 'string', 'auto.offset.reset': 'earliest' }),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.json));
    assert.equal(b.status, 200, JSON.stringify(b.json));
    const rest = restListeners(broker);
    assert.equal(rest.length, 1, 'two creations at once share one opening');
    assert.equal((await call(`${url}/consumers/h`, 'POST', { name: 'c' })).status, 200);
    assert.equal(restListeners(broker).length, 1, 'a later creation reuses it');

    // Consuming works through it as before.
    await admin.createTopics([{ topic: 'lazy', partitions: 1 }]);
    await producer.send({ topic: 'lazy', messages: [{ key: 'k', value: 'v1' }] });
    assert.equal((await call(`${a.json.base_uri}/subscription`, 'POST', { topics: ['lazy'] })).status, 204);
    const got = await waitFor('the record through the REST instance', async () => {
      const r = await call(`${a.json.base_uri}/records?timeout=200`, 'GET');
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return (r.json as unknown[]).length > 0 ? r.json : undefined;
    }, { timeoutMs: 30_000 });
    assert.deepEqual(got.map((m: { value: string }) => m.value), ['v1']);

    await producer.close();
    await admin.close();
    await broker.close();
    closed = true;
    assert.deepEqual(broker.listening(), [], 'nothing listens after close');
    assert.equal(await accepts(rest[0]!.port), false, 'the REST consumers port is closed');
  } finally {
    if (!closed) {
      await producer.close().catch(() => undefined);
      await admin.close().catch(() => undefined);
      await broker.close();
    }
  }
});

test('a failed open of the REST consumers listener answers 503 and the next creation tries again', { timeout: 60_000 }, async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  let blocked = true;
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, dataDir: ':memory:', logger: createLogger('silent'), restConsumersPort: port });
  try {
    const url = broker.httpUrl!;
    const refused = await call(`${url}/consumers/g`, 'POST', { name: 'a' });
    assert.equal(refused.status, 503);
    assert.equal(refused.json.error_code, 50003);
    assert.match(refused.json.message, /listener for REST consumers: EADDRINUSE/);
    assert.equal(restListeners(broker).length, 0);

    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    blocked = false;
    const created = await call(`${url}/consumers/g`, 'POST', { name: 'a' });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.deepEqual(restListeners(broker).map((l) => l.port), [port], 'the failure was not kept: the second creation opened it');
  } finally {
    await broker.close();
    if (blocked) blocker.close();
  }
});
