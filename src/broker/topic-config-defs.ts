/**
 * Every topic config Kafka defines, as data: its type, Kafka's default, the broker config that supplies
 * the default (DescribeConfigs' synonym), the check of a value, whether minikafka acts on it, and a line
 * of our own documentation. Kafka 4.x's set is listed by DescribeConfigs; Kafka 3.x's configs that 4.0
 * dropped (`legacy`) are still accepted and stored, so clients and scripts written for 3.x keep working,
 * and are listed only where a topic sets them.
 */

/** Kafka's ConfigDef types, numbered as DescribeConfigs' configType. */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;
export type TopicConfigKind = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list';

export interface TopicConfigDef {
  readonly name: string;
  readonly kind: TopicConfigKind;
  /** Kafka's own default, used when the broker has no config of the synonym's name. */
  readonly defaultValue: string;
  /** The broker config whose value is the topic's default (Kafka's first synonym), or null. */
  readonly brokerName: string | null;
  /** Kafka lists the broker synonym with source DEFAULT_CONFIG only where that broker config has a default. */
  readonly brokerHasDefault: boolean;
  readonly min?: number | bigint;
  readonly max?: number;
  /** Allowed values (string) or allowed items (list). */
  readonly choices?: readonly string[];
  /** Extra check for a value; returns the problem or null. */
  readonly check?: (value: string) => string | null;
  /** True when minikafka's behaviour follows the value; false: stored and reported only. */
  readonly actedOn: boolean;
  /** Dropped in Kafka 4.0: accepted and stored, listed only when set. */
  readonly legacy?: boolean;
  readonly doc: string;
}

import { SEGMENT_BYTES_MIN } from '../storage/log-config.js';

const LONG_MAX = '9223372036854775807';

function def(name: string, kind: TopicConfigKind, defaultValue: string, brokerName: string | null, actedOn: boolean, doc: string, extra: Partial<TopicConfigDef> = {}): TopicConfigDef {
  return { name, kind, defaultValue, brokerName, brokerHasDefault: brokerName !== null, actedOn, doc, ...extra };
}

const throttledReplicas = (value: string): string | null =>
  /^\s*(\*|(\d+:\d+(\s*,\s*\d+:\d+)*)?)\s*$/.test(value) ? null : 'must be * or a list of partitionId:brokerId';

const metadataVersion = (value: string): string | null =>
  /^\d+\.\d+(\.\d+)?(-IV\d+)?$/.test(value) ? null : 'must be a Kafka version such as 2.8 or 3.0-IV1';

