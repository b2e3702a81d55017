/**
 * The Java client (kafka-clients 4.4.0 from Maven Central) against the broker: Admin, producer,
 * and consumers with group.protocol=classic and group.protocol=consumer (KIP-848).
 * Build: `mvn dependency:build-classpath` (offline first, online when ~/.m2 lacks the jars), then
 * javac of Client.java into test/interop/java/target (gitignored); both are skipped when up to date.
 */
import { test } from 'node:test';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { groupFailover, produceAndReadBack, withBroker, type ClientProgram } from '../modern-clients/scenario.js';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('../../../../test/interop/java/', import.meta.url));
const target = `${dir}target/`;
const hasToolchain = ['java', 'javac', 'mvn'].every((c) => spawnSync(c, ['-version'], { stdio: 'ignore' }).status === 0);
const skip = hasToolchain ? false : 'java, javac or mvn not installed (apt-get install openjdk-17-jdk-headless maven)';

const newer = (a: string, b: string) => existsSync(a) && statSync(a).mtimeMs >= statSync(b).mtimeMs;

let built: Promise<ClientProgram> | undefined;
function build(): Promise<ClientProgram> {
  built ??= (async () => {
    mkdirSync(target, { recursive: true });
    const cpFile = `${target}classpath.txt`;
    if (!newer(cpFile, `${dir}pom.xml`)) {
      const mvn = (offline: boolean) => run('mvn', ['-q', '-B', ...(offline ? ['-o'] : []), '-f', `${dir}pom.xml`, 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`, '-Dmdep.includeScope=runtime'], { timeout: 300_000 });
      await mvn(true).catch(() => mvn(false));
    }
    const classpath = readFileSync(cpFile, 'utf8').trim();
    const classes = `${target}classes`;
    if (!newer(`${classes}/Client.class`, `${dir}Client.java`)) {
      await run('javac', ['--release', '17', '-d', classes, '-cp', classpath, `${dir}Client.java`], { timeout: 120_000 });
    }
    return {
      name: 'java',
      command: ['java', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-cp', `${classes}:${classpath}`, 'Client'],
      modeTimeoutMs: 60_000,
    };
  })();
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
