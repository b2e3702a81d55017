// InitProducerId (API key 22): our definition of the request and response layouts.
import { field, message } from './types.js';

export const InitProducerIdRequest = message(22, 'InitProducerIdRequest', 'request', '0-5', '2+', [
  field('transactionalId', 'string', '0+', { nullable: '0+' }),
  field('transactionTimeoutMs', 'int32', '0+'),
  field('producerId', 'int64', '3+', { default: -1n }),
  field('producerEpoch', 'int16', '3+', { default: -1 }),
]);

export const InitProducerIdResponse = message(22, 'InitProducerIdResponse', 'response', '0-5', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('producerId', 'int64', '0+', { default: -1n }),
  field('producerEpoch', 'int16', '0+'),
]);
