/**
 * AlterConfigs (key 33), v0-2, for TOPIC (2) resources: the request's configs replace the topic's whole
 * set of overrides (a config left out goes back to the broker default), as in Kafka. Checked as
 * CreateTopics checks configs, written to topic.json and applied to the open partition logs at once.
 * validateOnly checks without changing. BROKER (4): broker configs are static here, so any change
 * answers INVALID_REQUEST, an unknown name INVALID_CONFIG.
 * Not implemented: BROKER_LOGGER (8) and other resource types answer INVALID_REQUEST.
 */
import { ApiKey, type AlterConfigsRequest, type AlterConfigsResponseInput } from '../../protocol/generated/index.js';
import { defineHandler, type RequestContext } from '../handler.js';
import {
  RESOURCE_BROKER, RESOURCE_TOPIC, alterResource, alterTopicConfigs, duplicateResources, existingTopicConfigs,
  refuseBrokerChange, replacementOverrides, unsupportedResourceType,
} from '../config-alteration.js';
import { ConfigAlterationError } from '../config-alteration.js';
import { configResourceDenied } from '../authz.js';

export const alterConfigsHandler = defineHandler(ApiKey.AlterConfigs, {
  minVersion: 0,
  maxVersion: 2,
  handle(req: AlterConfigsRequest, ctx: RequestContext): AlterConfigsResponseInput {
    const { broker } = ctx;
    const duplicates = duplicateResources(req.resources);
    const responses = req.resources.map((r) => alterResource(r.resourceType, r.resourceName, duplicates, () => {
      const denied = configResourceDenied(ctx, 'ALTER_CONFIGS', r.resourceType, r.resourceName);
      if (denied !== 0) throw new ConfigAlterationError(denied, 'Authorization failed.');
      if (r.resourceType === RESOURCE_TOPIC) {
        existingTopicConfigs(broker, r.resourceName);
        const next = replacementOverrides(r.configs);
        alterTopicConfigs(broker, r.resourceName, next, req.validateOnly);
        if (!req.validateOnly) ctx.log.info({ topic: r.resourceName, configs: next }, 'replaced topic configs');
      } else if (r.resourceType === RESOURCE_BROKER) {
        refuseBrokerChange(broker, r.resourceName, r.configs.map((c) => c.name));
      } else {
        throw unsupportedResourceType(r.resourceType);
      }
    }));
    return { throttleTimeMs: 0, responses };
  },
});
