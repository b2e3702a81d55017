/**
 * AlterPartitionReassignments (key 45), v0. Each partition has one replica, this node. Reassigning it to
 * exactly [this node] completes at once (NONE); any other broker id is not registered
 * (INVALID_REPLICA_ASSIGNMENT), as are an empty or repeating list; cancelling (null replicas) finds no
 * reassignment in progress (NO_REASSIGNMENT_IN_PROGRESS). Unknown partitions: UNKNOWN_TOPIC_OR_PARTITION.
 * Needs ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED at the top and for every partition).
 */
import { ApiKey, type AlterPartitionReassignmentsRequest, type AlterPartitionReassignmentsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';

type Partition = AlterPartitionReassignmentsRequest['topics'][number]['partitions'][number];

export const alterPartitionReassignmentsHandler = defineHandler(ApiKey.AlterPartitionReassignments, {
  minVersion: 0,
  maxVersion: 0,
  handle(req: AlterPartitionReassignmentsRequest, ctx: RequestContext): AlterPartitionReassignmentsResponseInput {
    if (!allowed(ctx, 'ALTER', 'CLUSTER')) {
      const denied = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      return {
        throttleTimeMs: 0, errorCode: denied, errorMessage: 'Cluster authorization failed.',
        responses: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: denied, errorMessage: null })) })),
      };
    }
    return {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null,
      responses: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => reassign(t.name, p, ctx)) })),
    };
  },
});

function reassign(topic: string, p: Partition, ctx: RequestContext): { partitionIndex: number; errorCode: number; errorMessage: string | null } {
  const out = (errorCode: number, errorMessage: string | null) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage });
  const t = ctx.broker.store.topic(topic);
  if (t === undefined || p.partitionIndex < 0 || p.partitionIndex >= t.partitions) return out(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
  if (p.replicas === null) return out(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, `No ongoing reassignment for ${topic}-${p.partitionIndex}.`);
  if (p.replicas.length === 0) return out(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.');
  if (new Set(p.replicas).size !== p.replicas.length) return out(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes a duplicate replica.');
  const others = p.replicas.filter((r) => r !== ctx.broker.nodeId);
  if (others.length > 0) {
    return out(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker(s) which are not registered: ${others.slice(0, 10).join(', ')}.`);
  }
  return out(ErrorCode.NONE, null);
}
