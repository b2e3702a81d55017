// Heartbeat (API key 12): our definition of the request and response layouts.
import { field, message } from './types.js';

export const HeartbeatRequest = message(12, 'HeartbeatRequest', 'request', '0-4', '4+', [
  field('groupId', 'string', '0+'),
  field('generationId', 'int32', '0+'),
  field('memberId', 'string', '0+'),
  field('groupInstanceId', 'string', '3+', { nullable: '3+', default: null }),
]);

export const HeartbeatResponse = message(12, 'HeartbeatResponse', 'response', '0-4', '4+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0+'),
]);
