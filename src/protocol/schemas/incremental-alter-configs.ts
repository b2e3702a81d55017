// IncrementalAlterConfigs (API key 44): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const IncrementalAlterConfigsRequest = message(44, 'IncrementalAlterConfigsRequest', 'request', '0-1', '1+', [
  field('resources', arrayOf(struct('AlterConfigsResource', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('configs', arrayOf(struct('AlterableConfig', [
      field('name', 'string', '0+'),
      /** 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT. */
      field('configOperation', 'int8', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
  field('validateOnly', 'bool', '0+'),
]);

export const IncrementalAlterConfigsResponse = message(44, 'IncrementalAlterConfigsResponse', 'response', '0-1', '1+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('responses', arrayOf(struct('AlterConfigsResourceResponse', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
  ])), '0+'),
]);
