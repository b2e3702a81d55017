// DescribeCluster (API key 60): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DescribeClusterRequest = message(60, 'DescribeClusterRequest', 'request', '0-1', '0+', [
  field('includeClusterAuthorizedOperations', 'bool', '0+'),
  field('endpointType', 'int8', '1+', { default: 1 }),
]);

export const DescribeClusterResponse = message(60, 'DescribeClusterResponse', 'response', '0-1', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('endpointType', 'int8', '1+', { default: 1 }),
  field('clusterId', 'string', '0+'),
  field('controllerId', 'int32', '0+', { default: -1 }),
  field('brokers', arrayOf(struct('DescribeClusterBroker', [
    field('brokerId', 'int32', '0+'),
    field('host', 'string', '0+'),
    field('port', 'int32', '0+'),
    field('rack', 'string', '0+', { nullable: '0+', default: null }),
  ])), '0+'),
  field('clusterAuthorizedOperations', 'int32', '0+', { default: -2147483648 }),
]);
