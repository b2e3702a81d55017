/**
 * The Java client (kafka-clients 4.4.0 from Maven Central) against the broker: Admin, producer,
 * and consumers with group.protocol=classic and group.protocol=consumer (KIP-848).
 * Built by ./toolchain.ts (Maven resolves kafka-clients, javac compiles Client.java).
 */
import { test } from 'node:test';
import { groupFailover, produceAndReadBack, withBroker, type ClientProgram } from '../modern-clients/scenario.js';
import { compileJava, javaSkip as skip } from './toolchain.js';

let built: Promise<ClientProgram> | undefined;
function build(): Promise<ClientProgram> {
  built ??= compileJava('Client').then((command) => ({ name: 'java', command, modeTimeoutMs: 60_000 }));
  return built;
}

test('java: Admin creates a topic; keyed produce with headers reads back byte for byte; murmur2 placement', { timeout: 300_000, skip }, async () => {
  const program = await build();
  await withBroker((broker) => produceAndReadBack(program, broker));
});

for (const protocol of ['classic', 'consumer'] as const) {
  test(`java: group.protocol=${protocol}: three members split, a SIGKILLed member's partitions fail over, a new member resumes at the committed offsets`, { timeout: 240_000, skip }, async () => {
    const program = await build();
    await withBroker((broker) => groupFailover(program, broker, protocol));
  });
}
