// Records request frames from real clients as fixtures for the codec tests.
//
//   npx tsc -p tsconfig.json && node dist/scripts/capture-fixtures.js [--upstream minikafka|mock] [--out DIR]
//
// A recording TCP proxy sits in front of a broker; KafkaJS, @platformatic/kafka and kcat run a
// fixed script through it (ApiVersions, Metadata, CreateTopics, Produce, Fetch, ListOffsets, ...),
// and each request frame body (the frame without its 4-byte size) is saved as
// <out>/<apiKey>-v<version>-<client>-<n>.bin, at most `perKindMax` per API/version/client.
// With --upstream minikafka (default) our broker advertises the proxy's address, so every
// connection passes the proxy. With --upstream mock (librdkafka's mock cluster, no CreateTopics)
// clients reconnect to the advertised broker after Metadata: only bootstrap traffic is captured.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { Admin, Consumer, IncrementalAlterConfigTypes, Producer, ResourceTypes, deleteRecordsV2, incrementalAlterConfigsV1 } from '@platformatic/kafka';
import { withConnection, closeForced } from '../test/support/platformatic.js';
import { freePort } from '../test/support/net.js';
import { runKcat } from '../test/support/kcat.js';
import { startMockCluster } from '../test/support/mock-cluster.js';
import { fixturesDir } from '../test/support/paths.js';
import { splitHostPort } from '../test/support/target.js';

const perKindMax = 3;
const frameBytesMax = 16 << 20;

export interface RecordingProxy {
  port: number;
  /** Label given to connections accepted from now on. */
  setClient(name: string): void;
  saved(): number;
  close(): Promise<void>;
}

