/**
 * Topic-level configs: which names exist, how values are checked, and the effective value of each
 * (the topic's override, else the broker config it defaults to, else Kafka's default), with the
 * synonyms and sources DescribeConfigs reports. The definitions are in topic-config-defs.ts.
 */
import type { BrokerConfig } from './config.js';
import { configDefs, type ConfigName } from './config.js';
import { ConfigType, kafkaListingOrder, topicConfigByName, topicConfigDefs, type TopicConfigDef } from './topic-config-defs.js';

export { topicConfigDefs, topicConfigByName } from './topic-config-defs.js';

/** DescribeConfigs' configSource numbers. */
import { ConfigSource } from '../protocol/enums.js';

export { ConfigSource };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function isTopicConfigName(name: string): boolean {
  return topicConfigByName.has(name);
}

function invalid(name: string, value: string, why: string): string {
  return `Invalid value ${value} for configuration ${name}: ${why}`;
}

/** Returns an error message, or null when the config is acceptable (Kafka's checks and messages). */
export function checkTopicConfig(name: string, value: string | null): string | null {
  const d = topicConfigByName.get(name);
  if (d === undefined) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic config ${name}`;
  const v = value.trim();
  switch (d.kind) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(v)) return invalid(name, value, `Not a number of type ${d.kind.toUpperCase()}`);
      const n = BigInt(v);
      if (d.kind === 'int' ? n < INT32_MIN || n > INT32_MAX : n < INT64_MIN || n > INT64_MAX) return invalid(name, value, `Not a number of type ${d.kind.toUpperCase()}`);
      if (d.min !== undefined && n < BigInt(d.min)) return invalid(name, value, `Value must be at least ${d.min}`);
      if (d.max !== undefined && n > BigInt(d.max)) return invalid(name, value, `Value must be no more than ${d.max}`);
      break;
    }
    case 'double': {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) return invalid(name, value, 'Not a number of type DOUBLE');
      if ((d.min !== undefined && n < Number(d.min)) || (d.max !== undefined && n > d.max)) return invalid(name, value, `Value must be between ${d.min} and ${d.max}`);
      break;
    }
    case 'boolean':
      if (!/^(true|false)$/i.test(v)) return invalid(name, value, 'Expected value to be either true or false');
      break;
    case 'string':
      if (d.choices !== undefined && !d.choices.includes(v)) return invalid(name, value, `String must be one of: ${d.choices.join(', ')}`);
      break;
    case 'list': {
      const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (d.choices !== undefined) {
        if (items.length === 0) return invalid(name, value, `Value must be one of: ${d.choices.join(', ')}`);
        if (items.some((i) => !d.choices!.includes(i))) return invalid(name, value, `String must be one of: ${d.choices.join(', ')}`);
        if (new Set(items).size !== items.length) return invalid(name, value, 'Values must not repeat');
      }
      break;
    }
  }
  const extra = d.check?.(v) ?? null;
  return extra === null ? null : invalid(name, value, extra);
}

export interface ConfigSynonym {
  name: string;
  value: string;
  source: number;
}

export interface EffectiveConfig {
  name: string;
  value: string;
  /** True when the topic sets it; false when it comes from the broker's config or Kafka's default. */
  isTopicOverride: boolean;
  source: number;
  configType: number;
  /** Topic override first, then the broker config it defaults to (as Kafka lists them). */
  synonyms: ConfigSynonym[];
  documentation: string;
}

const typeOf: Record<TopicConfigDef['kind'], number> = {
  boolean: ConfigType.BOOLEAN, string: ConfigType.STRING, int: ConfigType.INT, long: ConfigType.LONG, double: ConfigType.DOUBLE, list: ConfigType.LIST,
};

function brokerKnows(name: string): name is ConfigName {
  return name in configDefs;
}

/** Kafka writes a list without spaces and a boolean in lower case. */
function canonical(d: TopicConfigDef, value: string): string {
  if (d.kind === 'list') return value.split(',').map((s) => s.trim()).filter((s) => s !== '').join(',');
  if (d.kind === 'boolean') return value.trim().toLowerCase();
  return value.trim();
}

function effective(d: TopicConfigDef, own: string | undefined, broker: BrokerConfig): EffectiveConfig {
  const brokerSynonyms: ConfigSynonym[] = [];
  let brokerValue = d.defaultValue;
  if (d.brokerName !== null) {
    if (brokerKnows(d.brokerName)) {
      brokerValue = broker.string(d.brokerName);
      if (broker.explicit.has(d.brokerName)) brokerSynonyms.push({ name: d.brokerName, value: brokerValue, source: ConfigSource.STATIC_BROKER });
      if (d.brokerHasDefault) brokerSynonyms.push({ name: d.brokerName, value: configDefs[d.brokerName].default, source: ConfigSource.DEFAULT });
    } else if (d.brokerHasDefault) {
      brokerSynonyms.push({ name: d.brokerName, value: d.defaultValue, source: ConfigSource.DEFAULT });
    }
  }
  const value = canonical(d, own ?? brokerValue);
  const synonyms = own !== undefined ? [{ name: d.name, value, source: ConfigSource.TOPIC }, ...brokerSynonyms] : brokerSynonyms;
  return {
    name: d.name, value, isTopicOverride: own !== undefined, source: synonyms[0]?.source ?? ConfigSource.DEFAULT,
    configType: typeOf[d.kind], synonyms, documentation: d.doc,
  };
}

/** Every config Kafka 4.x lists for a topic (plus legacy ones the topic sets), in Kafka's order. */
export function effectiveTopicConfigs(topicConfigs: Readonly<Record<string, string>>, broker: BrokerConfig): EffectiveConfig[] {
  const names = topicConfigDefs.filter((d) => !d.legacy || topicConfigs[d.name] !== undefined).map((d) => d.name);
  return kafkaListingOrder(names).map((n) => effective(topicConfigByName.get(n)!, topicConfigs[n], broker));
}

/** The effective value of one config (the topic's override, else its default). */
export function effectiveTopicConfig(topicConfigs: Readonly<Record<string, string>>, name: string, broker: BrokerConfig): EffectiveConfig {
  const d = topicConfigByName.get(name);
  if (d === undefined) throw new Error(`not a topic config: ${name}`);
  return effective(d, topicConfigs[name], broker);
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
