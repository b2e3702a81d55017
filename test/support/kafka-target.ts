/**
 * MINIKAFKA_INTEROP_TARGET=kafka: the tests' brokers are Apache Kafka (bench/kafka/apache-kafka.ts),
 * one fresh single-node KRaft cluster per broker a test asks for, so tests stay as isolated as on
 * minikafka. `npm run test:kafka` sets it (scripts/test-kafka.ts). A test that reads minikafka's
 * insides (logs, data dir, state) cannot run there: it asks `onlyMinikafka(reason)` for its skip.
 */
import { startKafka, type KafkaCluster } from '../../bench/kafka/apache-kafka.js';

export const kafkaTarget = process.env.MINIKAFKA_INTEROP_TARGET === 'kafka';

/** A skip reason on the Kafka target, or false to run. */
export function onlyMinikafka(reason: string): string | false {
  return kafkaTarget ? `Apache Kafka target: ${reason}` : false;
}

// Kafka refuses a heartbeat interval or session below its own minimums: the tests' short ones
// (see src/testing/test-config.ts) lower the minimums with them.
const minimums: Record<string, string> = {
  'group.consumer.heartbeat.interval.ms': 'group.consumer.min.heartbeat.interval.ms',
  'group.consumer.session.timeout.ms': 'group.consumer.min.session.timeout.ms',
  'group.share.heartbeat.interval.ms': 'group.share.min.heartbeat.interval.ms',
  'group.share.session.timeout.ms': 'group.share.min.session.timeout.ms',
};

/** minikafka settings as Kafka's server.properties: Kafka's own names pass, `minikafka.*` ones have no Kafka equivalent. */
export function kafkaConfig(config: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {
    // Tests only: one partition for each internal topic, so the first group or transaction is quick.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.num.partitions': 1,
  };
  for (const [name, value] of Object.entries(config)) {
    if (name.startsWith('minikafka.')) continue;
    out[name] = value;
    const min = minimums[name];
    if (min) out[min] = value;
  }
  return out;
}

export async function startKafkaTarget(config: Record<string, string | number | boolean> = {}, nodes: 1 | 3 = 1): Promise<KafkaCluster> {
  // Half the bench's heap: the tests hold little data, and a 3-node cluster runs three JVMs.
  return startKafka({ nodes, heapMb: 512, config: kafkaConfig(config) });
}
