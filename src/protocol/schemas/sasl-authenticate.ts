// SaslAuthenticate (API key 36): our definition of the request and response layouts.
import { field, message } from './types.js';

export const SaslAuthenticateRequest = message(36, 'SaslAuthenticateRequest', 'request', '0-2', '2+', [
  field('authBytes', 'bytes', '0+'),
]);

export const SaslAuthenticateResponse = message(36, 'SaslAuthenticateResponse', 'response', '0-2', '2+', [
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('authBytes', 'bytes', '0+'),
  field('sessionLifetimeMs', 'int64', '1+', { default: 0n }),
]);
