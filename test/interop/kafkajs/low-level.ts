import kafkajs, { type Kafka } from 'kafkajs';
import type { ReceivedRecord } from '../messages.js';
import { ErrorCode } from '../../../src/protocol/errors.js';

const { Kafka: KafkaClient, logLevel, Partitioners } = kafkajs;

export { Partitioners };

export function newKafka(bootstrap: string, clientId = 'minikafka-interop'): Kafka {
  return new KafkaClient({
    brokers: [bootstrap],
    clientId,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

// KafkaJS's public consumer needs consumer groups. For group-free ("assigned") consumption we
// drive KafkaJS's own Cluster/Broker objects: the wire codecs are KafkaJS's, only the group
// protocol is bypassed. The cluster factory is a private symbol on the Kafka instance.
interface KafkaJsBroker {
  fetch(request: {
    replicaId?: number;
    isolationLevel?: number;
    maxWaitTime?: number;
    minBytes?: number;
    maxBytes?: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: KafkaJsFetchPartition[] }> }>;
}
interface KafkaJsFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  messages: Array<{ offset: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[] | undefined>; timestamp: string }>;
}
interface KafkaJsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<KafkaJsBroker>;
}

export interface FetchedRecord extends ReceivedRecord {
  timestamp: string;
}

export class LowLevelReader {
  readonly #cluster: KafkaJsCluster;

  constructor(kafka: Kafka) {
    const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
    if (symbol === undefined) throw new Error('KafkaJS internals changed: no createCluster symbol');
    const create = (kafka as unknown as Record<symbol, (o: object) => KafkaJsCluster>)[symbol]!;
    this.#cluster = create({ allowAutoTopicCreation: false });
  }

  connect(): Promise<void> {
    return this.#cluster.connect();
  }

  disconnect(): Promise<void> {
    return this.#cluster.disconnect();
  }

  /** Reads one partition from `fromOffset` until the high watermark (bounded in rounds and time). */
  async readPartition(topic: string, partition: number, { fromOffset = 0n, timeoutMs = 15_000 } = {}): Promise<{ records: FetchedRecord[]; highWatermark: bigint }> {
    await this.#cluster.addTargetTopic(topic);
    const leaders = this.#cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(leaders)[0];
    if (nodeId === undefined) throw new Error(`no leader for ${topic}/${partition}`);
    const broker = await this.#cluster.findBroker({ nodeId });
    const records: FetchedRecord[] = [];
    let next = fromOffset;
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; round < 200 && Date.now() < deadline; round++) {
      const response = await broker.fetch({
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: next.toString(), maxBytes: 1 << 20 }] }],
      });
      const p = response.responses.find((r) => r.topicName === topic)?.partitions.find((x) => x.partition === partition);
      if (p === undefined) throw new Error(`fetch response has no ${topic}/${partition}`);
      if (p.errorCode !== ErrorCode.NONE) throw new Error(`fetch ${topic}/${partition} at ${next}: error code ${p.errorCode}`);
      for (const m of p.messages) {
        const offset = BigInt(m.offset);
        if (offset < next) continue; // a batch can start before the requested offset
        records.push({
          partition,
          offset,
          key: m.key,
          value: m.value,
          headers: flattenHeaders(m.headers),
          timestamp: m.timestamp,
        });
        next = offset + 1n;
      }
      const highWatermark = BigInt(p.highWatermark);
      if (next >= highWatermark) return { records, highWatermark };
    }
    throw new Error(`reading ${topic}/${partition}: high watermark not reached within ${timeoutMs} ms (at ${next})`);
  }
}

function flattenHeaders(headers: Record<string, Buffer | Buffer[] | undefined>): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    for (const b of Array.isArray(v) ? v : [v]) out.push([k, b]);
  }
  return out;
}
