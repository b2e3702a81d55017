/**
 * ListPartitionReassignments (key 46), v0. Reassignments complete at once on one node (see key 45), so
 * none is ever in progress: the answer lists no topic, whatever was asked (Kafka leaves out unknown topics).
 * Needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKey, type ListPartitionReassignmentsRequest, type ListPartitionReassignmentsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';

export const listPartitionReassignmentsHandler = defineHandler(ApiKey.ListPartitionReassignments, {
  minVersion: 0,
  maxVersion: 0,
  handle(_req: ListPartitionReassignmentsRequest, ctx: RequestContext): ListPartitionReassignmentsResponseInput {
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER')) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', topics: [] };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [] };
  },
});
