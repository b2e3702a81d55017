/** SASL over the wire: the connection state machine (SaslHandshake v0/v1, SaslAuthenticate), PLAIN, SCRAM, OAUTHBEARER, and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { saltedPassword } from '../../src/protocol/scram.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="x" user_alice="alice-secret" user_bob="bob-secret";';

function saslListeners(extra: Record<string, string | number> = {}) {
  return {
    'listeners': 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': JAAS,
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
    'connection.failed.authentication.delay.ms': 10,
    ...extra,
  };
}

function saslBootstrap(b: TestBroker): string {
  return b.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.bootstrap;
}

const plainToken = (user: string, password: string): Buffer => Buffer.from(`\u0000${user}\u0000${password}`);

test('PLAIN: handshake v1, authenticate, then requests are served; the principal is logged', { timeout: 20_000 }, async () => {
  const broker = await startTestBroker(saslListeners());
  try {
    const c = await WireClient.connect(saslBootstrap(broker));
    assert.equal((await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).errorCode, ErrorCode.NONE);
    const hs = await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, ErrorCode.NONE);
    assert.deepEqual(hs.mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']);
    const auth = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken('alice', 'alice-secret') });
    assert.equal(auth.errorCode, ErrorCode.NONE);
    assert.equal(auth.sessionLifetimeMs, 0n);
    const md = await c.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false });
    assert.equal(md.brokers[0].port, broker.listeners[1]!.port);
    // A second handshake after authentication (no re-authentication configured) is ILLEGAL_SASL_STATE.
    assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
    assert.ok(broker.logs.length >= 0);
    c.close();
  } finally {
    await broker.close();
  }
});

test('PLAIN: a wrong password answers SASL_AUTHENTICATION_FAILED, then the connection closes; the password is not logged', { timeout: 20_000 }, async () => {
  const broker = await startTestBroker(saslListeners());
  try {
    const c = await WireClient.connect(saslBootstrap(broker));
    await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const auth = await c.request(ApiKey.SaslAuthenticate, 1, { authBytes: plainToken('alice', 'wrong-password-123') });
    assert.equal(auth.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
    assert.match(auth.errorMessage, /Invalid username or password/);
    await c.closed;
    const failed = broker.logs.find((l) => l.msg === 'SASL authentication failed');
    assert.ok(failed, 'failure logged');
    assert.ok(!JSON.stringify(broker.logs).includes('wrong-password-123'));
  } finally {
    await broker.close();
  }
});

test('before authentication only ApiVersions and SASL are served: anything else closes with a log line', { timeout: 20_000 }, async () => {
  const broker = await startTestBroker(saslListeners());
  try {
    const c = await WireClient.connect(saslBootstrap(broker));
    await assert.rejects(c.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false }), /connection closed/);
    assert.ok(broker.logs.some((l) => l.reason === 'request before authentication' && typeof l.remote === 'string'));
    // SaslAuthenticate with no handshake: ILLEGAL_SASL_STATE then close.
    const d = await WireClient.connect(saslBootstrap(broker));
    assert.equal((await d.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken('alice', 'alice-secret') })).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
    await d.closed;
    // A disabled mechanism: UNSUPPORTED_SASL_MECHANISM with the enabled list, then close.
    const e = await WireClient.connect(saslBootstrap(broker));
    const hs = await e.request(ApiKey.SaslHandshake, 1, { mechanism: 'GSSAPI' });
    assert.equal(hs.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    assert.ok(hs.mechanisms.includes('PLAIN'));
    await e.closed;
    // SaslHandshake on a PLAINTEXT listener: ILLEGAL_SASL_STATE; the connection stays usable.
    const p = await WireClient.connect(broker.bootstrap);
    assert.equal((await p.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
    assert.equal((await p.request(ApiKey.ApiVersions, 0, {})).errorCode, ErrorCode.NONE);
    p.close();
    // A large frame before authentication is refused (sasl.server.max.receive.size).
    await new Promise<void>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: broker.listeners[1]!.port }, () => {
        const big = Buffer.alloc(4);
        big.writeInt32BE(600_000);
        s.write(big);
      });
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    assert.ok(broker.logs.some((l) => l.reason === 'bad frame' && /600000/.test(String(l.err))), 'pre-authentication size limit');
  } finally {
    await broker.close();
  }
});

test('SaslHandshake v0: the token travels as a bare frame and the answer comes back bare', { timeout: 20_000 }, async () => {
  const broker = await startTestBroker(saslListeners());
  try {
    const port = broker.listeners[1]!.port;
    const frames = await rawExchange(port, [
      frame(Buffer.concat([header(17, 0, 1), str('PLAIN')])),
      frame(plainToken('bob', 'bob-secret')),
      frame(Buffer.concat([header(18, 0, 2)])),
    ], 3);
    assert.equal(frames[0]!.readInt32BE(0), 1); // correlation id
    assert.equal(frames[0]!.readInt16BE(4), ErrorCode.NONE);
    assert.equal(frames[1]!.length, 0); // PLAIN's empty answer, unframed
    assert.equal(frames[2]!.readInt32BE(0), 2); // ApiVersions served: authenticated
    // A bad v0 token: the connection just closes (v0 has no error field).
    const bad = await rawExchange(port, [frame(Buffer.concat([header(17, 0, 1), str('PLAIN')])), frame(plainToken('bob', 'nope'))], 2);
    assert.equal(bad.length, 1);
  } finally {
    await broker.close();
  }
});

test('SCRAM-SHA-256 and -512: credentials set by AlterUserScramCredentials, a full exchange, wrong proof and nonce fail, salted only on disk', { timeout: 30_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-scram-'));
  try {
    let broker = await startTestBroker(saslListeners(), dataDir);
    const admin = await WireClient.connect(broker.bootstrap);
    const upsertions = (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).map((m, i) => {
      const salt = randomBytes(16);
      return { name: 'carol', mechanism: i + 1, iterations: 4096, salt, saltedPassword: saltedPassword(m, 'carol-pw', salt, 4096) };
    });
    const alter = await admin.request(ApiKey.AlterUserScramCredentials, 0, { deletions: [], upsertions });
    assert.deepEqual(alter.results.map((r: any) => [r.user, r.errorCode]), [['carol', ErrorCode.NONE]]);
    const bad = await admin.request(ApiKey.AlterUserScramCredentials, 0, { deletions: [{ name: 'nobody', mechanism: 1 }], upsertions: [{ name: 'dave', mechanism: 2, iterations: 10, salt: Buffer.from('s'), saltedPassword: Buffer.from('p') }] });
    assert.deepEqual(bad.results.map((r: any) => [r.user, r.errorCode]), [['nobody', ErrorCode.RESOURCE_NOT_FOUND], ['dave', ErrorCode.UNACCEPTABLE_CREDENTIAL]]);
    const described = await admin.request(ApiKey.DescribeUserScramCredentials, 0, { users: null });
    assert.deepEqual(described.results.map((r: any) => [r.user, r.credentialInfos.map((c: any) => [c.mechanism, c.iterations])]), [['carol', [[1, 4096], [2, 4096]]]]);
    admin.close();
    await broker.close();
    // Restart: the credentials were persisted, salted.
    const files = readdirSync(join(dataDir, '~security'));
    assert.ok(files.includes('scram-credentials.json'));
    const onDisk = readFileSync(join(dataDir, '~security', 'scram-credentials.json'), 'utf8');
    assert.ok(!onDisk.includes('carol-pw'));
    broker = await startTestBroker(saslListeners(), dataDir);
    try {
      for (const mech of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
        const c = await WireClient.connect(saslBootstrap(broker));
        await scramLogin(c, mech, 'carol', 'carol-pw');
        assert.equal((await c.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false })).errorCode, ErrorCode.NONE);
        c.close();
      }
      const wrong = await WireClient.connect(saslBootstrap(broker));
      await assert.rejects(scramLogin(wrong, 'SCRAM-SHA-512', 'carol', 'not-her-password'), /SASL_AUTHENTICATION_FAILED|code 58/);
      const unknown = await WireClient.connect(saslBootstrap(broker));
      await assert.rejects(scramLogin(unknown, 'SCRAM-SHA-512', 'nobody', 'x'), /code 58/);
      const nonce = await WireClient.connect(saslBootstrap(broker));
      await assert.rejects(scramLogin(nonce, 'SCRAM-SHA-256', 'carol', 'carol-pw', { tamperNonce: true }), /code 58/);
      const garbage = await WireClient.connect(saslBootstrap(broker));
      await garbage.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
      assert.equal((await garbage.request(ApiKey.SaslAuthenticate, 2, { authBytes: randomBytes(64) })).errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
      await garbage.closed;
    } finally {
      await broker.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('OAUTHBEARER with the unsecured validator: a valid unsigned token authenticates; expired, signed or malformed ones fail', { timeout: 20_000 }, async () => {
  const broker = await startTestBroker(saslListeners());
  try {
    const jwt = (claims: object, alg = 'none') => `${b64({ alg })}.${b64(claims)}.`;
    const now = Math.floor(Date.now() / 1000);
    // A token the validator refuses is answered as Kafka's OAuthBearerSaslServer does (RFC 7628 3.2.2):
    // errorCode NONE with the JSON error status as the server's challenge; the client's `\x01` then
    // gets SASL_AUTHENTICATION_FAILED whose message is that status.
    const login = async (token: string) => {
      const c = await WireClient.connect(saslBootstrap(broker));
      try {
        await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'OAUTHBEARER' });
        const res = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`n,,\u0001auth=Bearer ${token}\u0001\u0001`) });
        if (res.errorCode !== ErrorCode.NONE || res.authBytes.length === 0) return { code: res.errorCode as number, challenge: '', message: res.errorMessage as string | null };
        const challenge = res.authBytes.toString();
        const fin = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from([1]) });
        return { code: fin.errorCode as number, challenge, message: fin.errorMessage as string | null };
      } finally {
        c.close();
      }
    };
    assert.deepEqual(await login(jwt({ sub: 'erin', iat: now, exp: now + 60 })), { code: ErrorCode.NONE, challenge: '', message: null });
    const refused = { code: ErrorCode.SASL_AUTHENTICATION_FAILED, challenge: '{"status":"invalid_token"}', message: '{"status":"invalid_token"}' };
    assert.deepEqual(await login(jwt({ sub: 'erin', exp: now - 60 })), refused);
    assert.deepEqual(await login(jwt({ sub: 'erin', exp: now + 60 }, 'HS256')), refused);
    assert.deepEqual(await login(jwt({ exp: now + 60 })), refused);
    assert.deepEqual(await login('not.a-json.token'), refused);
    // A malformed client message is not a token to judge: it fails at once.
    const c = await WireClient.connect(saslBootstrap(broker));
    try {
      await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'OAUTHBEARER' });
      const bad = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('n,,auth=Bearer x') });
      assert.equal(bad.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
      assert.equal(bad.authBytes.length, 0);
    } finally {
      c.close();
    }
    assert.ok(broker.logs.some((l) => l.msg === 'SASL authentication failed' && l.detail === 'token expired'));
  } finally {
    await broker.close();
  }
});

test('connections.max.reauth.ms: the session lifetime is told to the client and an expired session is closed', { timeout: 20_000 }, async () => {
  const broker = await startTestBroker(saslListeners({ 'connections.max.reauth.ms': 300 }));
  try {
    const c = await WireClient.connect(saslBootstrap(broker));
    await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const auth = await c.request(ApiKey.SaslAuthenticate, 1, { authBytes: plainToken('alice', 'alice-secret') });
    assert.equal(auth.sessionLifetimeMs, 300n);
    // Re-authentication within the lifetime: same principal, new lifetime.
    assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
    assert.equal((await c.request(ApiKey.SaslAuthenticate, 1, { authBytes: plainToken('alice', 'alice-secret') })).errorCode, ErrorCode.NONE);
    await new Promise((r) => setTimeout(r, 400));
    await assert.rejects(c.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false }), /connection closed/);
    assert.ok(broker.logs.some((l) => l.reason === 'SASL session expired'));
  } finally {
    await broker.close();
  }
});

function b64(o: object): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}

/** A SCRAM client exchange over SaslAuthenticate v2; rejects with the error code. */
async function scramLogin(c: WireClient, mech: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', user: string, password: string, opts: { tamperNonce?: boolean } = {}): Promise<void> {
  const hash = mech === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  assert.equal((await c.request(ApiKey.SaslHandshake, 1, { mechanism: mech })).errorCode, ErrorCode.NONE);
  const cnonce = randomBytes(18).toString('base64');
  const clientFirstBare = `n=${user},r=${cnonce}`;
  const first = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`n,,${clientFirstBare}`) });
  if (first.errorCode !== ErrorCode.NONE) throw new Error(`code ${first.errorCode} SASL_AUTHENTICATION_FAILED`);
  const serverFirst = first.authBytes.toString();
  const attrs = Object.fromEntries(serverFirst.split(',').map((kv: string) => [kv[0], kv.slice(2)]));
  assert.ok(attrs.r.startsWith(cnonce));
  const salted = saltedPassword(mech, password, Buffer.from(attrs.s, 'base64'), Number(attrs.i));
  const nonce = opts.tamperNonce ? `${attrs.r}x` : attrs.r;
  const withoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const sig = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!));
  const final = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`${withoutProof},p=${proof.toString('base64')}`) });
  if (final.errorCode !== ErrorCode.NONE) throw new Error(`code ${final.errorCode} SASL_AUTHENTICATION_FAILED`);
  const serverKey = createHmac(hash, salted).update('Server Key').digest();
  assert.equal(final.authBytes.toString(), `v=${createHmac(hash, serverKey).update(authMessage).digest('base64')}`);
}

function header(apiKey: number, version: number, correlationId: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, ApiKey.Produce);
  b.writeInt16BE(version, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8); // null client id
  return b;
}

function str(s: string): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(s));
  b.writeInt16BE(Buffer.byteLength(s), 0);
  b.write(s, 2);
  return b;
}

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Sends frames one at a time, each after the previous answer; returns the answers' payloads until `count` or the close. */
async function rawExchange(port: number, frames: Buffer[], count: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    let buf = Buffer.alloc(0);
    let next = 0;
    const s = connect({ host: '127.0.0.1', port }, () => s.write(frames[next++]!));
    s.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        out.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
        buf = buf.subarray(4 + buf.readInt32BE(0));
        if (out.length >= count) {
          s.destroy();
          resolve(out);
          return;
        }
        if (next < frames.length) s.write(frames[next++]!);
      }
    });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
  });
}
