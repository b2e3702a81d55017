// DescribeClientQuotas (API key 48) and AlterClientQuotas (49): our definitions of the layouts.
import { arrayOf, field, message, struct } from './types.js';

const EntityData = struct('EntityData', [
  field('entityType', 'string', '0+'),
  field('entityName', 'string', '0+', { nullable: '0+' }),
]);

export const DescribeClientQuotasRequest = message(48, 'DescribeClientQuotasRequest', 'request', '0-1', '1+', [
  field('components', arrayOf(struct('ComponentData', [
    field('entityType', 'string', '0+'),
    field('matchType', 'int8', '0+'),
    field('match', 'string', '0+', { nullable: '0+' }),
  ])), '0+'),
  field('strict', 'bool', '0+'),
]);

export const DescribeClientQuotasResponse = message(48, 'DescribeClientQuotasResponse', 'response', '0-1', '1+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('entries', arrayOf(struct('DescribeClientQuotasEntryData', [
    field('entity', arrayOf(EntityData), '0+'),
    field('values', arrayOf(struct('ValueData', [
      field('key', 'string', '0+'),
      field('value', 'float64', '0+'),
    ])), '0+'),
  ])), '0+', { nullable: '0+' }),
]);

export const AlterClientQuotasRequest = message(49, 'AlterClientQuotasRequest', 'request', '0-1', '1+', [
  field('entries', arrayOf(struct('AlterClientQuotasEntryData', [
    field('entity', arrayOf(EntityData), '0+'),
    field('ops', arrayOf(struct('OpData', [
      field('key', 'string', '0+'),
      field('value', 'float64', '0+'),
      field('remove', 'bool', '0+'),
    ])), '0+'),
  ])), '0+'),
  field('validateOnly', 'bool', '0+'),
]);

export const AlterClientQuotasResponse = message(49, 'AlterClientQuotasResponse', 'response', '0-1', '1+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('entries', arrayOf(struct('AlterClientQuotasResponseEntryData', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    field('entity', arrayOf(EntityData), '0+'),
  ])), '0+'),
]);
