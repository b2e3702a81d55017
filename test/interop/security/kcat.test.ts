/** kcat (librdkafka) over mTLS, SASL_PLAINTEXT with PLAIN and SASL_SSL with SCRAM-SHA-512: produce a message, consume it back; wrong credentials fail with the broker's SASL authentication error. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { startSecuredBroker, type SecuredBroker } from './users.js';

const skip = spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0 ? false : 'kcat not installed (apt-get install kcat)';
let sec: SecuredBroker;

before(async () => {
  if (skip === false) sec = await startSecuredBroker('kcat');
});

after(async () => {
  await sec?.close();
});

function kcat(args: string[], input?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile('kcat', args, { timeout: 60_000 }, (err, out, errOut) => resolve({ code: err ? Number(err.code ?? 1) : 0, out, err: errOut }));
    child.stdin!.end(input ?? '');
  });
}

type Mode = 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
function settings(mode: Mode, password?: string): string[] {
  const x = (...kv: string[]) => kv.flatMap((s) => ['-X', s]);
  if (mode === 'SSL') return x('security.protocol=SSL', `ssl.ca.location=${sec.pki.caCert}`, `ssl.certificate.location=${sec.clientCert.certPath}`, `ssl.key.location=${sec.clientCert.keyPath}`);
  if (mode === 'SASL_PLAINTEXT') return x('security.protocol=SASL_PLAINTEXT', 'sasl.mechanisms=PLAIN', `sasl.username=${sec.plain.user}`, `sasl.password=${password ?? sec.plain.password}`);
  return x('security.protocol=SASL_SSL', `ssl.ca.location=${sec.pki.caCert}`, 'sasl.mechanisms=SCRAM-SHA-512', `sasl.username=${sec.scram.user}`, `sasl.password=${password ?? sec.scram.password}`);
}

for (const mode of ['SASL_SSL', 'SASL_PLAINTEXT', 'SSL'] as const) {
  test(`kcat over ${mode === 'SSL' ? 'mTLS' : mode}: produce, then consume from the beginning`, { timeout: 90_000, skip }, async () => {
    const topic = `kcat-${mode.toLowerCase()}`;
    const bootstrap = ['-b', sec.at(mode), ...settings(mode)];
    const produced = await kcat([...bootstrap, '-t', topic, '-P', '-K', ':'], `k:kcat over ${mode}\n`);
    assert.equal(produced.code, 0, produced.err);
    const consumed = await kcat([...bootstrap, '-t', topic, '-C', '-o', 'beginning', '-c', '1', '-e', '-f', '%k=%s\n']);
    assert.equal(consumed.code, 0, consumed.err);
    assert.equal(consumed.out, `k=kcat over ${mode}\n`);
  });
}

test('kcat with wrong credentials fails with the SASL authentication error', { timeout: 60_000, skip }, async () => {
  for (const mode of ['SASL_SSL', 'SASL_PLAINTEXT'] as const) {
    const res = await kcat(['-b', sec.at(mode), ...settings(mode, 'wrong'), '-L', '-m', '5']);
    assert.notEqual(res.code, 0);
    assert.match(res.err, /SASL authentication error: Authentication failed/, res.err.slice(-1000));
  }
});
