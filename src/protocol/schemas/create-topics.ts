// CreateTopics (API key 19): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const CreateTopicsRequest = message(19, 'CreateTopicsRequest', 'request', '0-7', '5+', [
  field('topics', arrayOf(struct('CreatableTopic', [
    field('name', 'string', '0+'),
    field('numPartitions', 'int32', '0+'),
    field('replicationFactor', 'int16', '0+'),
    field('assignments', arrayOf(struct('CreatableReplicaAssignment', [
      field('partitionIndex', 'int32', '0+'),
      field('brokerIds', arrayOf('int32'), '0+'),
    ])), '0+'),
    field('configs', arrayOf(struct('CreatableTopicConfig', [
      field('name', 'string', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  field('validateOnly', 'bool', '1+', { default: false }),
]);

export const CreateTopicsResponse = message(19, 'CreateTopicsResponse', 'response', '0-7', '5+', [
  field('throttleTimeMs', 'int32', '2+'),
  field('topics', arrayOf(struct('CreatableTopicResult', [
    field('name', 'string', '0+'),
    field('topicId', 'uuid', '7+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '1+', { nullable: '0+' }),
    field('topicConfigErrorCode', 'int16', '5+', { tag: 0, tagged: '5+' }),
    field('numPartitions', 'int32', '5+', { default: -1 }),
    field('replicationFactor', 'int16', '5+', { default: -1 }),
    field('configs', arrayOf(struct('CreatableTopicConfigs', [
      field('name', 'string', '5+'),
      field('value', 'string', '5+', { nullable: '5+' }),
      field('readOnly', 'bool', '5+'),
      field('configSource', 'int8', '5+', { default: -1 }),
      field('isSensitive', 'bool', '5+'),
    ])), '5+', { nullable: '5+' }),
  ])), '0+'),
]);
