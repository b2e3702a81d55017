// The Kafka module tests of testcontainers-node (packages/modules/kafka: "should connect", "should
// connect with custom network", "should be reusable", and its assertMessageProducedAndConsumed helper,
// KafkaJS against getHost():getMappedPort(9093)), rewritten for node:test with only the import changed
// to minikafka/testing. The SASL cases wait for the security work; the GenericContainer CLI case needs
// Docker itself. testcontainers documents a 180 s start-up timeout for these containers; each start
// here is printed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { KafkaContainer, type StartedKafkaContainer } from '../../src/testing/index.js';

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
