/**
 * The `security` phase: our client's produce and group-consume throughput against one minikafka over
 * PLAINTEXT, SSL and SASL_SSL (SCRAM-SHA-512), the same load on each listener of one broker process
 * (certificates from `--tls-self-signed`). Cost of TLS and SASL, beside plaintext.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnBroker } from '../test/support/broker-process.js';
import { Admin, type ClientOptions } from '../src/client/index.js';
import { clientRun } from './client.js';
import { progress } from './lib.js';
import type { Row } from './report.js';

const COUNT = 160_000;
const PARTITIONS = 8;

export async function securityPhase(scratch: string, rows: Row[]): Promise<void> {
  const dataDir = join(scratch, 'security');
  const broker = await spawnBroker({
    dataDir,
    args: ['--no-http', '--tls-self-signed'],
    config: { 'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0', 'sasl.enabled.mechanisms': 'SCRAM-SHA-512' },
  });
  try {
    const listening = broker.logs.map((l) => JSON.parse(l) as { msg?: string; listeners?: string[] }).find((l) => l.msg === 'listening')!;
    const at = (name: string): string => listening.listeners!.find((l) => l.startsWith(`${name}://`))!.slice(name.length + 3);
    const ca = readFileSync(join(dataDir, '~security', 'tls', 'ca.crt'));
    const admin = new Admin({ bootstrap: at('PLAINTEXT') });
    await admin.upsertScramUser('bench', 'bench-password');
    const modes: [string, string, Pick<ClientOptions, 'ssl' | 'sasl'>][] = [
      ['PLAINTEXT', at('PLAINTEXT'), {}],
      ['SSL', at('SSL'), { ssl: { ca } }],
      ['SASL_SSL', at('SASL_SSL'), { ssl: { ca }, sasl: { mechanism: 'scram-sha-512', username: 'bench', password: 'bench-password' } }],
    ];
    await admin.createTopics([{ topic: 'sec-warm', partitions: PARTITIONS }]);
    await clientRun(at('PLAINTEXT'), 'sec-warm', PARTITIONS, 40_000);
    for (const [name, bootstrap, security] of modes) {
      const topic = `sec-${name.toLowerCase()}`;
      await admin.createTopics([{ topic, partitions: PARTITIONS }]);
      const m = await clientRun(bootstrap, topic, PARTITIONS, COUNT, 120_000, security);
      progress(`security ${name}: produce ${m.produceMsgsPerSec.toFixed(0)}, consume ${m.consumeMsgsPerSec.toFixed(0)} msgs/s`);
      const note = name === 'PLAINTEXT' ? `our client, ${COUNT.toLocaleString('en')} x 100 B over ${PARTITIONS} partitions, acks=1, one broker process with three listeners; after an untimed warm-up` : undefined;
      rows.push({ section: 'security', name: `our client produce over ${name}`, unit: 'msgs/s', minikafka: m.produceMsgsPerSec, higherIsBetter: true, ...(note ? { note } : {}) });
      rows.push({ section: 'security', name: `our client consume over ${name}`, unit: 'msgs/s', minikafka: m.consumeMsgsPerSec, higherIsBetter: true });
    }
    await admin.close();
  } finally {
    await broker.stop();
  }
}
