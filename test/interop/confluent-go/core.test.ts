/** confluent-kafka-go v2.11.1 (Go module proxy; cgo with its bundled static librdkafka) against the broker: AdminClient, a producer with partitioner=murmur2_random (the Java client's placement), assign and subscribe consumers, classic and KIP-848 groups. */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { buildGo, goSkip } from '../modern-clients/go-build.js';
import { groupFailover, produceAndReadBack, withBroker, type ClientProgram } from '../modern-clients/scenario.js';

const hasCc = spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = goSkip || (hasCc ? false : 'no C compiler for cgo (apt-get install gcc libc6-dev)');

let built: Promise<ClientProgram> | undefined;
const build = () => (built ??= buildGo('confluent-go', { CGO_ENABLED: '1' }).then((bin) => ({ name: 'confluent-go', command: [bin] })));

test('confluent-kafka-go: AdminClient creates a topic; keyed produce with headers reads back byte for byte; murmur2_random placement', { timeout: 600_000, skip }, async () => {
  const program = await build();
  await withBroker((broker) => produceAndReadBack(program, broker));
});

for (const protocol of ['classic', 'consumer'] as const) {
  test(`confluent-kafka-go: group.protocol=${protocol}: three members split, a SIGKILLed member's partitions fail over, a new member resumes at the committed offsets`, { timeout: 600_000, skip }, async () => {
    const program = await build();
    await withBroker((broker) => groupFailover(program, broker, protocol));
  });
}
