// SaslHandshake (API key 17): our definition of the request and response layouts.
// v0: after the response, SASL tokens travel as bare size-prefixed frames (no Kafka header);
// v1: they travel in SaslAuthenticate (36) requests.
import { arrayOf, field, message } from './types.js';

export const SaslHandshakeRequest = message(17, 'SaslHandshakeRequest', 'request', '0-1', 'none', [
  field('mechanism', 'string', '0+'),
]);

export const SaslHandshakeResponse = message(17, 'SaslHandshakeResponse', 'response', '0-1', 'none', [
  field('errorCode', 'int16', '0+'),
  field('mechanisms', arrayOf('string'), '0+'),
]);
