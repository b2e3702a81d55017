/**
 * DescribeConfigs (key 32), v0-4 (v0: Kafka 3.9's, for older clients), for TOPIC (2) and BROKER (4) resources.
 * Topic configs are Kafka's whole set (topic-config-defs.ts) with Kafka's types, synonyms (the topic
 * override, then the broker's `log.*` config), sources, our documentation, and Kafka's order; an empty
 * or null key list means every config. Broker values are ours, from config.ts.
 * A resource named more than once answers INVALID_REQUEST with no configs at each mention (as AlterConfigs
 * does; Kafka answers each copy in full): 2,000 copies of the broker resource with documentation were ~30 MB.
 * No message either, so a duplicate's answer is about the size of its mention in the request.
 * Not implemented: BROKER_LOGGER (8) and other resource types answer INVALID_REQUEST.
 */
import { configResourceDenied } from '../authz.js';
import { isSensitiveConfig } from '../../security/config-defs.js';
import { ApiKey, type DescribeConfigsRequest, type DescribeConfigsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { configDefs, type ConfigName } from '../config.js';
import { ConfigSource, effectiveTopicConfigs } from '../topic-configs.js';
import { ConfigType } from '../topic-config-defs.js';
import { RESOURCE_BROKER, RESOURCE_TOPIC, duplicateResources } from '../config-alteration.js';

type Result = NonNullable<DescribeConfigsResponseInput['results']>[number];
type ConfigOut = NonNullable<Result['configs']>[number];
type Resource = DescribeConfigsRequest['resources'][number];

const typeCode: Record<string, number> = { bool: ConfigType.BOOLEAN, string: ConfigType.STRING, int: ConfigType.INT, long: ConfigType.LONG, list: ConfigType.LIST, password: ConfigType.PASSWORD };

export const describeConfigsHandler = defineHandler(ApiKey.DescribeConfigs, {
  minVersion: 0,
  maxVersion: 4,
  handle(req: DescribeConfigsRequest, ctx: RequestContext): DescribeConfigsResponseInput {
    const duplicates = duplicateResources(req.resources);
    return {
      throttleTimeMs: 0,
      results: req.resources.map((r) => duplicates.has(`${r.resourceType}:${r.resourceName}`)
        ? { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: null, configs: [] }
        : describe(r, req, ctx)),
    };
  },
});

function describe(r: Resource, req: DescribeConfigsRequest, ctx: RequestContext): Result {
  const base = { resourceType: r.resourceType, resourceName: r.resourceName };
  const denied = configResourceDenied(ctx, 'DESCRIBE_CONFIGS', r.resourceType, r.resourceName);
  if (denied !== 0) return { ...base, errorCode: denied, errorMessage: 'Authorization failed.', configs: [] };
  // null or an empty list: every config (Kafka's ConfigHelper). A set, not includes(): keys × configs.
  const wanted = r.configurationKeys === null || r.configurationKeys.length === 0 ? null : new Set(r.configurationKeys);
  const keep = (name: string): boolean => wanted === null || wanted.has(name);
  if (r.resourceType === RESOURCE_TOPIC) {
    const topic = ctx.broker.store.topic(r.resourceName);
    if (topic === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${r.resourceName} does not exist`, configs: [] };
    const configs = effectiveTopicConfigs(topic.configs, ctx.broker.config).filter((c) => keep(c.name)).map((c): ConfigOut => ({
      name: c.name, value: c.value, readOnly: false, isDefault: c.source === ConfigSource.DEFAULT, configSource: c.source, isSensitive: false,
      synonyms: req.includeSynonyms ? c.synonyms : [], configType: c.configType, documentation: req.includeDocumentation ? c.documentation : null,
    }));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }
  if (r.resourceType === RESOURCE_BROKER) {
    if (r.resourceName !== '' && r.resourceName !== String(ctx.broker.nodeId)) {
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${ctx.broker.nodeId} but received ${r.resourceName}`, configs: [] };
    }
    const config = ctx.broker.config;
    const configs = config.entries().filter(([name]) => keep(name)).map(([name, value]): ConfigOut => {
      const def = configDefs[name as ConfigName];
      const explicit = config.explicit.has(name);
      // As Kafka: the static setting, then the default it replaces.
      const synonyms = [...(explicit ? [{ name, value, source: ConfigSource.STATIC_BROKER }] : []), { name, value: def.default, source: ConfigSource.DEFAULT }];
      const source = synonyms[0]!.source;
      return {
        // Passwords and JAAS lines are never sent: null and sensitive, as Kafka answers them.
        ...sensitiveAware(name, value), readOnly: true, isDefault: source === ConfigSource.DEFAULT, configSource: source,
        synonyms: req.includeSynonyms ? synonyms.map((s) => ({ ...sensitiveAware(s.name, s.value), source: s.source })) : [],
        configType: typeCode[def.kind] ?? 0, documentation: req.includeDocumentation ? def.doc : null,
      };
    });
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }
  return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}`, configs: [] };
}

function sensitiveAware(name: string, value: string): { name: string; value: string | null; isSensitive: boolean } {
  return isSensitiveConfig(name) ? { name, value: null, isSensitive: true } : { name, value, isSensitive: false };
}
