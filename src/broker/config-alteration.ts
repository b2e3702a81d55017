/**
 * Config changes shared by AlterConfigs (33) and IncrementalAlterConfigs (44): working out a topic's
 * next set of overrides, checking it with the same rules as CreateTopics, and applying it (topic.json
 * and the open partition logs, through the store). Broker configs are static in minikafka: they come
 * from the properties file and flags at start-up, so any change to one is refused.
 */
import { ConfigResourceType } from '../protocol/enums.js';
import { ErrorCode, MinikafkaError } from '../protocol/errors.js';
import { logConfigFrom } from '../storage/topic-store.js';
import { StorageError } from '../storage/errors.js';
import { configDefs } from './config.js';
import type { BrokerState } from './state.js';
import { checkTopicConfig, effectiveTopicConfig, isTopicConfigName, topicConfigByName } from './topic-configs.js';

export const RESOURCE_TOPIC = ConfigResourceType.TOPIC;
export const RESOURCE_BROKER = ConfigResourceType.BROKER;

/** IncrementalAlterConfigs operations, as numbered on the wire. */
export const ConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/** Why one resource's change is refused: the Kafka error code and message it answers with. */
export class ConfigAlterationError extends MinikafkaError {
  constructor(readonly errorCode: number, message: string) {
    super('ERR_CONFIG_ALTERATION', message);
  }
}

export interface ConfigChange {
  name: string;
  op: number;
  value: string | null;
}

/** Kafka answers INVALID_REQUEST for a resource named twice in one request. */
export function duplicateResources(resources: ReadonlyArray<{ resourceType: number; resourceName: string }>): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of resources) {
    const key = `${r.resourceType}:${r.resourceName}`;
    if (seen.has(key)) dup.add(key);
    seen.add(key);
  }
  return dup;
}

function rejectDuplicateNames(changes: readonly ConfigChange[]): void {
  const names = new Set<string>();
  for (const c of changes) {
    if (names.has(c.name)) throw new ConfigAlterationError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${c.name}`);
    names.add(c.name);
  }
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The overrides after applying `changes` in order to `current`; throws ConfigAlterationError. */
export function incrementalOverrides(current: Readonly<Record<string, string>>, changes: readonly ConfigChange[], broker: BrokerState): Record<string, string> {
  rejectDuplicateNames(changes);
  const next: Record<string, string> = { ...current };
  for (const c of changes) {
    if (!isTopicConfigName(c.name)) throw new ConfigAlterationError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${c.name}`);
    if (c.op === ConfigOp.DELETE) {
      delete next[c.name];
      continue;
    }
    if (c.value === null) throw new ConfigAlterationError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic config ${c.name}`);
    if (c.op === ConfigOp.SET) {
      next[c.name] = c.value;
    } else if (c.op === ConfigOp.APPEND || c.op === ConfigOp.SUBTRACT) {
      if (topicConfigByName.get(c.name)!.kind !== 'list') {
        const verb = c.op === ConfigOp.APPEND ? 'append' : 'subtract';
        throw new ConfigAlterationError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${c.name}`);
      }
      // The list starts from the effective value: the override, else the broker default.
      const base = next[c.name] ?? effectiveTopicConfig({}, c.name, broker.config).value;
      const items = splitList(base);
      const given = splitList(c.value);
      const result = c.op === ConfigOp.APPEND ? [...items, ...given.filter((v) => !items.includes(v))] : items.filter((v) => !given.includes(v));
      next[c.name] = result.join(',');
    } else {
      throw new ConfigAlterationError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.op} for config key: ${c.name}`);
    }
  }
  return next;
}

/** AlterConfigs: the given configs become the whole set of overrides. */
export function replacementOverrides(configs: ReadonlyArray<{ name: string; value: string | null }>): Record<string, string> {
  rejectDuplicateNames(configs.map((c) => ({ ...c, op: ConfigOp.SET })));
  const next: Record<string, string> = {};
  for (const c of configs) {
    if (c.value === null) throw new ConfigAlterationError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic config ${c.name}`);
    next[c.name] = c.value;
  }
  return next;
}

/** Checks `overrides` as CreateTopics would, then (unless validateOnly) persists and applies them. */
export function alterTopicConfigs(broker: BrokerState, topicName: string, overrides: Record<string, string>, validateOnly: boolean): void {
  for (const [name, value] of Object.entries(overrides)) {
    const problem = checkTopicConfig(name, value);
    if (problem !== null) throw new ConfigAlterationError(ErrorCode.INVALID_CONFIG, problem);
  }
  try {
    if (validateOnly) logConfigFrom(overrides, broker.store.defaults);
    else broker.store.setTopicConfigs(topicName, overrides);
  } catch (err) {
    if (err instanceof StorageError) throw new ConfigAlterationError(err.errorCode, err.message);
    throw err;
  }
}

/** Throws for a broker resource naming another broker or changing any config (none is dynamic here). */
export function refuseBrokerChange(broker: BrokerState, resourceName: string, names: readonly string[]): void {
  if (resourceName !== '' && resourceName !== String(broker.nodeId)) {
    throw new ConfigAlterationError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${broker.nodeId} but received ${resourceName}`);
  }
  const unknown = names.filter((n) => !(n in configDefs));
  if (unknown.length > 0) throw new ConfigAlterationError(ErrorCode.INVALID_CONFIG, `Unknown broker configs: ${unknown.join(', ')}`);
  if (names.length > 0) {
    throw new ConfigAlterationError(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: ${names.join(', ')} (minikafka broker configs are static: set them in the properties file or flags and restart)`);
  }
}

/** The per-resource answer both APIs share. */
export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** Runs one resource's change and turns a ConfigAlterationError into its answer; anything else is a bug and is rethrown. */
export function alterResource(resourceType: number, resourceName: string, duplicates: Set<string>, fn: () => void): AlterResult {
  const base = { resourceType, resourceName };
  if (duplicates.has(`${resourceType}:${resourceName}`)) {
    return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Error due to duplicate resource ${resourceName} in the request` };
  }
  try {
    fn();
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof ConfigAlterationError) return { ...base, errorCode: err.errorCode, errorMessage: err.message };
    throw err;
  }
}

/** Topic lookup for a config change: UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
export function existingTopicConfigs(broker: BrokerState, name: string): Readonly<Record<string, string>> {
  const topic = broker.store.topic(name);
  if (topic === undefined) throw new ConfigAlterationError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
  return topic.configs;
}

export function unsupportedResourceType(resourceType: number): ConfigAlterationError {
  return new ConfigAlterationError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}`);
}
