// ListGroups (API key 16): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const ListGroupsRequest = message(16, 'ListGroupsRequest', 'request', '0-5', '3+', [
  field('statesFilter', arrayOf('string'), '4+'),
  field('typesFilter', arrayOf('string'), '5+'),
]);

export const ListGroupsResponse = message(16, 'ListGroupsResponse', 'response', '0-5', '3+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
  field('groups', arrayOf(struct('ListedGroup', [
    field('groupId', 'string', '0+'),
    field('protocolType', 'string', '0+'),
    field('groupState', 'string', '4+'),
    field('groupType', 'string', '5+'),
  ])), '0+'),
]);
