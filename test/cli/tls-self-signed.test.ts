/** `minikafka start --tls-self-signed`: a development CA and broker certificate in the data dir, an SSL listener beside PLAINTEXT, and the trust hint on stderr. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBroker } from '../support/broker-process.js';
import { Admin } from '../../src/client/index.js';

test('--tls-self-signed serves SSL with a certificate clients can trust from the data dir', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-selfsigned-'));
  try {
    const broker = await spawnBroker({ dataDir, args: ['--no-http', '--tls-self-signed'] });
    try {
      const ca = join(dataDir, '~security', 'tls', 'ca.crt');
      assert.ok(existsSync(ca));
      const listening = broker.logs.map((l) => JSON.parse(l) as { msg?: string; listeners?: string[] }).find((l) => l.msg === 'listening')!;
      const ssl = listening.listeners!.find((l) => l.startsWith('SSL://'))!;
      const bootstrap = ssl.slice('SSL://'.length);
      const admin = new Admin({ bootstrap, retries: 1, ssl: { ca: readFileSync(ca) } });
      await admin.createTopics([{ topic: 'over-tls', partitions: 1 }]);
      assert.deepEqual(await admin.listTopics(), ['over-tls']);
      await admin.close();
      assert.match(broker.stderr(), /clients trust .*ca\.crt/);
    } finally {
      await broker.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
