/**
 * Broker configuration under Kafka's own property names, with Kafka-like defaults.
 * Sources, lowest precedence first: defaults, a Java-style properties file, explicit overrides.
 * Settings that Kafka does not have are prefixed `minikafka.`.
 */
import { readFileSync } from 'node:fs';
import { MinikafkaError } from '../protocol/errors.js';
import { securityConfigDefs, isListenerConfigName } from '../security/config-defs.js';

export class ConfigError extends MinikafkaError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

type Kind = 'int' | 'long' | 'bool' | 'string' | 'list' | 'password';

interface Def {
  kind: Kind;
  default: string;
  doc: string;
}

/** Every property the broker reads. Unknown names are rejected so a typo never goes unnoticed. */
export const configDefs = {
  'listeners': { kind: 'string', default: 'PLAINTEXT://localhost:9092', doc: 'Listeners to bind, comma-separated NAME://host:port (e.g. PLAINTEXT://localhost:9092,SASL_SSL://localhost:9094)' },
  'advertised.listeners': { kind: 'string', default: '', doc: 'Per listener, the NAME://host:port given to clients that connect through it; defaults to the bound address' },
  ...securityConfigDefs,
  'node.id': { kind: 'int', default: '1', doc: 'This broker\'s id in Metadata' },
  'log.dirs': { kind: 'string', default: './data', doc: 'Data directory (one directory: this broker is single-node)' },
  'num.partitions': { kind: 'int', default: '1', doc: 'Partitions of an auto-created topic or one created with -1' },
  'default.replication.factor': { kind: 'int', default: '1', doc: 'Only 1 is possible on one node' },
  'auto.create.topics.enable': { kind: 'bool', default: 'true', doc: 'Create unknown topics on Metadata/Produce' },
  'minikafka.auto.create.topics.per.request.max': { kind: 'int', default: '16', doc: 'Topics one Metadata or Produce request may auto-create (a creation costs a few ms; Produce creates synchronously); the rest answer UNKNOWN_TOPIC_OR_PARTITION, which clients retry (Kafka bounds this with its controller mutation quota, KIP-599)' },
  'delete.topic.enable': { kind: 'bool', default: 'true', doc: 'Allow DeleteTopics' },
  'log.segment.bytes': { kind: 'int', default: '1073741824', doc: 'Roll a segment at this size' },
  'log.roll.ms': { kind: 'long', default: '604800000', doc: 'Roll a segment at this age' },
  'log.retention.ms': { kind: 'long', default: '604800000', doc: 'Delete segments older than this (-1: never)' },
  'log.retention.bytes': { kind: 'long', default: '-1', doc: 'Delete old segments beyond this size per partition (-1: never)' },
  'log.retention.check.interval.ms': { kind: 'long', default: '300000', doc: 'How often retention runs' },
  'log.cleanup.policy': { kind: 'string', default: 'delete', doc: 'Default cleanup.policy of new topics: delete, compact or compact,delete' },
  'log.cleaner.backoff.ms': { kind: 'long', default: '15000', doc: 'How often the cleaner looks for compacted partitions to clean' },
  'log.cleaner.delete.retention.ms': { kind: 'long', default: '86400000', doc: 'Keep tombstones this long after their segment was cleaned' },
  'log.cleaner.min.cleanable.ratio': { kind: 'string', default: '0.5', doc: 'Clean a compacted partition once this share of it is dirty' },
  'log.cleaner.min.compaction.lag.ms': { kind: 'long', default: '0', doc: 'Records younger than this are not compacted' },
  'log.index.interval.bytes': { kind: 'int', default: '4096', doc: 'Bytes of log between sparse index entries' },
  'log.message.timestamp.type': { kind: 'string', default: 'CreateTime', doc: 'CreateTime or LogAppendTime' },
  'message.max.bytes': { kind: 'int', default: '1048588', doc: 'Largest record batch accepted' },
  'minikafka.decompressed.bytes.max': { kind: 'int', default: '67108864', doc: 'Most bytes the records of one compressed batch may decompress to (produce validation and the log cleaner); a batch above it, or above its record count times max.message.bytes, gets RECORD_LIST_TOO_LARGE' },
  'socket.request.max.bytes': { kind: 'int', default: '104857600', doc: 'Largest request frame accepted' },
  'max.connections': { kind: 'int', default: '10000', doc: 'Open client connections at most' },
  'max.partitions': { kind: 'int', default: '100000', doc: 'Partitions on this broker at most, all topics together (the name KIP-578 proposed; Kafka has no such bound). CreateTopics/CreatePartitions past it get INVALID_PARTITIONS' },
  'max.connections.per.ip': { kind: 'int', default: '2147483647', doc: 'Open connections from one address at most' },
  'connections.max.idle.ms': { kind: 'long', default: '600000', doc: 'Close connections idle this long' },
  'queued.max.requests': { kind: 'int', default: '500', doc: 'Requests in flight per connection before reading pauses' },
  'fetch.max.bytes': { kind: 'int', default: '57671680', doc: 'Most bytes a Fetch response returns' },
  'group.initial.rebalance.delay.ms': { kind: 'int', default: '0', doc: 'Delay before the first rebalance of a new group (Kafka: 3000; 0 here for fast development loops)' },
  'group.min.session.timeout.ms': { kind: 'int', default: '6000', doc: 'Smallest session timeout a member may ask for' },
  'group.max.session.timeout.ms': { kind: 'int', default: '1800000', doc: 'Largest session timeout a member may ask for' },
  'offsets.retention.minutes': { kind: 'int', default: '10080', doc: 'Keep offsets of empty groups this long' },
  'offsets.retention.check.interval.ms': { kind: 'long', default: '600000', doc: 'How often offsets of empty groups are checked for expiry' },
  'offsets.topic.num.partitions': { kind: 'int', default: '4', doc: 'Partitions of __consumer_offsets when it is created (Kafka: 50; 4 here: one node, fewer files)' },
  'offset.metadata.max.bytes': { kind: 'int', default: '4096', doc: 'Largest metadata string an offset commit may carry' },
  'producer.id.expiration.ms': { kind: 'int', default: '86400000', doc: 'A producer id idle this long (no open transaction) is forgotten by each partition' },
  'transaction.max.timeout.ms': { kind: 'int', default: '900000', doc: 'Largest transaction.timeout.ms a transactional producer may ask for' },
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': { kind: 'int', default: '10000', doc: 'How often transactions past their timeout are aborted' },
  'transaction.state.log.num.partitions': { kind: 'int', default: '4', doc: 'Partitions of __transaction_state when it is created (Kafka: 50)' },
  'group.max.size': { kind: 'int', default: '2147483647', doc: 'Members a group may have at most' },
  'minikafka.group.classic.shared.partitions.enable': { kind: 'bool', default: 'false', doc: 'Classic groups: let the leader give one partition to several members (a broadcast-style assignor), as Kafka does. false: such an assignment is refused with INCONSISTENT_GROUP_PROTOCOL and the group rebalances, so each partition has exactly one owner' },
  'group.consumer.session.timeout.ms': { kind: 'int', default: '45000', doc: 'KIP-848 groups: a member silent this long is removed' },
  'group.consumer.heartbeat.interval.ms': { kind: 'int', default: '5000', doc: 'KIP-848 groups: heartbeat interval given to members' },
  'minikafka.flush.on.acks.all': { kind: 'bool', default: 'true', doc: 'acks=-1 answers only after fsync (group commit). false: after the write reaches the OS' },
  'minikafka.log.level': { kind: 'string', default: 'info', doc: 'debug, info, warn, error or silent' },
  'minikafka.fetch.max.wait.ms': { kind: 'int', default: '30000', doc: 'Longest a Fetch waits for MinBytes, whatever its MaxWaitMs asks (an empty answer earlier is allowed by the protocol). Test brokers use 250, so a client that waits for its in-flight fetch before closing (KafkaJS: consumer.disconnect) stops in well under a second instead of 5 s' },
  'minikafka.http.listeners': { kind: 'string', default: '', doc: 'HTTP listener (REST proxy, /metrics, health) as http://host:port; empty: none. `minikafka start` defaults to http://localhost:8082' },
  'minikafka.http.consumer.instance.timeout.ms': { kind: 'int', default: '300000', doc: 'REST consumer instances idle this long are closed (Confluent REST Proxy: consumer.instance.timeout.ms)' },
  'minikafka.http.authentication.method': { kind: 'string', default: 'AUTO', doc: 'HTTP Basic with the broker\'s Kafka users on the REST proxy, console and /metrics: BASIC, NONE (calls are User:ANONYMOUS), or AUTO: BASIC when the broker has an authorizer or any SASL user (PLAIN JAAS users, SCRAM credentials). /livez, /readyz and /openapi.json stay open' },
  'minikafka.http.max.body.bytes': { kind: 'int', default: '8388608', doc: 'Largest HTTP request body (for a streamed produce: largest record)' },
  'minikafka.log.open.segment.files.max': { kind: 'int', default: '1000', doc: 'Segment files (.log, .index, .timeindex) kept open at most; idle ones close and reopen on use' },
  'minikafka.internal.segment.bytes': { kind: 'int', default: '0', doc: 'Tests only: every topic\'s segment size, below the 1 MiB minimum of segment.bytes (0: unset; Kafka\'s internal.segment.bytes)' },
} as const satisfies Record<string, Def>;

