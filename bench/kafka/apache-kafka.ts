/**
 * Apache Kafka itself, as a reference broker for the bench and a second target for the tests.
 *
 * resolveKafka() fetches the broker's jars from Maven Central with the `mvn` client into
 * bench/kafka/.cache/kafka-<version>/libs (gitignored; a second call costs one directory check).
 * startKafka() formats a KRaft data dir per node (combined broker and controller, one cluster id),
 * starts `kafka.Kafka` in a JVM per node with developer-laptop settings (1 GiB heap, Kafka's default
 * flush policy unless flushEveryMessage), and resolves when every broker is in the Metadata answer.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { repoRoot } from '../../test/support/paths.js';
import { track, stopChild, exited } from '../../test/support/children.js';
import { freePort } from '../../test/support/net.js';

export const kafkaVersion = process.env.MINIKAFKA_KAFKA_VERSION ?? '4.4.0';
const log4jVersion = '2.24.3';
export const kafkaCacheDir = join(repoRoot, 'bench', 'kafka', '.cache');

export interface ResolvedKafka {
  version: string;
  /** The directory of every jar `kafka.Kafka` needs. */
  libsDir: string;
  /** Milliseconds this call took (Maven, or only the check when cached). */
  resolveMs: number;
}

function run(command: string, args: string[], options: { cwd?: string; timeoutMs: number }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 32 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${error.message}\n${tail(stdout + stderr, 2000)}`));
      else resolve({ stdout, stderr });
    });
    track(child);
  });
}

function tail(text: string, chars: number): string {
  return text.length > chars ? text.slice(-chars) : text;
}

function pom(version: string): string {
  const dep = (g: string, a: string, v: string): string => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>minikafka.bench</groupId><artifactId>apache-kafka</artifactId><version>1</version><packaging>pom</packaging>',
    '  <dependencies>',
    dep('org.apache.kafka', 'kafka_2.13', version),
    // Kafka's jars name no logging backend; these make it log (to our file) through log4j2.
    dep('org.apache.logging.log4j', 'log4j-core', log4jVersion),
    dep('org.apache.logging.log4j', 'log4j-slf4j2-impl', log4jVersion),
    dep('org.slf4j', 'slf4j-api', '2.0.17'),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

/** Why Kafka cannot be resolved here (no java or mvn), or undefined. */
export async function kafkaUnavailable(): Promise<string | undefined> {
  for (const tool of ['java', 'mvn']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`], { timeoutMs: 5_000 });
    } catch {
      return `${tool} not found (Apache Kafka needs Java 17+ and Maven to resolve it)`;
    }
  }
  return undefined;
}

export async function resolveKafka(version = kafkaVersion): Promise<ResolvedKafka> {
  const t0 = Date.now();
  const dir = join(kafkaCacheDir, `kafka-${version}`);
  const libsDir = join(dir, 'libs');
  if (existsSync(join(libsDir, '.complete'))) return { version, libsDir, resolveMs: Date.now() - t0 };
  const problem = await kafkaUnavailable();
  if (problem) throw new Error(problem);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom(version));
  rmSync(libsDir, { recursive: true, force: true });
  await run('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${libsDir}`, '-DincludeScope=runtime'], { cwd: dir, timeoutMs: 600_000 });
  if (!readdirSync(libsDir).some((f) => f.startsWith('kafka_2.13-'))) throw new Error(`mvn left no kafka_2.13 jar in ${libsDir}`);
  writeFileSync(join(libsDir, '.complete'), `${new Date().toISOString()}\n`);
  return { version, libsDir, resolveMs: Date.now() - t0 };
}

export interface KafkaNode {
  nodeId: number;
  host: string;
  port: number;
  pid: number;
  /** SIGKILL (the "broker killed" case); resolves when the JVM is gone. */
  kill(): Promise<void>;
  alive(): boolean;
}

