/**
 * Broker settings of the test toolkit's brokers (KafkaContainer, startSharedBroker, `minikafka run`):
 * groups form and rebalance fast without changing clients' settings. KIP-848 members learn of a new
 * assignment at their next heartbeat, and the broker sets that interval (Kafka: 5 s; 250 ms here: two
 * members hold their partitions well under a second). Classic members may ask for short sessions, so a
 * crashed test consumer is replaced quickly. A Fetch waits at most 250 ms for data (Kafka clients ask for
 * 500 ms to 5 s), so a client that waits for its in-flight fetch before it closes (KafkaJS's
 * consumer.disconnect: 5 s) stops quickly. Any of these can be overridden.
 */
export const TEST_BROKER_CONFIG: Readonly<Record<string, number>> = {
  'group.consumer.heartbeat.interval.ms': 250,
  'group.consumer.session.timeout.ms': 10_000,
  'group.min.session.timeout.ms': 1000,
  'minikafka.fetch.max.wait.ms': 250,
};
