/**
 * IncrementalAlterConfigs (key 44), v0-1, for TOPIC (2) resources: SET, DELETE, and APPEND/SUBTRACT on
 * list configs (cleanup.policy). Values are checked as CreateTopics checks them; a change is written to
 * topic.json and applied to the open partition logs at once. validateOnly checks without changing.
 * BROKER (4) resources: broker configs are static here, so any change answers INVALID_REQUEST
 * ("Cannot update these configs dynamically"), an unknown name INVALID_CONFIG; an empty change succeeds.
 * Not implemented: BROKER_LOGGER (8) and other resource types answer INVALID_REQUEST.
 */
import { ApiKey, type IncrementalAlterConfigsRequest, type IncrementalAlterConfigsResponseInput } from '../../protocol/generated/index.js';
import { defineHandler, type RequestContext } from '../handler.js';
import {
  RESOURCE_BROKER, RESOURCE_TOPIC, alterResource, alterTopicConfigs, duplicateResources, existingTopicConfigs,
  incrementalOverrides, refuseBrokerChange, unsupportedResourceType,
} from '../config-alteration.js';
import { ConfigAlterationError } from '../config-alteration.js';
import { configResourceDenied } from '../authz.js';

export const incrementalAlterConfigsHandler = defineHandler(ApiKey.IncrementalAlterConfigs, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: IncrementalAlterConfigsRequest, ctx: RequestContext): IncrementalAlterConfigsResponseInput {
    const { broker } = ctx;
    const duplicates = duplicateResources(req.resources);
    const responses = req.resources.map((r) => alterResource(r.resourceType, r.resourceName, duplicates, () => {
      const denied = configResourceDenied(ctx, 'ALTER_CONFIGS', r.resourceType, r.resourceName);
      if (denied !== 0) throw new ConfigAlterationError(denied, 'Authorization failed.');
      const changes = r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
      if (r.resourceType === RESOURCE_TOPIC) {
        const next = incrementalOverrides(existingTopicConfigs(broker, r.resourceName), changes, broker);
        alterTopicConfigs(broker, r.resourceName, next, req.validateOnly);
        if (!req.validateOnly) ctx.log.info({ topic: r.resourceName, changes, configs: next }, 'altered topic configs');
      } else if (r.resourceType === RESOURCE_BROKER) {
        refuseBrokerChange(broker, r.resourceName, changes.map((c) => c.name));
      } else {
        throw unsupportedResourceType(r.resourceType);
      }
    }));
    return { throttleTimeMs: 0, responses };
  },
});
