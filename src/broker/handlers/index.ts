/** Every handler, registered once. Adding an API = one file named by its key + one line here. */
import type { ApiRegistry } from '../api-registry.js';
import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { createTopicsHandler } from './19-create-topics.js';
import { deleteTopicsHandler } from './20-delete-topics.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import { describeConfigsHandler } from './32-describe-configs.js';
import { createPartitionsHandler } from './37-create-partitions.js';
import { describeClusterHandler } from './60-describe-cluster.js';

export function registerHandlers(registry: ApiRegistry): void {
  for (const h of [
    produceHandler, fetchHandler, listOffsetsHandler, metadataHandler, apiVersionsHandler, createTopicsHandler,
    deleteTopicsHandler, initProducerIdHandler, describeConfigsHandler, createPartitionsHandler, describeClusterHandler,
  ]) {
    registry.register(h);
  }
}
