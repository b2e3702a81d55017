// DescribeAcls (29), CreateAcls (30), DeleteAcls (31): our definitions of the request and response layouts.
// Pattern type appears in v1 (default 3 = LITERAL); v2 is the first flexible version.
import { arrayOf, field, message, struct } from './types.js';

function filterFields(): ReturnType<typeof field>[] {
  return [
    field('resourceTypeFilter', 'int8', '0+'),
    field('resourceNameFilter', 'string', '0+', { nullable: '0+' }),
    field('patternTypeFilter', 'int8', '1+', { default: 3 }),
    field('principalFilter', 'string', '0+', { nullable: '0+' }),
    field('hostFilter', 'string', '0+', { nullable: '0+' }),
    field('operation', 'int8', '0+'),
    field('permissionType', 'int8', '0+'),
  ];
}

export const DescribeAclsRequest = message(29, 'DescribeAclsRequest', 'request', '0-3', '2+', filterFields());

export const DescribeAclsResponse = message(29, 'DescribeAclsResponse', 'response', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('resources', arrayOf(struct('DescribeAclsResource', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('patternType', 'int8', '1+', { default: 3 }),
    field('acls', arrayOf(struct('AclDescription', [
      field('principal', 'string', '0+'),
      field('host', 'string', '0+'),
      field('operation', 'int8', '0+'),
      field('permissionType', 'int8', '0+'),
    ])), '0+'),
  ])), '0+'),
]);

export const CreateAclsRequest = message(30, 'CreateAclsRequest', 'request', '0-3', '2+', [
  field('creations', arrayOf(struct('AclCreation', [
    field('resourceType', 'int8', '0+'),
    field('resourceName', 'string', '0+'),
    field('resourcePatternType', 'int8', '1+', { default: 3 }),
    field('principal', 'string', '0+'),
    field('host', 'string', '0+'),
    field('operation', 'int8', '0+'),
    field('permissionType', 'int8', '0+'),
  ])), '0+'),
]);

export const CreateAclsResponse = message(30, 'CreateAclsResponse', 'response', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('results', arrayOf(struct('AclCreationResult', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ])), '0+'),
]);

export const DeleteAclsRequest = message(31, 'DeleteAclsRequest', 'request', '0-3', '2+', [
  field('filters', arrayOf(struct('DeleteAclsFilter', filterFields())), '0+'),
]);

export const DeleteAclsResponse = message(31, 'DeleteAclsResponse', 'response', '0-3', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('filterResults', arrayOf(struct('DeleteAclsFilterResult', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    field('matchingAcls', arrayOf(struct('DeleteAclsMatchingAcl', [
      field('errorCode', 'int16', '0+'),
      field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
      field('resourceType', 'int8', '0+'),
      field('resourceName', 'string', '0+'),
      field('patternType', 'int8', '1+', { default: 3 }),
      field('principal', 'string', '0+'),
      field('host', 'string', '0+'),
      field('operation', 'int8', '0+'),
      field('permissionType', 'int8', '0+'),
    ])), '0+'),
  ])), '0+'),
]);
