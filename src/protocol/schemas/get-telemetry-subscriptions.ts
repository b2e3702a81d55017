// GetTelemetrySubscriptions (API key 71, KIP-714): our definition of the request and response layouts.
import { arrayOf, field, message } from './types.js';

export const GetTelemetrySubscriptionsRequest = message(71, 'GetTelemetrySubscriptionsRequest', 'request', '0', '0+', [
  field('clientInstanceId', 'uuid', '0+'),
]);

export const GetTelemetrySubscriptionsResponse = message(71, 'GetTelemetrySubscriptionsResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('clientInstanceId', 'uuid', '0+'),
  field('subscriptionId', 'int32', '0+'),
  field('acceptedCompressionTypes', arrayOf('int8'), '0+'),
  field('pushIntervalMs', 'int32', '0+'),
  field('telemetryMaxBytes', 'int32', '0+'),
  field('deltaTemporality', 'bool', '0+'),
  field('requestedMetrics', arrayOf('string'), '0+'),
]);
