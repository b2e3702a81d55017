// SyncGroup (API key 14): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const SyncGroupRequest = message(14, 'SyncGroupRequest', 'request', '0-5', '4+', [
  field('groupId', 'string', '0+'),
  field('generationId', 'int32', '0+'),
  field('memberId', 'string', '0+'),
  field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
  field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
  field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
  field('assignments', arrayOf(struct('SyncGroupRequestAssignment', [
    field('memberId', 'string', '0+'),
    field('assignment', 'bytes', '0+'),
  ])), '0+'),
]);

export const SyncGroupResponse = message(14, 'SyncGroupResponse', 'response', '0-5', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
  field('protocolType', 'string', '5+', { nullable: '5+', default: null }),
  field('protocolName', 'string', '5+', { nullable: '5+', default: null }),
  field('assignment', 'bytes', '0+'),
]);