export interface KafkaCluster {
  bootstrap: string;
  nodes: KafkaNode[];
  dataDir: string;
  /** Milliseconds from spawning the JVMs to every broker in a Metadata answer (format not included). */
  startMs: number;
  /** Milliseconds from spawning the JVMs to the first answer of any node (what the bench compares with minikafka's start-up). */
  firstAnswerMs: number;
  /** The last lines of a node's log (for failure messages). */
  logTail(nodeIndex?: number): string;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  nodes?: 1 | 3;
  /** `log.flush.interval.messages=1`: Kafka fsyncs every batch (its default leaves flushing to the OS). */
  flushEveryMessage?: boolean;
  /** Per JVM; default 1024 (a developer laptop's setting, as in Kafka's own scripts). */
  heapMb?: number;
  /** More server.properties entries (Kafka's names), on every node. */
  config?: Record<string, string | number | boolean>;
  startTimeoutMs?: number;
}

const log4jConfig = [
  'status = warn',
  'appender.file.type = Console',
  'appender.file.name = STDOUT',
  'appender.file.layout.type = PatternLayout',
  'appender.file.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = WARN',
  'rootLogger.appenderRef.file.ref = STDOUT',
  '',
].join('\n');

function properties(entries: Record<string, string | number | boolean>): string {
  return `${Object.entries(entries).map(([k, v]) => `${k}=${String(v)}`).join('\n')}\n`;
}

// Formatting a data dir is a JVM run of ~1.5 s; the result for (node id, voters, cluster id) does
// not depend on ports, so each process formats once per node id and copies the directory after.
const formatted = new Map<string, string>();
const clusterId = 'bWluaWthZmthLWJlbmNoMA'; // any 22-char base64 uuid; fixed so formatted dirs can be reused

async function formattedDir(libsDir: string, nodeId: number, nodes: number): Promise<string> {
  const key = `${nodeId}/${nodes}`;
  const have = formatted.get(key);
  if (have && existsSync(have)) return have;
  const dir = mkdtempSync(join(tmpdir(), `kafka-format-${nodeId}-`));
  const props = join(dir, 'format.properties');
  const voters = Array.from({ length: nodes }, (_, i) => `${i + 1}@127.0.0.1:${9093 + i}`).join(',');
  writeFileSync(props, properties({
    'process.roles': 'broker,controller', 'node.id': nodeId, 'controller.quorum.voters': voters,
    'controller.listener.names': 'CONTROLLER', listeners: 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093', 'log.dirs': join(dir, 'data'),
  }));
  await run('java', ['-cp', `${libsDir}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '--ignore-formatted'], { timeoutMs: 60_000 });
  formatted.set(key, join(dir, 'data'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'data');
}

export async function startKafka({ nodes = 1, flushEveryMessage = false, heapMb = 1024, config = {}, startTimeoutMs = 90_000 }: StartKafkaOptions = {}): Promise<KafkaCluster> {
  const { libsDir } = await resolveKafka();
  const root = mkdtempSync(join(tmpdir(), 'apache-kafka-'));
  writeFileSync(join(root, 'log4j2.properties'), log4jConfig);
  const ports = await Promise.all(Array.from({ length: nodes * 2 }, () => freePort()));
  const brokerPort = (i: number): number => ports[i * 2]!;
  const controllerPort = (i: number): number => ports[i * 2 + 1]!;
  const voters = Array.from({ length: nodes }, (_, i) => `${i + 1}@127.0.0.1:${controllerPort(i)}`).join(',');
  const children: ChildProcess[] = [];
  const logPaths: string[] = [];
  let t0 = Date.now();
  let startMs = 0;
  let firstAnswerMs = 0;
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((c) => stopChild(c, 'SIGTERM', 20_000)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < nodes; i++) {
      mkdirSync(join(root, `node-${i + 1}`), { recursive: true });
      cpSync(await formattedDir(libsDir, i + 1, nodes), join(root, `node-${i + 1}`, 'data'), { recursive: true });
    }
    t0 = Date.now();
    for (let i = 0; i < nodes; i++) {
      const nodeId = i + 1;
      const dir = join(root, `node-${nodeId}`);
      const props = join(dir, 'server.properties');
      writeFileSync(props, properties({
        'process.roles': 'broker,controller',
        'node.id': nodeId,
        'controller.quorum.voters': voters,
        listeners: `PLAINTEXT://127.0.0.1:${brokerPort(i)},CONTROLLER://127.0.0.1:${controllerPort(i)}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${brokerPort(i)}`,
        'controller.listener.names': 'CONTROLLER',
        'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        'inter.broker.listener.name': 'PLAINTEXT',
        'log.dirs': join(dir, 'data'),
        // As Kafka's config/server.properties for one machine: internal topics fit the cluster; a
        // cluster of 3 replicates new topics 3 times and acks=-1 waits for 2 (Kafka's defaults are 1).
        'offsets.topic.replication.factor': Math.min(3, nodes),
        'transaction.state.log.replication.factor': Math.min(3, nodes),
        'transaction.state.log.min.isr': Math.min(2, nodes),
        'share.coordinator.state.topic.replication.factor': Math.min(3, nodes),
        'share.coordinator.state.topic.min.isr': Math.min(2, nodes),
        ...(nodes > 1 ? { 'default.replication.factor': 3, 'min.insync.replicas': 2 } : {}),
        'group.initial.rebalance.delay.ms': 0,
        ...(flushEveryMessage ? { 'log.flush.interval.messages': 1 } : {}),
        ...config,
      }));
      const logPath = join(dir, 'kafka.log');
      logPaths.push(logPath);
      const out = createWriteStream(logPath);
      const child = spawn('java', [`-Xmx${heapMb}m`, `-Xms${heapMb}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(root, 'log4j2.properties')}`, '-cp', `${libsDir}/*`, 'kafka.Kafka', props], { stdio: ['ignore', 'pipe', 'pipe'] });
      track(child);
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      children.push(child);
    }
    const firstAnswerAt = await waitUntilServing(children, Array.from({ length: nodes }, (_, i) => brokerPort(i)), t0 + startTimeoutMs, () => logPaths.map(readTail).join('\n'));
    startMs = Date.now() - t0;
    firstAnswerMs = firstAnswerAt - t0;
  } catch (error) {
    const logs = logPaths.map(readTail).join('\n---\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return {
    bootstrap: Array.from({ length: nodes }, (_, i) => `127.0.0.1:${brokerPort(i)}`).join(','),
    nodes: children.map((c, i) => ({
      nodeId: i + 1, host: '127.0.0.1', port: brokerPort(i), pid: c.pid!,
      alive: () => c.exitCode === null && c.signalCode === null,
      kill: async () => {
        c.kill('SIGKILL');
        await exited(c);
      },
    })),
    dataDir: root,
    startMs,
    firstAnswerMs,
    logTail: (i = 0) => readTail(logPaths[i]!),
    stop,
  };
}

