/** TLS listeners: named listeners with their security protocols, Metadata per listener, mTLS principals, bad input on each port. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { readFileSync } from 'node:fs';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { makeTestPki, type TestPki } from './certs.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

let pki: TestPki;
before(() => {
  pki = makeTestPki();
});
after(() => pki.remove());

function listener(b: TestBroker, name: string) {
  const l = b.listeners.find((x) => x.name === name);
  assert.ok(l, `listener ${name}`);
  return l;
}

test('PLAINTEXT and SSL listeners side by side; Metadata names the listener the client came through', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
    'advertised.listeners': 'SSL://localhost:0',
    'ssl.keystore.location': pki.brokerKeystore,
  });
  try {
    const plain = await WireClient.connect(listener(broker, 'PLAINTEXT').bootstrap);
    const ssl = await WireClient.connect(`127.0.0.1:${listener(broker, 'SSL').port}`, { tls: { ca: readFileSync(pki.caCert), servername: 'localhost' } });
    const viaPlain = await plain.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false });
    const viaSsl = await ssl.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false });
    assert.deepEqual(viaPlain.brokers.map((b: any) => [b.host, b.port]), [['127.0.0.1', listener(broker, 'PLAINTEXT').port]]);
    // advertised.listeners for SSL says localhost:0, and that is what its clients are told.
    assert.deepEqual(viaSsl.brokers.map((b: any) => [b.host, b.port]), [['localhost', 0]]);
    const cluster = await ssl.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
    assert.equal(cluster.brokers[0].host, 'localhost');
    plain.close();
    ssl.close();
  } finally {
    await broker.close();
  }
});

test('ssl.client.auth=required: a trusted client certificate connects, none or an untrusted one is refused', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({
    'listeners': 'SSL://127.0.0.1:0',
    'ssl.keystore.key': readFileSync(pki.brokerKey, 'utf8'),
    'ssl.keystore.certificate.chain': readFileSync(pki.brokerCert, 'utf8'),
    'ssl.truststore.location': pki.caCert,
    'ssl.client.auth': 'required',
  });
  const ca = readFileSync(pki.caCert);
  try {
    const alice = pki.client('/O=acme/OU=eng/CN=alice');
    const c = await WireClient.connect(broker.bootstrap, { tls: { ca, servername: 'localhost', key: alice.key, cert: alice.cert } });
    const res = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
    assert.equal(res.errorCode, ErrorCode.NONE);
    c.close();
    // No certificate: the handshake fails (TLS 1.3 reports it after the handshake, as a close).
    const refused = async (opts: object): Promise<void> => {
      await new Promise<void>((resolve) => {
        const s = connectTls({ host: '127.0.0.1', port: broker.port, ca, servername: 'localhost', ...opts }, () => {
          s.write(Buffer.from([0, 0, 0, 1, 0]));
        });
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.on('data', () => assert.fail('no data expected'));
      });
    };
    await refused({});
    const stranger = pki.foreign('/CN=mallory');
    await refused({ key: stranger.key, cert: stranger.cert });
    await waitFor(() => broker.logs.some((l) => l.msg === 'TLS handshake failed'));
  } finally {
    await broker.close();
  }
});

test('plaintext bytes on the TLS port and TLS bytes on the plaintext port: a logged close, the broker carries on', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
  });
  try {
    const ssl = listener(broker, 'SSL');
    const plain = listener(broker, 'PLAINTEXT');
    // A Kafka ApiVersions request in clear on the TLS port.
    await sendAndWaitClose(ssl.port, Buffer.from('0000001200120003000000010006636c69656e7400', 'hex'));
    // A TLS ClientHello on the plaintext port: its first 4 bytes read as a huge frame size.
    await new Promise<void>((resolve) => {
      const tls = connectTls({ host: '127.0.0.1', port: plain.port, servername: 'localhost', rejectUnauthorized: false });
      tls.on('error', () => resolve());
      tls.on('close', () => resolve());
    });
    await waitFor(() => broker.logs.some((l) => l.msg === 'TLS handshake failed') && broker.logs.some((l) => l.reason === 'bad frame'));
    const c = await WireClient.connect(plain.bootstrap);
    assert.equal((await c.request(ApiKey.ApiVersions, 0, {})).errorCode, ErrorCode.NONE);
    c.close();
  } finally {
    await broker.close();
  }
});

test('a TLS listener without a keystore is a configuration error at start', async () => {
  await assert.rejects(startTestBroker({ 'listeners': 'SSL://127.0.0.1:0' }), /ssl\.keystore\.location/);
  await assert.rejects(startTestBroker({ 'listeners': 'FOO://127.0.0.1:0' }), /listener\.security\.protocol\.map/);
  await assert.rejects(startTestBroker({ 'listeners': 'SSL://127.0.0.1:0', 'ssl.keystore.location': '/nonexistent/x.pem' }), /cannot read/);
});

async function sendAndWaitClose(port: number, bytes: Buffer): Promise<void> {
  await new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    s.on('error', () => resolve());
    s.on('close', () => resolve());
  });
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
