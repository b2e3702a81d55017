// ApiVersions (API key 18): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const ApiVersionsRequest = message(18, 'ApiVersionsRequest', 'request', '0-4', '3+', [
  field('clientSoftwareName', 'string', '3+'),
  field('clientSoftwareVersion', 'string', '3+'),
]);

export const ApiVersionsResponse = message(18, 'ApiVersionsResponse', 'response', '0-4', '3+', [
  field('errorCode', 'int16', '0+'),
  field('apiKeys', arrayOf(struct('ApiVersion', [
    field('apiKey', 'int16', '0+'),
    field('minVersion', 'int16', '0+'),
    field('maxVersion', 'int16', '0+'),
  ])), '0+'),
  field('throttleTimeMs', 'int32', '1+'),
  field('supportedFeatures', arrayOf(struct('SupportedFeatureKey', [
    field('name', 'string', '3+'),
    field('minVersion', 'int16', '3+'),
    field('maxVersion', 'int16', '3+'),
  ])), '3+', { tag: 0, tagged: '3+' }),
  field('finalizedFeaturesEpoch', 'int64', '3+', { default: -1n, tag: 1, tagged: '3+' }),
  field('finalizedFeatures', arrayOf(struct('FinalizedFeatureKey', [
    field('name', 'string', '3+'),
    field('maxVersionLevel', 'int16', '3+'),
    field('minVersionLevel', 'int16', '3+'),
  ])), '3+', { tag: 2, tagged: '3+' }),
  field('zkMigrationReady', 'bool', '3+', { default: false, tag: 3, tagged: '3+' }),
]);
