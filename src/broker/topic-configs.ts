/** Topic-level configs: which names exist, how values are checked, and the effective value (topic override, else broker default). */
import type { BrokerConfig } from './config.js';
import { topicConfigDefaults, topicConfigStaticDefaults } from './config.js';
import { SEGMENT_BYTES_MIN } from '../storage/log-config.js';

/** Kafka's lower bounds of numeric topic configs (segment.bytes: 1 MiB since Kafka 4, KIP-1030). */
const minimums: Record<string, number> = {
  'segment.bytes': SEGMENT_BYTES_MIN,
  'segment.ms': 1,
  'retention.ms': -1,
  'index.interval.bytes': 0,
  'max.message.bytes': 0,
  'delete.retention.ms': 0,
  'min.compaction.lag.ms': 0,
  'min.insync.replicas': 1,
};

const numeric = new Set(['segment.bytes', 'segment.ms', 'retention.ms', 'retention.bytes', 'max.message.bytes', 'index.interval.bytes', 'min.insync.replicas', 'delete.retention.ms', 'min.compaction.lag.ms']);
const ratios = new Set(['min.cleanable.dirty.ratio']);
const choices: Record<string, string[]> = {
  'message.timestamp.type': ['CreateTime', 'LogAppendTime'],
  'cleanup.policy': ['delete', 'compact', 'compact,delete', 'delete,compact'],
  'compression.type': ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'],
};

/** Returns an error message, or null when the config is acceptable. */
export function checkTopicConfig(name: string, value: string | null): string | null {
  if (!(name in topicConfigDefaults)) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic config ${name}`;
  if (numeric.has(name) && !/^-?\d+$/.test(value)) return `Invalid value ${value} for configuration ${name}: Not a number of type LONG`;
  const min = minimums[name];
  if (min !== undefined && Number(value) < min) return `Invalid value ${value} for configuration ${name}: Value must be at least ${min}`;
  if (ratios.has(name) && !(/^\d*\.?\d+$/.test(value) && Number(value) <= 1)) return `Invalid value ${value} for configuration ${name}: Value must be between 0 and 1`;
  const allowed = choices[name];
  if (allowed !== undefined && !allowed.includes(value)) return `Invalid value ${value} for configuration ${name}: String must be one of: ${allowed.join(', ')}`;
  return null;
}

export interface EffectiveConfig {
  name: string;
  value: string;
  /** True when the topic sets it; false when it comes from the broker's default. */
  isTopicOverride: boolean;
}

export function effectiveTopicConfigs(topicConfigs: Record<string, string>, broker: BrokerConfig): EffectiveConfig[] {
  return Object.entries(topicConfigDefaults).map(([name, brokerName]) => {
    const own = topicConfigs[name];
    if (own !== undefined) return { name, value: own, isTopicOverride: true };
    const value = brokerName !== null ? broker.string(brokerName) : topicConfigStaticDefaults[name]!;
    return { name, value, isTopicOverride: false };
  });
}

const legalTopicChars = /^[a-zA-Z0-9._-]+$/;

/** Kafka's topic name rules; returns an error message or null. */
export function checkTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > 249) return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`;
  if (!legalTopicChars.test(name)) return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}
