/**
 * franz-go (kgo v1.22.3, test/interop/franz-go's "secure" mode) over mTLS, SASL_PLAINTEXT with PLAIN and
 * SASL_SSL with SCRAM-SHA-512: kadm creates a topic, kgo produces and reads it back in a group; wrong
 * credentials fail with SASL_AUTHENTICATION_FAILED. (franz-go's own TestSCRAMAuth covers SCRAM-SHA-256
 * over SASL_PLAINTEXT in test/compat/franz-go.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { buildGo, goSkip as skip } from '../modern-clients/go-build.js';
import { startSecuredBroker, type SecuredBroker } from './users.js';

let sec: SecuredBroker;
let binary: string;

before(async () => {
  if (skip !== false) return;
  binary = await buildGo('franz-go');
  sec = await startSecuredBroker('franz');
});

after(async () => {
  await sec?.close();
});

function secure(listener: 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL', topic: string, config: Record<string, string>): Promise<{ value?: string; error?: string; kerr?: string }> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['secure', sec.at(listener), topic, JSON.stringify(config)], { timeout: 90_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`${err.message}\n${errOut.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

test('franz-go over SASL_SSL with SCRAM-SHA-512', { timeout: 600_000, skip }, async () => {
  const res = await secure('SASL_SSL', 'franz-scram', { ca: sec.pki.caCert, mechanism: 'SCRAM-SHA-512', user: sec.scram.user, password: sec.scram.password });
  assert.deepEqual(res, { value: 'franz-go secured hello' });
});

test('franz-go over SASL_PLAINTEXT with PLAIN', { timeout: 120_000, skip }, async () => {
  const res = await secure('SASL_PLAINTEXT', 'franz-plain', { mechanism: 'PLAIN', user: sec.plain.user, password: sec.plain.password });
  assert.deepEqual(res, { value: 'franz-go secured hello' });
});

test('franz-go over mTLS', { timeout: 120_000, skip }, async () => {
  const res = await secure('SSL', 'franz-mtls', { ca: sec.pki.caCert, cert: sec.clientCert.certPath, key: sec.clientCert.keyPath });
  assert.deepEqual(res, { value: 'franz-go secured hello' });
});

test('franz-go with wrong credentials fails with SASL_AUTHENTICATION_FAILED', { timeout: 120_000, skip }, async () => {
  for (const [listener, config] of [
    ['SASL_SSL', { ca: sec.pki.caCert, mechanism: 'SCRAM-SHA-512', user: sec.scram.user, password: 'wrong' }],
    ['SASL_PLAINTEXT', { mechanism: 'PLAIN', user: sec.plain.user, password: 'wrong' }],
  ] as const) {
    const res = await secure(listener, `franz-wrong-${listener}`, config);
    assert.equal(res.kerr, 'SASL_AUTHENTICATION_FAILED', JSON.stringify(res));
  }
});
