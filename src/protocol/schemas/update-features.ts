// UpdateFeatures (API key 57): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const UpdateFeaturesRequest = message(57, 'UpdateFeaturesRequest', 'request', '0-2', '0+', [
  field('timeoutMs', 'int32', '0+', { default: 60000 }),
  field('featureUpdates', arrayOf(struct('FeatureUpdateKey', [
    field('feature', 'string', '0+'),
    field('maxVersionLevel', 'int16', '0+'),
    field('allowDowngrade', 'bool', '0'),
    field('upgradeType', 'int8', '1+', { default: 1 }),
  ])), '0+'),
  field('validateOnly', 'bool', '1+', { default: false }),
]);

export const UpdateFeaturesResponse = message(57, 'UpdateFeaturesResponse', 'response', '0-2', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '0+'),
  field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  field('results', arrayOf(struct('UpdatableFeatureResult', [
    field('feature', 'string', '0+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
  ])), '0-1'),
]);