function readTail(path: string): string {
  try {
    return tail(readFileSync(path, 'utf8'), 3000);
  } catch {
    return '';
  }
}

/** One request frame: Metadata v1 for all topics (header v1, client id "kafka-probe"). */
function metadataFrame(): Buffer {
  const clientId = Buffer.from('kafka-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let o = body.writeInt16BE(3, 0);
  o = body.writeInt16BE(1, o);
  o = body.writeInt32BE(1, o);
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  body.writeInt32BE(-1, o); // null topic array: all topics
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** How many brokers a Metadata v1 answer from `port` lists, or -1 when the port does not answer yet. */
function brokersListed(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(-1), 2000);
    const done = (n: number): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(n);
    };
    socket.once('error', () => done(-1));
    socket.once('connect', () => socket.write(metadataFrame()));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // size(4) correlation id(4) then the brokers array's int32 count (Metadata v1 has no throttle time).
      if (buf.length >= 12) done(buf.readInt32BE(8));
    });
  });
}

/** Resolves with the time (Date.now()) of the first answer once every node lists every broker. */
async function waitUntilServing(children: ChildProcess[], ports: number[], deadline: number, logs: () => string): Promise<number> {
  let firstAnswerAt: number | undefined;
  for (;;) {
    const dead = children.findIndex((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead >= 0) throw new Error(`Kafka node ${dead + 1} exited (${children[dead]!.exitCode ?? children[dead]!.signalCode}) during start-up`);
    const listed = await Promise.all(ports.map(brokersListed));
    if (listed.some((n) => n >= 0)) firstAnswerAt ??= Date.now();
    if (listed.every((n) => n === ports.length)) return firstAnswerAt!;
    if (Date.now() > deadline) throw new Error(`Kafka not serving ${ports.length} broker(s) in time (listed ${listed.join(', ')})\n${tail(logs(), 1000)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
