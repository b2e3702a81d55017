// LeaveGroup (API key 13): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const LeaveGroupRequest = message(13, 'LeaveGroupRequest', 'request', '0-5', '4+', [
  field('groupId', 'string', '0+'),
  field('memberId', 'string', '0-2'),
  field('members', arrayOf(struct('MemberIdentity', [
    field('memberId', 'string', '3+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
    field('reason', 'string', '5+', { nullable: '5+', default: null }),
  ])), '3+'),
]);

export const LeaveGroupResponse = message(13, 'LeaveGroupResponse', 'response', '0-5', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
  field('members', arrayOf(struct('MemberResponse', [
    field('memberId', 'string', '3+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+' }),
    field('errorCode', 'int16', '3+'),
  ])), '3+'),
]);