/** Forwards bytes both ways unchanged; copies client→broker frames to `outDir`. */
export function startRecordingProxy(upstream: { host: string; port: number }, outDir: string, port = 0): Promise<RecordingProxy> {
  mkdirSync(outDir, { recursive: true });
  const counts = new Map<string, number>();
  for (const f of readdirSync(outDir)) {
    const m = /^(\d+-v\d+-[a-z]+)-\d+\.bin$/.exec(f);
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  let client = 'unknown';
  let saved = 0;
  const sockets = new Set<Socket>();
  const record = (label: string, body: Buffer): void => {
    if (body.length < 4) return;
    const kind = `${body.readInt16BE(0)}-v${body.readInt16BE(2)}-${label}`;
    const n = counts.get(kind) ?? 0;
    if (n >= perKindMax) return;
    counts.set(kind, n + 1);
    writeFileSync(join(outDir, `${kind}-${n}.bin`), body);
    saved += 1;
  };
  const server: Server = createServer((downstream) => {
    const label = client;
    const up = connect(upstream.port, upstream.host);
    sockets.add(downstream);
    sockets.add(up);
    let pending = Buffer.alloc(0);
    downstream.on('data', (chunk: Buffer) => {
      up.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (size < 0 || size > frameBytesMax) {
          pending = Buffer.alloc(0); // not Kafka framing: stop recording this connection
          break;
        }
        if (pending.length < 4 + size) break;
        record(label, Buffer.from(pending.subarray(4, 4 + size)));
        pending = pending.subarray(4 + size);
      }
    });
    up.on('data', (chunk: Buffer) => downstream.write(chunk));
    const closeBoth = (): void => {
      downstream.destroy();
      up.destroy();
      sockets.delete(downstream);
      sockets.delete(up);
    };
    downstream.on('close', closeBoth);
    up.on('close', closeBoth);
    downstream.on('error', closeBoth);
    up.on('error', closeBoth);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no address');
      resolve({
        port: address.port,
        setClient: (name) => {
          client = name;
        },
        saved: () => saved,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

async function attempt(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    console.error(`  ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function driveKafkaJs(bootstrap: string, topic: string): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], clientId: 'capture-kafkajs', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 1 } });
  const admin = kafka.admin();
  await admin.connect();
  await attempt('kafkajs createTopics', () => admin.createTopics({ topics: [{ topic, numPartitions: 2 }] }));
  await attempt('kafkajs metadata', () => admin.fetchTopicMetadata({ topics: [topic] }));
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  await attempt('kafkajs produce', () =>
    producer.send({ topic, acks: -1, messages: [{ key: 'k1', value: 'v1', headers: { h: 'x' } }, { value: 'v2' }] }),
  );
  await attempt('kafkajs produce gzip', () =>
    producer.send({ topic, acks: -1, compression: kafkajs.CompressionTypes.GZIP, messages: [{ key: 'k2', value: 'v3' }] }),
  );
  await producer.disconnect();
  await attempt('kafkajs list offsets', () => admin.fetchTopicOffsets(topic));
  await attempt('kafkajs list offsets by time', () => admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000));
  await attempt('kafkajs alter configs', () =>
    admin.alterConfigs({ validateOnly: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] }),
  );
  await attempt('kafkajs delete records', () => admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] }));
  await attempt('kafkajs delete topics', () => admin.deleteTopics({ topics: [`${topic}-nonexistent`], timeout: 2_000 }));
  await admin.disconnect();
  // Fetch: the group-free path through KafkaJS's own cluster object (see test/interop/kafkajs/low-level.ts).
  const { LowLevelReader } = await import('../test/interop/kafkajs/low-level.js');
  const reader = new LowLevelReader(kafka);
  await reader.connect();
  await attempt('kafkajs fetch', () => reader.readPartition(topic, 0, { timeoutMs: 3_000 }));
  await reader.disconnect();
}

async function drivePlatformatic(bootstrap: string, topic: string): Promise<void> {
  const base = { bootstrapBrokers: [bootstrap], timeout: 5_000, retries: 1 };
  const admin = new Admin({ ...base, clientId: 'capture-platformatic' });
  const producer = new Producer({ ...base, clientId: 'capture-platformatic' });
  const consumer = new Consumer({ ...base, clientId: 'capture-platformatic', groupId: 'capture-unused' });
  try {
    await attempt('platformatic createTopics', () => admin.createTopics({ topics: [`${topic}-plt`], partitions: 2, replicas: 1 }));
    await attempt('platformatic metadata', () => admin.metadata({ topics: [topic], forceUpdate: true }));
    await attempt('platformatic produce', () =>
      producer.send({ acks: -1, messages: [{ topic, key: Buffer.from('k'), value: Buffer.from('v'), headers: new Map([[Buffer.from('h'), Buffer.from('x')]]) }] }),
    );
    await attempt('platformatic list offsets', () => consumer.listOffsets({ topics: [topic] }));
    await attempt('platformatic fetch', async () => {
      const md = await consumer.metadata({ topics: [topic] });
      const t = md.topics.get(topic)!;
      await consumer.fetch({
        node: t.partitions[0]!.leader,
        maxWaitTime: 100,
        topics: [{ topicId: t.id, partitions: [{ partition: 0, fetchOffset: 0n, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
      });
    });
    // 1.x's Admin has neither: the library's own protocol APIs on its Connection (test/support/platformatic.ts).
    await attempt('platformatic incremental alter configs', () => withConnection(bootstrap, 'capture-platformatic', (c) => incrementalAlterConfigsV1.api.async(c, [{
      resourceType: ResourceTypes.TOPIC, resourceName: topic, configs: [{ name: 'cleanup.policy', configOperation: IncrementalAlterConfigTypes.APPEND, value: 'compact' }],
    }], false)));
    await attempt('platformatic delete records', () => withConnection(bootstrap, 'capture-platformatic', (c) =>
      deleteRecordsV2.api.async(c, [{ name: topic, partitions: [{ partitionIndex: 0, offset: -1n }] }], 5_000)));
    await attempt('platformatic delete topics', () => admin.deleteTopics({ topics: [`${topic}-plt`] }));
  } finally {
    await Promise.allSettled([admin.close(), producer.close(), closeForced(consumer)]);
  }
}

async function driveKcat(bootstrap: string, topic: string): Promise<void> {
  const run = async (what: string, args: string[], input?: string): Promise<void> => {
    const r = await runKcat(['-b', bootstrap, ...args], { input, timeoutMs: 15_000 });
    if (r.code !== 0) console.error(`  kcat ${what}: exit ${r.code ?? r.signal}: ${r.stderr.slice(0, 300)}`);
  };
  await run('metadata', ['-L', '-t', topic]);
  await run('produce', ['-P', '-t', topic, '-K:', '-H', 'h=x', '-z', 'gzip'], 'k1:v1\nk2:v2\n');
  await run('consume', ['-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q']);
  await run('query offsets', ['-Q', '-t', `${topic}:0:-1`]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { upstream: { type: 'string', default: 'minikafka' }, out: { type: 'string' } } });
  const outDir = values.out ?? join(fixturesDir, 'requests');
  const topic = 'capture-topic';
  const proxyPort = await freePort();
  let upstreamAddress: string;
  let stopUpstream: () => Promise<void>;
  if (values.upstream === 'mock') {
    const mock = await startMockCluster({ topics: { [topic]: 2 } });
    upstreamAddress = mock.bootstrap.split(',')[0]!;
    stopUpstream = () => mock.close();
  } else {
    const { startBroker } = await import('../src/index.js');
    const broker = await startBroker({
      host: '127.0.0.1',
      port: 0,
      config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxyPort}`, 'auto.create.topics.enable': 'true', 'minikafka.log.level': 'warn' },
    });
    upstreamAddress = `${broker.host}:${broker.port}`; // bound address; bootstrap is the advertised (proxy) one
    stopUpstream = () => broker.close();
  }
  const [host, port] = splitHostPort(upstreamAddress);
  const proxy = await startRecordingProxy({ host, port }, outDir, proxyPort);
  const bootstrap = `127.0.0.1:${proxy.port}`;
  try {
    for (const [client, drive] of [
      ['kafkajs', driveKafkaJs],
      ['platformatic', drivePlatformatic],
      ['kcat', driveKcat],
    ] as const) {
      proxy.setClient(client);
      console.log(`${client} via ${bootstrap} -> ${upstreamAddress}`);
      await drive(bootstrap, topic);
    }
  } finally {
    await proxy.close();
    await stopUpstream();
  }
  console.log(`saved ${proxy.saved()} new frames in ${outDir}`);
}

await main();
