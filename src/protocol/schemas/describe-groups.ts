// DescribeGroups (API key 15): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DescribeGroupsRequest = message(15, 'DescribeGroupsRequest', 'request', '0-5', '5+', [
  field('groups', arrayOf('string'), '0+'),
  field('includeAuthorizedOperations', 'bool', '3+'),
]);

export const DescribeGroupsResponse = message(15, 'DescribeGroupsResponse', 'response', '0-5', '5+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('groups', arrayOf(struct('DescribedGroup', [
    field('errorCode', 'int16', '0+'),
    field('groupId', 'string', '0+'),
    field('groupState', 'string', '0+'),
    field('protocolType', 'string', '0+'),
    field('protocolData', 'string', '0+'),
    field('members', arrayOf(struct('DescribedGroupMember', [
      field('memberId', 'string', '0+'),
      field('groupInstanceId', 'string', '4+', { nullable: '4+', default: null }),
      field('clientId', 'string', '0+'),
      field('clientHost', 'string', '0+'),
      field('memberMetadata', 'bytes', '0+'),
      field('memberAssignment', 'bytes', '0+'),
    ])), '0+'),
    field('authorizedOperations', 'int32', '3+', { default: -2147483648 }),
  ])), '0+'),
]);
