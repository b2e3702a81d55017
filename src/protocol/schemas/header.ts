// Request and response headers. The request header's client id is a classic nullable string even in
// flexible (v2) headers, hence its flexible: 'none' override.
import { field, message } from './types.js';

export const RequestHeaderData = message(-1, 'RequestHeaderData', 'header', '0-2', '2+', [
  field('requestApiKey', 'int16', '0+'),
  field('requestApiVersion', 'int16', '0+'),
  field('correlationId', 'int32', '0+'),
  field('clientId', 'string', '1+', { nullable: '1+', flexible: 'none' }),
]);

export const ResponseHeaderData = message(-1, 'ResponseHeaderData', 'header', '0-1', '1+', [
  field('correlationId', 'int32', '0+'),
]);
