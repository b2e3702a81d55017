// Produce (API key 0): our definition of the request and response layouts.
// v12 (Kafka 4.0, KIP-890) has the same layout as v11.
import { arrayOf, field, message, struct } from './types.js';

export const ProduceRequest = message(0, 'ProduceRequest', 'request', '0-12', '9+', [
  field('transactionalId', 'string', '3+', { nullable: '3+', default: null }),
  field('acks', 'int16', '0+'),
  field('timeoutMs', 'int32', '0+'),
  field('topicData', arrayOf(struct('TopicProduceData', [
    field('name', 'string', '0+'),
    field('partitionData', arrayOf(struct('PartitionProduceData', [
      field('index', 'int32', '0+'),
      field('records', 'records', '0+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
]);

export const ProduceResponse = message(0, 'ProduceResponse', 'response', '0-12', '9+', [
  field('responses', arrayOf(struct('TopicProduceResponse', [
    field('name', 'string', '0+'),
    field('partitionResponses', arrayOf(struct('PartitionProduceResponse', [
      field('index', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('baseOffset', 'int64', '0+'),
      field('logAppendTimeMs', 'int64', '2+', { default: -1n }),
      field('logStartOffset', 'int64', '5+', { default: -1n }),
      field('recordErrors', arrayOf(struct('BatchIndexAndErrorMessage', [
        field('batchIndex', 'int32', '8+'),
        field('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', default: null }),
      ])), '8+'),
      field('errorMessage', 'string', '8+', { nullable: '8+', default: null }),
      field('currentLeader', struct('LeaderIdAndEpoch', [
        field('leaderId', 'int32', '10+', { default: -1 }),
        field('leaderEpoch', 'int32', '10+', { default: -1 }),
      ]), '10+', { tag: 0, tagged: '10+' }),
    ])), '0+'),
  ])), '0+'),
  field('throttleTimeMs', 'int32', '1+', { default: 0 }),
  field('nodeEndpoints', arrayOf(struct('NodeEndpoint', [
    field('nodeId', 'int32', '10+'),
    field('host', 'string', '10+'),
    field('port', 'int32', '10+'),
    field('rack', 'string', '10+', { nullable: '10+', default: null }),
  ])), '10+', { tag: 0, tagged: '10+' }),
]);
