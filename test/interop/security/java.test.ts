/**
 * The Java client (kafka-clients 4.4.0, test/interop/java's Maven project) over mTLS with PEM keystore and
 * truststore, SASL_PLAINTEXT with PLAIN and SASL_SSL with SCRAM-SHA-512: Admin creates a topic, a producer
 * writes, a group consumer reads it back; wrong credentials fail with SaslAuthenticationException.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { compileJava, javaSkip as skip } from '../java/toolchain.js';
import { startSecuredBroker, type SecuredBroker } from './users.js';

let sec: SecuredBroker;
let command: string[];

before(async () => {
  if (skip !== false) return;
  command = await compileJava('Secure');
  sec = await startSecuredBroker('java');
});

after(async () => {
  await sec?.close();
});

function secure(listener: 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL', topic: string, props: Record<string, string>): Promise<{ value?: string; error?: string; message?: string }> {
  const args = [...command.slice(1), sec.at(listener), topic, ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    execFile(command[0]!, args, { timeout: 120_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`${err.message}\n${errOut.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

/** Java's PEM truststore and keystore, given inline (ssl.truststore.certificates, ssl.keystore.key/certificate.chain). */
const trust = (): Record<string, string> => ({ 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': readFileSync(sec.pki.caCert, 'utf8') });
const scram = (password: string): Record<string, string> => ({
  'security.protocol': 'SASL_SSL', ...trust(), 'sasl.mechanism': 'SCRAM-SHA-512',
  'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${sec.scram.user}" password="${password}";`,
});
const plain = (password: string): Record<string, string> => ({
  'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN',
  'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${sec.plain.user}" password="${password}";`,
});

test('java over SASL_SSL with SCRAM-SHA-512 (PEM truststore)', { timeout: 300_000, skip }, async () => {
  assert.deepEqual(await secure('SASL_SSL', 'java-scram', scram(sec.scram.password)), { value: 'java secured hello' });
});

test('java over SASL_PLAINTEXT with PLAIN', { timeout: 180_000, skip }, async () => {
  assert.deepEqual(await secure('SASL_PLAINTEXT', 'java-plain', plain(sec.plain.password)), { value: 'java secured hello' });
});

test('java over mTLS (ssl.keystore.type=PEM with ssl.keystore.key and ssl.keystore.certificate.chain)', { timeout: 180_000, skip }, async () => {
  const res = await secure('SSL', 'java-mtls', {
    'security.protocol': 'SSL', ...trust(),
    'ssl.keystore.type': 'PEM', 'ssl.keystore.key': sec.clientCert.key, 'ssl.keystore.certificate.chain': sec.clientCert.cert,
  });
  assert.deepEqual(res, { value: 'java secured hello' });
});

test('java without a client certificate is refused by the mTLS listener', { timeout: 180_000, skip }, async () => {
  const res = await secure('SSL', 'java-no-cert', { 'security.protocol': 'SSL', ...trust() });
  assert.match(res.error ?? '', /SslAuthenticationException/, JSON.stringify(res));
});

test('java with wrong credentials fails with SaslAuthenticationException (SASL_AUTHENTICATION_FAILED)', { timeout: 180_000, skip }, async () => {
  for (const [listener, props] of [['SASL_SSL', scram('wrong')], ['SASL_PLAINTEXT', plain('wrong')]] as const) {
    const res = await secure(listener, `java-wrong-${listener}`, props);
    assert.equal(res.error, 'org.apache.kafka.common.errors.SaslAuthenticationException', JSON.stringify(res));
  }
});
