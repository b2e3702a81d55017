/** segmentio/kafka-go v0.4.51 (Go module proxy) against the broker: Client.CreateTopics and Metadata, Writer with the Murmur2Balancer, Reader, and a classic ConsumerGroup. kafka-go has no KIP-848 support. */
import { test } from 'node:test';
import { buildGo, goSkip } from '../modern-clients/go-build.js';
import { groupFailover, produceAndReadBack, withBroker, type ClientProgram } from '../modern-clients/scenario.js';

let built: Promise<ClientProgram> | undefined;
const build = () => (built ??= buildGo('kafka-go').then((bin) => ({ name: 'kafka-go', command: [bin] })));

test('kafka-go: Client creates a topic; keyed produce with headers reads back byte for byte; Murmur2Balancer placement', { timeout: 600_000, skip: goSkip }, async () => {
  const program = await build();
  await withBroker((broker) => produceAndReadBack(program, broker));
});

test('kafka-go: classic ConsumerGroup: three members split, a SIGKILLed member\'s partitions fail over, a new member resumes at the committed offsets', { timeout: 600_000, skip: goSkip }, async () => {
  const program = await build();
  await withBroker((broker) => groupFailover(program, broker, 'classic'));
});
