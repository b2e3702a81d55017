// FindCoordinator (API key 10): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const FindCoordinatorRequest = message(10, 'FindCoordinatorRequest', 'request', '0-6', '3+', [
  field('key', 'string', '0-3'),
  field('keyType', 'int8', '1+', { default: 0 }),
  field('coordinatorKeys', arrayOf('string'), '4+'),
]);

export const FindCoordinatorResponse = message(10, 'FindCoordinatorResponse', 'response', '0-6', '3+', [
  field('throttleTimeMs', 'int32', '1+'),
  field('errorCode', 'int16', '0-3'),
  field('errorMessage', 'string', '1-3', { nullable: '1-3' }),
  field('nodeId', 'int32', '0-3'),
  field('host', 'string', '0-3'),
  field('port', 'int32', '0-3'),
  field('coordinators', arrayOf(struct('Coordinator', [
    field('key', 'string', '4+'),
    field('nodeId', 'int32', '4+'),
    field('host', 'string', '4+'),
    field('port', 'int32', '4+'),
    field('errorCode', 'int16', '4+'),
    field('errorMessage', 'string', '4+', { nullable: '4+' }),
  ])), '4+'),
]);
