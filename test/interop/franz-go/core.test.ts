/** franz-go (kgo v1.22.3 + kadm v1.20.0, Go module proxy) against the broker: kadm topic creation and metadata, kgo produce/consume, classic and KIP-848 (ServerSideBalancer) groups. */
import { test } from 'node:test';
import { buildGo, goSkip } from '../modern-clients/go-build.js';
import { groupFailover, produceAndReadBack, withBroker, type ClientProgram } from '../modern-clients/scenario.js';

let built: Promise<ClientProgram> | undefined;
const build = () => (built ??= buildGo('franz-go').then((bin) => ({ name: 'franz-go', command: [bin] })));

test('franz-go: kadm creates a topic; keyed produce with headers reads back byte for byte; murmur2 placement', { timeout: 600_000, skip: goSkip }, async () => {
  const program = await build();
  await withBroker((broker) => produceAndReadBack(program, broker));
});

for (const protocol of ['classic', 'consumer'] as const) {
  test(`franz-go: ${protocol} group: three members split, a SIGKILLed member's partitions fail over, a new member resumes at the committed offsets`, { timeout: 600_000, skip: goSkip }, async () => {
    const program = await build();
    await withBroker((broker) => groupFailover(program, broker, protocol));
  });
}
