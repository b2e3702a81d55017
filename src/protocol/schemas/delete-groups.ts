// DeleteGroups (API key 42): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DeleteGroupsRequest = message(42, 'DeleteGroupsRequest', 'request', '0-2', '2+', [
  field('groupsNames', arrayOf('string'), '0+'),
]);

export const DeleteGroupsResponse = message(42, 'DeleteGroupsResponse', 'response', '0-2', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('results', arrayOf(struct('DeletableGroupResult', [
    field('groupId', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
  ])), '0+'),
]);
