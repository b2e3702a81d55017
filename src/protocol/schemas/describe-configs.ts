// DescribeConfigs (API key 32): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DescribeConfigsRequest = message(32, 'DescribeConfigsRequest', 'request', '0-4', '4+', [
  field('resources', arrayOf(struct('DescribeConfigsResource', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('configurationKeys', arrayOf('string'), '0+', { nullable: '0+' }),
  ])), '0+'),
  field('includeSynonyms', 'bool', '1+', { default: false }),
  field('includeDocumentation', 'bool', '3+', { default: false }),
]);

export const DescribeConfigsResponse = message(32, 'DescribeConfigsResponse', 'response', '0-4', '4+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('results', arrayOf(struct('DescribeConfigsResult', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+' }),
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('configs', arrayOf(struct('DescribeConfigsResourceResult', [
      field('name', 'string', '0+'),
      field('value', 'string', '0+', { nullable: '0+' }),
      field('readOnly', 'bool', '0+'),
      field('isDefault', 'bool', '0'),
      field('configSource', 'int8', '1+', { default: -1 }),
      field('isSensitive', 'bool', '0+'),
      field('synonyms', arrayOf(struct('DescribeConfigsSynonym', [
        field('name', 'string', '1+'),
        field('value', 'string', '1+', { nullable: '0+' }),
        field('source', 'int8', '1+'),
      ])), '1+'),
      field('configType', 'int8', '3+', { default: 0 }),
      field('documentation', 'string', '3+', { nullable: '0+' }),
    ])), '0+'),
  ])), '0+'),
]);
