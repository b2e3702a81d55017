// Metadata (API key 3): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const MetadataRequest = message(3, 'MetadataRequest', 'request', '0-13', '9+', [
  field('topics', arrayOf(struct('MetadataRequestTopic', [
    field('topicId', 'uuid', '10+'),
    field('name', 'string', '0+', { nullable: '10+' }),
  ])), '0+', { nullable: '1+' }),
  field('allowAutoTopicCreation', 'bool', '4+', { default: true }),
  field('includeClusterAuthorizedOperations', 'bool', '8-10'),
  field('includeTopicAuthorizedOperations', 'bool', '8+'),
]);

export const MetadataResponse = message(3, 'MetadataResponse', 'response', '0-13', '9+', [
  field('throttleTimeMs', 'int32', '3+'),
  field('brokers', arrayOf(struct('MetadataResponseBroker', [
    field('nodeId', 'int32', '0+'),
    field('host', 'string', '0+'),
    field('port', 'int32', '0+'),
    field('rack', 'string', '1+', { nullable: '1+', default: null }),
  ])), '0+'),
  field('clusterId', 'string', '2+', { nullable: '2+', default: null }),
  field('controllerId', 'int32', '1+', { default: -1 }),
  field('topics', arrayOf(struct('MetadataResponseTopic', [
    field('errorCode', 'int16', '0+'),
    field('name', 'string', '0+', { nullable: '12+' }),
    field('topicId', 'uuid', '10+'),
    field('isInternal', 'bool', '1+', { default: false }),
    field('partitions', arrayOf(struct('MetadataResponsePartition', [
      field('errorCode', 'int16', '0+'),
      field('partitionIndex', 'int32', '0+'),
      field('leaderId', 'int32', '0+'),
      field('leaderEpoch', 'int32', '7+', { default: -1 }),
      field('replicaNodes', arrayOf('int32'), '0+'),
      field('isrNodes', arrayOf('int32'), '0+'),
      field('offlineReplicas', arrayOf('int32'), '5+'),
    ])), '0+'),
    field('topicAuthorizedOperations', 'int32', '8+', { default: -2147483648 }),
  ])), '0+'),
  field('clusterAuthorizedOperations', 'int32', '8-10', { default: -2147483648 }),
  // v13 (Kafka 4.0, KIP-1102): a top-level error code, last among the top-level fields.
  field('errorCode', 'int16', '13+'),
]);