/** In Kafka 4.x's definition order (LogConfig), which is also its documentation's grouping. */
export const topicConfigDefs: readonly TopicConfigDef[] = [
  def('segment.bytes', 'int', '1073741824', 'log.segment.bytes', true, 'Size at which a partition\'s active segment file is closed and a new one started.', { min: SEGMENT_BYTES_MIN }),
  def('segment.ms', 'long', '604800000', 'log.roll.ms', true, 'Age at which the active segment is rolled even if not full, so retention and compaction can act on it.', { min: 1, brokerHasDefault: false }),
  def('segment.jitter.ms', 'long', '0', 'log.roll.jitter.ms', false, 'Random amount subtracted from segment.ms to spread segment rolls over time.', { min: 0, brokerHasDefault: false }),
  def('segment.index.bytes', 'int', '10485760', 'log.index.size.max.bytes', false, 'Preallocated size of a segment\'s offset index.', { min: 4 }),
  def('flush.messages', 'long', LONG_MAX, 'log.flush.interval.messages', false, 'Messages written before the log is forced to disk (minikafka flushes per acks, see minikafka.flush.on.acks.all).', { min: 1 }),
  def('flush.ms', 'long', LONG_MAX, 'log.flush.interval.ms', false, 'Time after which the log is forced to disk (minikafka flushes per acks, see minikafka.flush.on.acks.all).', { min: 0, brokerHasDefault: false }),
  def('retention.bytes', 'long', '-1', 'log.retention.bytes', true, 'Largest size a partition may grow to before old segments are deleted; -1 means no size limit.'),
  def('retention.ms', 'long', '604800000', 'log.retention.ms', true, 'Age after which a segment is deleted under the delete policy; -1 means no time limit.', { min: -1, brokerHasDefault: false }),
  def('max.message.bytes', 'int', '1048588', 'message.max.bytes', true, 'Largest record batch the topic accepts (after compression).', { min: 0 }),
  def('index.interval.bytes', 'int', '4096', 'log.index.interval.bytes', true, 'Bytes of log between entries of the sparse offset index.', { min: 0 }),
  def('delete.retention.ms', 'long', '86400000', 'log.cleaner.delete.retention.ms', true, 'How long tombstones are kept on a compacted topic after their segment was cleaned.', { min: 0 }),
  def('min.compaction.lag.ms', 'long', '0', 'log.cleaner.min.compaction.lag.ms', true, 'Records younger than this stay uncompacted.', { min: 0 }),
  def('max.compaction.lag.ms', 'long', LONG_MAX, 'log.cleaner.max.compaction.lag.ms', false, 'Longest a record may stay uncompacted before its segment becomes eligible for cleaning.', { min: 1 }),
  def('file.delete.delay.ms', 'long', '60000', 'log.segment.delete.delay.ms', false, 'Delay before a deleted segment\'s files are removed from disk.', { min: 0 }),
  def('min.cleanable.dirty.ratio', 'double', '0.5', 'log.cleaner.min.cleanable.ratio', true, 'Share of a compacted log that must be uncleaned before the cleaner works on it.', { min: 0, max: 1 }),
  def('cleanup.policy', 'list', 'delete', 'log.cleanup.policy', true, 'delete (drop old segments), compact (keep the last value per key), or both.', { choices: ['compact', 'delete'] }),
  def('unclean.leader.election.enable', 'boolean', 'false', 'unclean.leader.election.enable', false, 'Whether an out-of-sync replica may become leader (one node: there is no other replica).'),
  def('min.insync.replicas', 'int', '1', 'min.insync.replicas', false, 'Replicas that must acknowledge an acks=all write (one node: the leader is the only replica).', { min: 1 }),
  def('compression.type', 'string', 'producer', 'compression.type', false, 'Final compression of the topic\'s batches; minikafka stores them as the producer sent them.', { choices: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] }),
  def('compression.gzip.level', 'int', '-1', 'compression.gzip.level', false, 'Level used when the broker compresses with gzip.', { check: (v) => (v === '-1' || (Number(v) >= 1 && Number(v) <= 9) ? null : 'Value must be between 1 and 9, or -1') }),
  def('compression.lz4.level', 'int', '9', 'compression.lz4.level', false, 'Level used when the broker compresses with lz4.', { min: 1, max: 17 }),
  def('compression.zstd.level', 'int', '3', 'compression.zstd.level', false, 'Level used when the broker compresses with zstd.', { min: -131072, max: 22 }),
  def('preallocate', 'boolean', 'false', 'log.preallocate', false, 'Whether a new segment file is preallocated on disk.'),
  def('message.format.version', 'string', '3.0-IV1', 'log.message.format.version', false, 'Kafka 3.x: the message format version of the topic (ignored since 3.0; removed in 4.0).', { legacy: true, check: metadataVersion }),
  def('message.timestamp.type', 'string', 'CreateTime', 'log.message.timestamp.type', true, 'CreateTime keeps the producer\'s timestamp; LogAppendTime stamps batches with the broker\'s clock.', { choices: ['CreateTime', 'LogAppendTime'] }),
  def('message.timestamp.difference.max.ms', 'long', LONG_MAX, 'log.message.timestamp.difference.max.ms', false, 'Kafka 3.x: largest difference between a record\'s timestamp and the broker\'s clock (removed in 4.0).', { min: 0, legacy: true }),
  def('message.timestamp.before.max.ms', 'long', LONG_MAX, 'log.message.timestamp.before.max.ms', false, 'How far in the past a CreateTime timestamp may be.', { min: 0 }),
  def('message.timestamp.after.max.ms', 'long', LONG_MAX, 'log.message.timestamp.after.max.ms', false, 'How far in the future a CreateTime timestamp may be.', { min: 0 }),
  def('leader.replication.throttled.replicas', 'list', '', null, false, 'Replicas whose replication is throttled on the leader side (one node: none replicate).', { check: throttledReplicas }),
  def('follower.replication.throttled.replicas', 'list', '', null, false, 'Replicas whose replication is throttled on the follower side (one node: none replicate).', { check: throttledReplicas }),
  def('message.downconversion.enable', 'boolean', 'true', 'log.message.downconversion.enable', false, 'Whether fetches of old consumers may be served by down-converting batches (a no-op in Kafka 4).'),
  def('remote.storage.enable', 'boolean', 'false', null, false, 'Tiered storage for the topic (not available in minikafka).'),
  def('local.retention.ms', 'long', '-2', 'log.local.retention.ms', false, 'Tiered storage: local retention time; -2 means retention.ms.', { min: -2 }),
  def('local.retention.bytes', 'long', '-2', 'log.local.retention.bytes', false, 'Tiered storage: local retention size; -2 means retention.bytes.', { min: -2 }),
  def('remote.log.copy.disable', 'boolean', 'false', null, false, 'Tiered storage: stop copying segments to remote storage.'),
  def('remote.log.delete.on.disable', 'boolean', 'false', null, false, 'Tiered storage: delete remote data when tiering is turned off.'),
];

export const topicConfigByName: ReadonlyMap<string, TopicConfigDef> = new Map(topicConfigDefs.map((d) => [d.name, d]));

/** Java's String.hashCode. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Kafka answers a full listing in the iteration order of a Scala mutable.HashMap holding the config
 * names (ConfigHelper.allConfigs): buckets by (h ^ h>>>16) & (size - 1), in hash order inside a bucket,
 * 64 buckets for these ~35 names (the table doubles from 16 at a load of 0.75).
 */
export function kafkaListingOrder(names: readonly string[]): string[] {
  let buckets = 16;
  while (names.length >= buckets * 0.75) buckets *= 2;
  const key = (n: string): [number, number] => {
    const h = javaHash(n);
    const improved = (h ^ (h >>> 16)) | 0;
    return [improved & (buckets - 1), improved];
  };
  return [...names].sort((a, b) => {
    const [ba, ha] = key(a);
    const [bb, hb] = key(b);
    return ba - bb || ha - hb;
  });
}
