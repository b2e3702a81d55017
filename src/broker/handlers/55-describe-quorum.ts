/**
 * DescribeQuorum (key 55), v0-2: the KRaft metadata quorum of a single-node cluster. This node is the
 * only voter and the leader of `__cluster_metadata`-0 in epoch 1; minikafka keeps no metadata log, so
 * its end offset and high watermark are 0, and it is caught up as of the request. Any other partition
 * answers UNKNOWN_TOPIC_OR_PARTITION at the partition, as Kafka's raft client does. v2 lists this
 * node's listener (as the controller's). Needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED).
 */
import { ApiKey, type DescribeQuorumRequest, type DescribeQuorumResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { allowed } from '../authz.js';

const METADATA_TOPIC = '__cluster_metadata';
const NO_DIRECTORY_ID = '00000000-0000-0000-0000-000000000000';

export const describeQuorumHandler = defineHandler(ApiKey.DescribeQuorum, {
  minVersion: 0,
  maxVersion: 2,
  handle(req: DescribeQuorumRequest, ctx: RequestContext): DescribeQuorumResponseInput {
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER')) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', topics: [], nodes: [] };
    const { nodeId, advertised } = ctx.broker;
    const now = BigInt(Date.now());
    return {
      errorCode: ErrorCode.NONE, errorMessage: null,
      topics: req.topics.map((t) => ({
        topicName: t.topicName,
        partitions: t.partitions.map((p) => (t.topicName === METADATA_TOPIC && p.partitionIndex === 0
          ? {
            partitionIndex: 0, errorCode: ErrorCode.NONE, errorMessage: null, leaderId: nodeId, leaderEpoch: 1, highWatermark: 0n,
            currentVoters: [{ replicaId: nodeId, replicaDirectoryId: NO_DIRECTORY_ID, logEndOffset: 0n, lastFetchTimestamp: now, lastCaughtUpTimestamp: now }],
            observers: [],
          }
          : {
            partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null,
            leaderId: -1, leaderEpoch: -1, highWatermark: -1n, currentVoters: [], observers: [],
          })),
      })),
      nodes: [{ nodeId, listeners: [{ name: 'CONTROLLER', host: advertised.host, port: advertised.port }] }],
    };
  },
});
