// DeleteTopics (API key 20): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DeleteTopicsRequest = message(20, 'DeleteTopicsRequest', 'request', '0-6', '4+', [
  field('topics', arrayOf(struct('DeleteTopicState', [
    field('name', 'string', '6+', { nullable: '6+', default: null }),
    field('topicId', 'uuid', '6+'),
  ])), '6+'),
  field('topicNames', arrayOf('string'), '0-5'),
  field('timeoutMs', 'int32', '0+'),
]);

export const DeleteTopicsResponse = message(20, 'DeleteTopicsResponse', 'response', '0-6', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('responses', arrayOf(struct('DeletableTopicResult', [
    field('name', 'string', '0+', { nullable: '6+' }),
    field('topicId', 'uuid', '6+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '5+', { nullable: '5+', default: null }),
  ])), '0+'),
]);
