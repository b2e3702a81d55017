/**
 * ElectLeaders (key 43), v0-2. Every partition's leader is this node, its only and preferred replica, so
 * no election is ever needed: each partition named answers ELECTION_NOT_NEEDED (preferred or unclean
 * alike), an unknown one UNKNOWN_TOPIC_OR_PARTITION. A null list (every partition) answers no partition,
 * as Kafka's controller leaves out those that need no election. Needs ALTER on the cluster (else every
 * partition named, and the answer, CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKey, type ElectLeadersRequest, type ElectLeadersResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';

const PREFERRED = 0;
const UNCLEAN = 1;

export const electLeadersHandler = defineHandler(ApiKey.ElectLeaders, {
  minVersion: 0,
  maxVersion: 2,
  handle(req: ElectLeadersRequest, ctx: RequestContext): ElectLeadersResponseInput {
    if (req.electionType !== PREFERRED && req.electionType !== UNCLEAN) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
    }
    const byTopic = new Map<string, Set<number>>();
    for (const t of req.topicPartitions ?? []) {
      const set = byTopic.get(t.topic) ?? new Set<number>();
      for (const p of t.partitions) set.add(p);
      byTopic.set(t.topic, set);
    }
    if (!allowed(ctx, 'ALTER', 'CLUSTER')) {
      const partitionResult = (ps: Set<number>) => [...ps].map((partitionId) => ({ partitionId, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null }));
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, replicaElectionResults: [...byTopic].map(([topic, ps]) => ({ topic, partitionResult: partitionResult(ps) })) };
    }
    const replicaElectionResults = [...byTopic].map(([topic, partitions]) => {
      const known = ctx.broker.store.topic(topic);
      return {
        topic,
        partitionResult: [...partitions].map((partitionId) => (known !== undefined && partitionId >= 0 && partitionId < known.partitions
          ? { partitionId, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' }
          : { partitionId, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'The partition does not exist.' })),
      };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
  },
});
