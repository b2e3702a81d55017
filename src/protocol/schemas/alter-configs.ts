// AlterConfigs (API key 33): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const AlterConfigsRequest = message(33, 'AlterConfigsRequest', 'request', '0-2', '2+', [
  field('resources', arrayOf(struct('AlterConfigsResource', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('configs', arrayOf(struct('AlterableConfig', [
      field('name', 'string', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
  field('validateOnly', 'bool', '0+'),
]);

export const AlterConfigsResponse = message(33, 'AlterConfigsResponse', 'response', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('responses', arrayOf(struct('AlterConfigsResourceResponse', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
  ])), '0+'),
]);
