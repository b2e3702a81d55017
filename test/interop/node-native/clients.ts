/**
 * The Node clients installed apart from the root, in test/interop/node-native/node_modules, by
 * test/interop/node-native/setup.sh (.ci/run calls it): their native builds stay out of the root's
 * npm ci. A test of a client that is not installed there skips and names the setup script.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClientProgram } from '../modern-clients/scenario.js';
import { onlyMinikafka } from '../../support/kafka-target.js';

export const dir = fileURLToPath(new URL('../../../../test/interop/node-native/', import.meta.url));

function skipUnless(file: string, client: string): string | false {
  return existsSync(`${dir}node_modules/${file}`) ? false : `${client} not installed in ${dir}node_modules: run test/interop/node-native/setup.sh`;
}

export const skipKafkaNode = skipUnless('kafka-node/package.json', 'kafka-node')
  || onlyMinikafka('Apache Kafka 4 removed Fetch v0-3 and JoinGroup v0-1 (KIP-896), the newest kafka-node speaks');
export const skipNodeRdkafka = skipUnless('node-rdkafka/build/Release/node-librdkafka.node', 'node-rdkafka (native build)');
export const skipConfluent = skipUnless('@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node', '@confluentinc/kafka-javascript (native build)');

const program = (name: string, file: string, extra: Partial<ClientProgram> = {}): ClientProgram => ({ name, command: [process.execPath, `${dir}${file}`], ...extra });

/** Message format v1 (kafka-node's newest) has no headers. */
export const kafkaNode = (env: NodeJS.ProcessEnv = {}) => program('kafka-node', 'kafka-node.mjs', { env, headersOf: () => [] });

/** node-rdkafka's produce() takes header values as strings (node-rdkafka.mjs says why). */
export const textHeadersOf = (i: number): Array<[string, Buffer]> => [['trace', Buffer.from(`t-${i}`)], ['empty', Buffer.alloc(0)], ['trace', Buffer.from('second')]];
export const nodeRdkafka = program('node-rdkafka', 'node-rdkafka.mjs', { headersOf: textHeadersOf });

export const confluent = program('confluent-js', 'confluent.mjs');

/**
 * kafka-node's KeyedPartitioner (partitionerType 3), restated: a Java-String-hashCode-like loop over
 * the key's UTF-16 code units, kept positive at every step, 0 mapped to 1, modulo the partition count.
 * Not murmur2: keys land elsewhere than with the Java client.
 */
export function kafkaNodeKeyedPartition(key: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) & 0x7fffffff;
  return (hash === 0 ? 1 : hash) % partitions;
}
