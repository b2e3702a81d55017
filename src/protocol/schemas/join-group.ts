// JoinGroup (API key 11): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const JoinGroupRequest = message(11, 'JoinGroupRequest', 'request', '0-9', '6+', [
  field('groupId', 'string', '0+'),
  field('sessionTimeoutMs', 'int32', '0+'),
  field('rebalanceTimeoutMs', 'int32', '1+', { default: -1 }),
  field('memberId', 'string', '0+'),
  field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
  field('protocolType', 'string', '0+'),
  field('protocols', arrayOf(struct('JoinGroupRequestProtocol', [
    field('name', 'string', '0+'),
    field('metadata', 'bytes', '0+'),
  ])), '0+'),
  field('reason', 'string', '8+', { nullable: '8+', default: null }),
]);

export const JoinGroupResponse = message(11, 'JoinGroupResponse', 'response', '0-9', '6+', [
  field('throttleTimeMs', 'int32', '2+'),
  field('errorCode', 'int16', '0+'),
  field('generationId', 'int32', '0+', { default: -1 }),
  field('protocolType', 'string', '7+', { nullable: '7+', default: null }),
  field('protocolName', 'string', '0+', { nullable: '7+' }),
  field('leader', 'string', '0+'),
  field('skipAssignment', 'bool', '9+', { default: false }),
  field('memberId', 'string', '0+'),
  field('members', arrayOf(struct('JoinGroupResponseMember', [
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', default: null }),
    field('metadata', 'bytes', '0+'),
  ])), '0+'),
]);
