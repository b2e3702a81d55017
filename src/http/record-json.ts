// Records as the REST proxy receives them, decoded to bytes. v3 (Confluent REST Proxy v3): each of key
// and value is `{ "type": "BINARY" | "JSON" | "STRING", "data": ... }` (BINARY data is base64, JSON data
// any JSON value, STRING a string; null data is a null key or value), headers are
// `[{ "name", "value" (base64) }]`. v2: the embedded format comes from the Content-Type
// (application/vnd.kafka.json.v2+json or .binary.v2+json) and keys/values are bare.
import { HttpError, badRequest, clip, unprocessable } from './errors.js';
import type { RecordHeaderInput } from '../protocol/record-batch.js';

export type DataType = 'BINARY' | 'JSON' | 'STRING';

export interface HttpRecord {
  /** Partition asked for; undefined: the broker chooses (murmur2 of the key, sticky without one). */
  partition: number | undefined;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaderInput[];
  /** CreateTime in ms; undefined: now. */
  timestampMs: number | undefined;
  keyType: DataType | null;
  valueType: DataType | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (Buffer.from silently skips bad characters; a REST client's mistake must be a 4xx). */
export function decodeBase64(s: unknown, what: string): Buffer {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !BASE64.test(s)) throw unprocessable(`${what} is not valid base64.`);
  return Buffer.from(s, 'base64');
}

function encodeData(type: DataType, data: unknown, what: string): Buffer | null {
  if (data === null || data === undefined) return null;
  switch (type) {
    case 'BINARY': return decodeBase64(data, what);
    case 'STRING':
      if (typeof data !== 'string') throw unprocessable(`${what}: STRING data must be a string.`);
      return Buffer.from(data, 'utf8');
    case 'JSON': return Buffer.from(JSON.stringify(data), 'utf8');
  }
}

function v3Data(field: unknown, what: string): { bytes: Buffer | null; type: DataType | null } {
  if (field === undefined || field === null) return { bytes: null, type: null };
  if (!isObject(field)) throw unprocessable(`${what} must be an object with "type" and "data".`);
  const type = field['type'] ?? 'JSON';
  if (type !== 'BINARY' && type !== 'JSON' && type !== 'STRING') {
    throw unprocessable(`${what}: type must be BINARY, JSON or STRING (schemas need a schema registry, which minikafka does not have).`);
  }
  return { bytes: encodeData(type, field['data'], what), type };
}

function headersOf(field: unknown): RecordHeaderInput[] {
  if (field === undefined || field === null) return [];
  if (!Array.isArray(field)) throw unprocessable('headers must be an array of { "name", "value" }.');
  return field.map((h, i) => {
    if (!isObject(h) || typeof h['name'] !== 'string') throw unprocessable(`headers[${i}] must have a string "name".`);
    return { key: h['name'], value: h['value'] === null || h['value'] === undefined ? null : decodeBase64(h['value'], `headers[${i}].value`) };
  });
}

function partitionOf(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || (v as number) < 0) throw unprocessable(`${what} must be a non-negative integer.`);
  return v as number;
}

function timestampOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) throw unprocessable('timestamp must be an ISO-8601 date-time or epoch milliseconds.');
  return ms;
}

/** One v3 produce request body (one record). */
export function v3Record(body: unknown): HttpRecord {
  if (!isObject(body)) throw badRequest('A record must be a JSON object.');
  const key = v3Data(body['key'], 'key');
  const value = v3Data(body['value'], 'value');
  return {
    partition: partitionOf(body['partition_id'], 'partition_id'),
    key: key.bytes, value: value.bytes, keyType: key.type, valueType: value.type,
    headers: headersOf(body['headers']), timestampMs: timestampOf(body['timestamp']),
  };
}

/** The embedded format of a v2 request, from its Content-Type. */
export function v2Format(contentType: string | undefined): 'json' | 'binary' {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/vnd.kafka.binary.v2+json')) return 'binary';
  if (ct.startsWith('application/vnd.kafka.json.v2+json') || ct.startsWith('application/json') || ct === '') return 'json';
  throw new HttpError(415, `Content-Type ${clip(ct)} is not supported: use application/vnd.kafka.json.v2+json or application/vnd.kafka.binary.v2+json.`, 415);
}

/** A v2 produce body `{ "records": [{ "key", "value", "partition" }] }`. */
export function v2Records(body: unknown, format: 'json' | 'binary'): HttpRecord[] {
  if (!isObject(body) || !Array.isArray(body['records'])) throw unprocessable('The body must be { "records": [...] }.');
  const type: DataType = format === 'binary' ? 'BINARY' : 'JSON';
  return body['records'].map((r, i) => {
    if (!isObject(r)) throw unprocessable(`records[${i}] must be an object.`);
    return {
      partition: partitionOf(r['partition'], `records[${i}].partition`),
      key: encodeData(type, r['key'], `records[${i}].key`), keyType: r['key'] === undefined || r['key'] === null ? null : type,
      value: encodeData(type, r['value'], `records[${i}].value`), valueType: r['value'] === undefined || r['value'] === null ? null : type,
      headers: [], timestampMs: undefined,
    };
  });
}
