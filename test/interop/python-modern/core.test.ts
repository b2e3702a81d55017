/**
 * confluent-kafka 2.x (PyPI wheel, its own librdkafka) and aiokafka against the broker, from the
 * project-local virtualenv .venv-interop that test/interop/python-modern/setup-venv.sh creates
 * (.ci/run calls it). Without that venv these tests skip and say why.
 */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { groupFailover, produceAndReadBack, withBroker, type ClientProgram } from '../modern-clients/scenario.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const python = `${root}.venv-interop/bin/python`;
const dir = `${root}test/interop/python-modern/`;
const has = (mod: string) => spawnSync(python, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
const why = (mod: string) => (has(mod) ? false : `${mod} not in ${python}: run test/interop/python-modern/setup-venv.sh`);

const confluent: ClientProgram = { name: 'confluent-py', command: [python, `${dir}confluent_client.py`], env: { PYTHONUNBUFFERED: '1' } };
const aiokafka: ClientProgram = { name: 'aiokafka', command: [python, `${dir}aiokafka_client.py`], env: { PYTHONUNBUFFERED: '1' } };
const skipConfluent = why('confluent_kafka');
const skipAiokafka = why('aiokafka');

test('confluent-kafka (PyPI): AdminClient creates a topic; keyed produce with headers reads back byte for byte; murmur2_random placement', { timeout: 180_000, skip: skipConfluent }, async () => {
  await withBroker((broker) => produceAndReadBack(confluent, broker));
});

for (const protocol of ['classic', 'consumer'] as const) {
  test(`confluent-kafka (PyPI): group.protocol=${protocol}: three members split, a SIGKILLed member's partitions fail over, a new member resumes at the committed offsets`, { timeout: 240_000, skip: skipConfluent }, async () => {
    await withBroker((broker) => groupFailover(confluent, broker, protocol));
  });
}

test('aiokafka: admin creates a topic; keyed produce with headers reads back byte for byte; murmur2 placement', { timeout: 180_000, skip: skipAiokafka }, async () => {
  await withBroker((broker) => produceAndReadBack(aiokafka, broker));
});

test('aiokafka: classic group: three members split, a SIGKILLed member\'s partitions fail over, a new member resumes at the committed offsets', { timeout: 240_000, skip: skipAiokafka }, async () => {
  await withBroker((broker) => groupFailover(aiokafka, broker, 'classic'));
});