export type ConfigName = keyof typeof configDefs;

export class BrokerConfig {
  private readonly values = new Map<ConfigName, string>();
  /** Names set explicitly (file or override), for DescribeConfigs' source field. */
  readonly explicit = new Set<ConfigName>();

  constructor(overrides: Record<string, string | number | boolean> = {}) {
    for (const [name, def] of Object.entries(configDefs)) this.values.set(name as ConfigName, def.default);
    for (const [name, value] of Object.entries(overrides)) this.set(name, String(value));
  }

  set(name: string, value: string): void {
    if (isListenerConfigName(name)) {
      // listener.name.<listener>.<security config>: read through forListener().
      this.listenerValues.set(name.toLowerCase().replace(/^listener\.name\.([^.]+)\./, (_m, l: string) => `listener.name.${l}.`), value);
      return;
    }
    if (!(name in configDefs)) throw new ConfigError(`unknown config '${name}'`);
    const def = configDefs[name as ConfigName] as Def;
    validate(name, def.kind, value);
    this.values.set(name as ConfigName, value);
    this.explicit.add(name as ConfigName);
  }

  /** Values set as `listener.name.<listener>.<name>` (Kafka's per-listener security settings). */
  private readonly listenerValues = new Map<string, string>();

  /** `listener.name.<listener>.<name>` when set, else the broker-wide `name` (undefined if that is not a config). */
  forListener(listener: string, name: string): string | undefined {
    const own = this.listenerValues.get(`listener.name.${listener.toLowerCase()}.${name}`);
    if (own !== undefined) return own;
    return name in configDefs ? this.values.get(name as ConfigName) : undefined;
  }

  string(name: ConfigName): string {
    return this.values.get(name)!;
  }

  int(name: ConfigName): number {
    return Number(this.values.get(name));
  }

  bool(name: ConfigName): boolean {
    return this.values.get(name) === 'true';
  }

  entries(): [ConfigName, string][] {
    return [...this.values.entries()];
  }
}

function validate(name: string, kind: Kind, value: string): void {
  if (kind === 'int' || kind === 'long') {
    if (!/^-?\d+$/.test(value.trim())) throw new ConfigError(`config '${name}' must be an integer, got '${value}'`);
  } else if (kind === 'bool') {
    if (value !== 'true' && value !== 'false') throw new ConfigError(`config '${name}' must be true or false, got '${value}'`);
  }
}

/** Reads a Java-style .properties file: `name=value` or `name: value`, `#`/`!` comments. */
export function readPropertiesFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) throw new ConfigError(`cannot parse line in ${path}: '${line}'`);
    out[m[1]!] = m[2]!;
  }
  return out;
}
