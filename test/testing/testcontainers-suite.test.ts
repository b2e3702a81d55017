// The Kafka module tests of testcontainers-node (packages/modules/kafka: "should connect", "should
// connect with custom network", "should be reusable", and its assertMessageProducedAndConsumed helper,
// KafkaJS against getHost():getMappedPort(9093)), rewritten for node:test with only the import changed
// to minikafka/testing. "should connect with SASL" uses a keystore made at test time by openssl (the
// module ships its own test-certs); the GenericContainer CLI case needs Docker itself. testcontainers documents a 180 s start-up timeout for these containers; each start
// here is printed.
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { KafkaContainer, type SaslSslListenerOptions, type StartedKafkaContainer } from '../../src/testing/index.js';
import { makeTestPki } from '../security/certs.js';

const IMAGE = 'confluentinc/cp-kafka:7.9.0';

async function assertMessageProducedAndConsumed(container: StartedKafkaContainer, additionalConfig: Partial<KafkaConfig> = {}): Promise<void> {
  const brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
  const kafka = new Kafka({ logLevel: logLevel.NOTHING, brokers, ...additionalConfig });
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: 'test-group' });
  await consumer.connect();
  await producer.send({ topic: 'test-topic', messages: [{ value: 'test message' }] });
  await consumer.subscribe({ topic: 'test-topic', fromBeginning: true });
  const consumed = await new Promise((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString()) }));
  assert.equal(consumed, 'test message');
  await consumer.disconnect();
  await producer.disconnect();
}

const timedStart = async (c: KafkaContainer): Promise<StartedKafkaContainer> => {
  const t0 = performance.now();
  const started = await c.start();
  process.stdout.write(`# container start: ${(performance.now() - t0).toFixed(1)} ms\n`);
  return started;
};

describe('KafkaContainer (testcontainers-node Kafka module tests)', { timeout: 240_000 }, () => {
  it('should connect', async () => {
    const kafkaContainer = await timedStart(new KafkaContainer(IMAGE));
    await assertMessageProducedAndConsumed(kafkaContainer);
    await kafkaContainer.stop();
  });

  it('should connect with custom network', async () => {
    const network = { name: 'a network object from testcontainers' };
    const kafkaContainer = await timedStart(new KafkaContainer(IMAGE).withNetwork(network));
    await assertMessageProducedAndConsumed(kafkaContainer);
    await kafkaContainer.stop();
  });

  it('should connect with SASL', async () => {
    const pki = makeTestPki();
    try {
      const pfx = join(pki.dir, 'kafka.server.keystore.pfx');
      execFileSync('openssl', ['pkcs12', '-export', '-in', pki.brokerCert, '-inkey', pki.brokerKey, '-certfile', pki.caCert, '-out', pfx, '-passout', 'pass:serverKeystorePassword'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const saslConfig: SaslSslListenerOptions = {
        port: 9096,
        sasl: { mechanism: 'SCRAM-SHA-512', user: { name: 'app-user', password: 'userPassword' } },
        keystore: { content: readFileSync(pfx), passphrase: 'serverKeystorePassword' },
      };
      const container = await timedStart(new KafkaContainer(IMAGE).withSaslSslListener(saslConfig));
      try {
        await assertMessageProducedAndConsumed(container, {
          brokers: [`${container.getHost()}:${container.getMappedPort(9096)}`],
          sasl: { username: 'app-user', password: 'userPassword', mechanism: 'scram-sha-512' },
          ssl: { ca: [readFileSync(pki.caCert)] },
        });
        // A wrong password is refused, as by Kafka.
        await assert.rejects(assertMessageProducedAndConsumed(container, {
          brokers: [`${container.getHost()}:${container.getMappedPort(9096)}`],
          sasl: { username: 'app-user', password: 'wrong', mechanism: 'scram-sha-512' },
          ssl: { ca: [readFileSync(pki.caCert)] },
          retry: { retries: 0 },
        }), /SASL|authentication/i);
        // The plaintext listener stays where it was, and the SASL port survives a restart.
        const saslPort = container.getMappedPort(9096);
        assert.notEqual(saslPort, container.getMappedPort(9093));
        await container.restart();
        assert.equal(container.getMappedPort(9096), saslPort);
      } finally {
        await container.stop();
      }
    } finally {
      pki.remove();
    }
  });

  it('should be reusable', async () => {
    const originalKafkaContainer = await timedStart(new KafkaContainer(IMAGE).withReuse());
    const newKafkaContainer = await timedStart(new KafkaContainer(IMAGE).withReuse());
    assert.equal(newKafkaContainer.getId(), originalKafkaContainer.getId());
    await originalKafkaContainer.stop();
    const afterStop = await new KafkaContainer(IMAGE).withReuse().start();
    assert.notEqual(afterStop.getId(), originalKafkaContainer.getId(), 'a stopped container is not reused');
    await afterStop.stop();
  });
});
