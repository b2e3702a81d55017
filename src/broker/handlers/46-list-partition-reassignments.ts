/**
 * ListPartitionReassignments (key 46), v0. Reassignments complete at once on one node (see key 45), so
 * none is ever in progress: the answer lists no topic, whatever was asked (Kafka leaves out unknown topics).
 */
import { ApiKey, type ListPartitionReassignmentsRequest, type ListPartitionReassignmentsResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler } from '../handler.js';

export const listPartitionReassignmentsHandler = defineHandler(ApiKey.ListPartitionReassignments, {
  minVersion: 0,
  maxVersion: 0,
  handle(_req: ListPartitionReassignmentsRequest): ListPartitionReassignmentsResponseInput {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [] };
  },
});
