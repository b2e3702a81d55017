/** DescribeCluster (key 60), v0-1: this one broker, which is also the controller. No ACLs: authorized operations are omitted. */
import { ApiKey, type DescribeClusterRequest, type DescribeClusterResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, authorizedOperations, AUTHORIZED_OPERATIONS_OMITTED } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';

export const describeClusterHandler = defineHandler(ApiKey.DescribeCluster, {
  minVersion: 0,
  maxVersion: 1,
  handle(req: DescribeClusterRequest, ctx: RequestContext): DescribeClusterResponseInput {
    const { nodeId, clusterId } = ctx.broker;
    const { advertised } = ctx.session.listener;
    if (!allowed(ctx, 'DESCRIBE', 'CLUSTER')) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, endpointType: req.endpointType, clusterId, controllerId: -1, brokers: [] };
    // endpointType 1 = brokers; 2 = controllers (KIP-919). We are both, so both see this node.
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      endpointType: req.endpointType,
      clusterId,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host: advertised.host, port: advertised.port, rack: null }],
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? authorizedOperations(ctx, 'CLUSTER') : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
