/**
 * The same crafted requests (generated codecs, tests' WireClient) to minikafka and to Apache Kafka
 * 4.x (one KRaft node from bench/kafka/apache-kafka.ts), decoded responses compared field by field.
 * Kafka comes from the Maven cache (bench/kafka/.cache), resolved here when java and mvn exist;
 * otherwise the test is skipped with the reason. MINIKAFKA_COMPAT_KAFKA=skip skips it on purpose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startBroker } from '../../../src/broker/broker.js';
import { createLogger } from '../../../src/broker/logger.js';
import { kafkaUnavailable, resolveKafka, startKafka } from '../../../bench/kafka/apache-kafka.js';
import { WireClient } from '../../broker/wire-client.js';
import { differences, type Difference } from './compare.js';
import { scenarios } from './scenarios.js';
import { intended, intendedExtraApis } from './intended.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const why = process.env.MINIKAFKA_COMPAT_KAFKA === 'skip' ? 'MINIKAFKA_COMPAT_KAFKA=skip' : await kafkaUnavailable();
if (why) process.stdout.write(`# compat/kafka skipped: ${why}\n`);

/**
 * Errors a client retries: LEADER_NOT_AVAILABLE and NOT_LEADER_OR_FOLLOWER (a new topic's partitions
 * on Kafka, for a moment after its Metadata lists their leaders), COORDINATOR_LOAD_IN_PROGRESS and
 * COORDINATOR_NOT_AVAILABLE (Kafka creates __consumer_offsets on the first FindCoordinator).
 */
const retriable = new Set([5, 6, 14, 15]);

function hasRetriable(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRetriable);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => (k === 'errorCode' && retriable.has(v as number)) || hasRetriable(v));
  }
  return false;
}

interface Versions {
  [apiKey: number]: { min: number; max: number };
}

async function versions(client: WireClient): Promise<Versions> {
  const r = await client.request<{ errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] }>(ApiKey.ApiVersions, 3, { clientSoftwareName: 'compat', clientSoftwareVersion: '1' });
  assert.equal(r.errorCode, ErrorCode.NONE);
  return Object.fromEntries(r.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
}

test('the same requests to minikafka and Apache Kafka get the same answers (but for intended differences)', { timeout: 600_000, skip: why ?? false }, async (t) => {
  const t0 = Date.now();
  const resolved = await resolveKafka();
  const kafka = await startKafka({ nodes: 1, heapMb: 512, config: { 'offsets.topic.num.partitions': 1, 'transaction.state.log.num.partitions': 1 } });
  t.diagnostic(`Kafka ${resolved.version}: resolved in ${resolved.resolveMs} ms, started in ${kafka.startMs} ms (${Date.now() - t0} ms in all, format included)`);
  const ours = await startBroker({ host: '127.0.0.1', port: 0, config: {}, logger: createLogger('warn', () => {}) });
  const mk = await WireClient.connect(ours.bootstrap);
  const kc = await WireClient.connect(kafka.bootstrap);
  try {
    const vm = await versions(mk);
    const vk = await versions(kc);
    const beyond = Object.entries(vm).filter(([key, r]) => !intendedExtraApis.has(Number(key)) && (vk[Number(key)] === undefined || r.max > vk[Number(key)]!.max));
    assert.deepEqual(beyond, [], 'minikafka advertises a version Kafka does not have');
    const v = (key: number): number => Math.min(vm[key]!.max, vk[key]!.max);
    const all: Difference[] = [];
    for (const s of scenarios) {
      const answer = async (client: WireClient): Promise<unknown> => {
        for (let attempt = 0; ; attempt++) {
          const r = await s.run({ request: (key, version, body) => client.request(key, version, body), v });
          const settled = s.until ? s.until(r) : !hasRetriable(r);
          if (settled) return r;
          if (attempt >= 100) {
            if (s.until) assert.fail(`${s.name}: not settled after ${attempt} attempts: ${JSON.stringify(r, (_, x) => (typeof x === 'bigint' ? String(x) : x))}`);
            return r;
          }
          await new Promise((res) => setTimeout(res, 100));
        }
      };
      const [ofMinikafka, ofKafka] = [await answer(mk), await answer(kc)];
      if (!s.until) all.push(...differences(s.name, ofMinikafka, ofKafka));
    }
    const unexpected = all.filter((d) => !intended.some((i) => i.scenario.test(d.scenario) && i.path.test(d.path)));
    const show = (d: Difference): string => `${d.scenario} ${d.path}: minikafka ${JSON.stringify(d.minikafka)} / Kafka ${JSON.stringify(d.kafka)}`;
    if (process.env.MINIKAFKA_COMPAT_OUT) writeFileSync(process.env.MINIKAFKA_COMPAT_OUT, `${all.map(show).join('\n')}\n`);
    t.diagnostic(`${scenarios.length} scenarios, ${all.length} differences, ${all.length - unexpected.length} intended`);
    assert.deepEqual(unexpected.map(show), []);
  } finally {
    mk.close();
    kc.close();
    await ours.close();
    await kafka.stop();
  }
});
