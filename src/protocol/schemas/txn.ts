// Transaction APIs (keys 24, 25, 26, 28, 61, 65, 66): our definitions of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

const addPartitionsTopic = struct('Topic', [
  field('name', 'string', '0+'),
  field('partitions', arrayOf('int32'), '0+'),
]);

export const AddPartitionsToTxnRequest = message(24, 'AddPartitionsToTxnRequest', 'request', '0-5', '3+', [
  field('transactions', arrayOf(struct('Transaction', [
    field('transactionalId', 'string', '4+'),
    field('producerId', 'int64', '4+'),
    field('producerEpoch', 'int16', '4+'),
    field('verifyOnly', 'bool', '4+', { default: false }),
    field('topics', arrayOf(addPartitionsTopic), '4+'),
  ])), '4+'),
  field('v3AndBelowTransactionalId', 'string', '0-3'),
  field('v3AndBelowProducerId', 'int64', '0-3'),
  field('v3AndBelowProducerEpoch', 'int16', '0-3'),
  field('v3AndBelowTopics', arrayOf(addPartitionsTopic), '0-3'),
]);

const addPartitionsTopicResult = struct('TopicResult', [
  field('name', 'string', '0+'),
  field('resultsByPartition', arrayOf(struct('PartitionResult', [
    field('partitionIndex', 'int32', '0+'),
    field('partitionErrorCode', 'int16', '0+'),
  ])), '0+'),
]);

export const AddPartitionsToTxnResponse = message(24, 'AddPartitionsToTxnResponse', 'response', '0-5', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '4+'),
  field('resultsByTransaction', arrayOf(struct('Result', [
    field('transactionalId', 'string', '4+'),
    field('topicResults', arrayOf(addPartitionsTopicResult), '4+'),
  ])), '4+'),
  field('resultsByTopicV3AndBelow', arrayOf(addPartitionsTopicResult), '0-3'),
]);

export const AddOffsetsToTxnRequest = message(25, 'AddOffsetsToTxnRequest', 'request', '0-4', '3+', [
  field('transactionalId', 'string', '0+'),
  field('producerId', 'int64', '0+'),
  field('producerEpoch', 'int16', '0+'),
  field('groupId', 'string', '0+'),
]);

export const AddOffsetsToTxnResponse = message(25, 'AddOffsetsToTxnResponse', 'response', '0-4', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
]);

export const EndTxnRequest = message(26, 'EndTxnRequest', 'request', '0-4', '3+', [
  field('transactionalId', 'string', '0+'),
  field('producerId', 'int64', '0+'),
  field('producerEpoch', 'int16', '0+'),
  field('committed', 'bool', '0+'),
]);

export const EndTxnResponse = message(26, 'EndTxnResponse', 'response', '0-4', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
]);

export const TxnOffsetCommitRequest = message(28, 'TxnOffsetCommitRequest', 'request', '0-4', '3+', [
  field('transactionalId', 'string', '0+'),
  field('groupId', 'string', '0+'),
  field('producerId', 'int64', '0+'),
  field('producerEpoch', 'int16', '0+'),
  field('generationId', 'int32', '3+', { default: -1 }),
  field('memberId', 'string', '3+', { default: '' }),
  field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  field('topics', arrayOf(struct('Topic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('Partition', [
      field('partitionIndex', 'int32', '0+'),
      field('committedOffset', 'int64', '0+'),
      field('committedLeaderEpoch', 'int32', '2+', { default: -1 }),
      field('committedMetadata', 'string', '0+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
]);

export const TxnOffsetCommitResponse = message(28, 'TxnOffsetCommitResponse', 'response', '0-4', '3+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('topics', arrayOf(struct('Topic', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('Partition', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const DescribeProducersRequest = message(61, 'DescribeProducersRequest', 'request', '0', '0+', [
  field('topics', arrayOf(struct('TopicRequest', [
    field('name', 'string', '0+'),
    field('partitionIndexes', arrayOf('int32'), '0+'),
  ])), '0+'),
]);

export const DescribeProducersResponse = message(61, 'DescribeProducersResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('topics', arrayOf(struct('TopicResponse', [
    field('name', 'string', '0+'),
    field('partitions', arrayOf(struct('PartitionResponse', [
      field('partitionIndex', 'int32', '0+'),
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('activeProducers', arrayOf(struct('ProducerState', [
        field('producerId', 'int64', '0+'),
        field('producerEpoch', 'int32', '0+'),
        field('lastSequence', 'int32', '0+', { default: -1 }),
        field('lastTimestamp', 'int64', '0+', { default: -1n }),
        field('coordinatorEpoch', 'int32', '0+'),
        field('currentTxnStartOffset', 'int64', '0+', { default: -1n }),
      ])), '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const DescribeTransactionsRequest = message(65, 'DescribeTransactionsRequest', 'request', '0', '0+', [
  field('transactionalIds', arrayOf('string'), '0+'),
]);

export const DescribeTransactionsResponse = message(65, 'DescribeTransactionsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('transactionStates', arrayOf(struct('TransactionState', [
    field('errorCode', 'int16', '0+'),
    field('transactionalId', 'string', '0+'),
    field('transactionState', 'string', '0+'),
    field('transactionTimeoutMs', 'int32', '0+'),
    field('transactionStartTimeMs', 'int64', '0+'),
    field('producerId', 'int64', '0+'),
    field('producerEpoch', 'int16', '0+'),
    field('topics', arrayOf(struct('TopicData', [
      field('topic', 'string', '0+'),
      field('partitions', arrayOf('int32'), '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const ListTransactionsRequest = message(66, 'ListTransactionsRequest', 'request', '0-1', '0+', [
  field('stateFilters', arrayOf('string'), '0+'),
  field('producerIdFilters', arrayOf('int64'), '0+'),
  field('durationFilter', 'int64', '1+', { default: -1n }),
]);

export const ListTransactionsResponse = message(66, 'ListTransactionsResponse', 'response', '0-1', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('unknownStateFilters', arrayOf('string'), '0+'),
  field('transactionStates', arrayOf(struct('TransactionState', [
    field('transactionalId', 'string', '0+'),
    field('producerId', 'int64', '0+'),
    field('transactionState', 'string', '0+'),
  ])), '0+'),
]);
