// Request and response headers. A request header is v1 (classic) or v2 (adds tagged fields) depending
// on whether the request's API version is flexible; a response header is v0 or v1 likewise, except
// ApiVersions responses, which always use v0 so that a client on any version can read the error.
import { ProtocolDecodeError } from './errors.js';
import { apiMessages } from './generated/index.js';
import { decodeRequestHeaderData, encodeRequestHeaderData, encodeResponseHeaderData, decodeResponseHeaderData } from './generated/headers.js';
import type { Reader, TaggedField } from './reader.js';
import type { Writer } from './writer.js';

const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  headerVersion: number;
  /** False when the API key is unknown or the version is outside our schemas: answer UNSUPPORTED_VERSION. */
  supported: boolean;
  _unknownTaggedFields?: TaggedField[];
}

function isKnown(apiKey: number, version: number): boolean {
  const api = apiMessages[apiKey];
  return api !== undefined && version >= api.minVersion && version <= api.maxVersion;
}

function isFlexible(apiKey: number, version: number): boolean {
  const api = apiMessages[apiKey];
  return api !== undefined && version >= api.firstFlexibleVersion;
}

export function requestHeaderVersion(apiKey: number, version: number): number {
  return isFlexible(apiKey, version) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, version: number): number {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, version) ? 1 : 0;
}

/** The API key of a request frame (its first int16), or undefined for a frame too short to have one. */
export function requestApiKeyOf(frame: Buffer): number | undefined {
  return frame.length >= 2 ? frame.readInt16BE(0) : undefined;
}

/**
 * Reads the key and version first, then the rest of the header in the layout they imply. An unknown
 * key or version is read as a v1 header (the layout every client uses for ApiVersions probes) and
 * marked unsupported.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  if (r.remaining < 4) throw new ProtocolDecodeError(`request header truncated: ${r.remaining} bytes`);
  const apiKey = r.buf.readInt16BE(r.offset);
  const apiVersion = r.buf.readInt16BE(r.offset + 2);
  const supported = isKnown(apiKey, apiVersion);
  const headerVersion = supported ? requestHeaderVersion(apiKey, apiVersion) : 1;
  const h = decodeRequestHeaderData(r, headerVersion);
  const out: RequestHeader = { apiKey, apiVersion, correlationId: h.correlationId, clientId: h.clientId, headerVersion, supported };
  if (h._unknownTaggedFields !== undefined) out._unknownTaggedFields = h._unknownTaggedFields;
  return out;
}

export function encodeRequestHeader(
  w: Writer,
  h: { apiKey: number; apiVersion: number; correlationId: number; clientId: string | null; _unknownTaggedFields?: TaggedField[] },
  headerVersion = requestHeaderVersion(h.apiKey, h.apiVersion),
): void {
  encodeRequestHeaderData(w, headerVersion, {
    requestApiKey: h.apiKey,
    requestApiVersion: h.apiVersion,
    correlationId: h.correlationId,
    clientId: h.clientId,
    ...(h._unknownTaggedFields === undefined ? {} : { _unknownTaggedFields: h._unknownTaggedFields }),
  });
}

export function encodeResponseHeader(w: Writer, correlationId: number, headerVersion: number): void {
  encodeResponseHeaderData(w, headerVersion, { correlationId });
}

export function decodeResponseHeader(r: Reader, headerVersion: number): { correlationId: number } {
  return decodeResponseHeaderData(r, headerVersion);
}
