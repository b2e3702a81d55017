// CreatePartitions (API key 37): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const CreatePartitionsRequest = message(37, 'CreatePartitionsRequest', 'request', '0-3', '2+', [
  field('topics', arrayOf(struct('CreatePartitionsTopic', [
    field('name', 'string', '0+'),
    field('count', 'int32', '0+'),
    field('assignments', arrayOf(struct('CreatePartitionsAssignment', [
      field('brokerIds', arrayOf('int32'), '0+'),
    ])), '0+', { nullable: '0+' }),
  ])), '0+'),
  field('timeoutMs', 'int32', '0+'),
  field('validateOnly', 'bool', '0+'),
]);

export const CreatePartitionsResponse = message(37, 'CreatePartitionsResponse', 'response', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('results', arrayOf(struct('CreatePartitionsTopicResult', [
    field('name', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ])), '0+'),
]);
