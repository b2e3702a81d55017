/** Everything a handler may reach: config, limits, storage, the fetch purgatory, the version registry. */
import type { BrokerConfig } from './config.js';
import type { Limits } from './limits.js';
import type { Logger } from './logger.js';
import type { ApiRegistry } from './api-registry.js';
import type { FetchPurgatory } from './fetch-purgatory.js';
import type { FetchBufferPool } from './fetch-buffers.js';
import type { TopicStore } from '../storage/topic-store.js';
import type { GroupCoordinator } from '../group/coordinator.js';
import type { ClientQuotaStore } from './client-quotas.js';
import type { ProducerIdManager } from '../txn/producer-ids.js';
import type { TransactionCoordinator } from '../txn/coordinator.js';
import type { Security } from '../security/security.js';

export interface BrokerState {
  config: BrokerConfig;
  limits: Limits;
  log: Logger;
  registry: ApiRegistry;
  store: TopicStore;
  purgatory: FetchPurgatory;
  /** Read buffers of Fetch responses, reused once a response is written. */
  fetchBuffers: FetchBufferPool;
  /** Consumer groups and committed offsets (classic and KIP-848). */
  groups: GroupCoordinator;
  /** Client quotas (AlterClientQuotas): stored and described, not enforced. */
  quotas: ClientQuotaStore;
  /** Producer ids for idempotent and transactional producers, never repeated. */
  producerIds: ProducerIdManager;
  /** The transaction coordinator (transactional ids, markers, timeouts). */
  txn: TransactionCoordinator;
  nodeId: number;
  clusterId: string;
  /** Host and port of the first listener, given to clients that did not come through a listener (HTTP). */
  advertised: { host: string; port: number };
  /** SASL mechanisms, SCRAM credentials, the authorizer (when ACLs are on). */
  security: Security;
  /** Set once shutdown begins: connections finish what is in flight and accept nothing new. */
  stopping: boolean;
}
