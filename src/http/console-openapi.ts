/** The console API's part of /openapi.json: its paths, parameters with their bounds, and answer shapes. */
import { recordPageBounds } from './console-records.js';
import { errors, int, jsonRequest, okJson, obj as object, str, topicConfigObject, topicName, type Schema } from './openapi-schema.js';

/** Every property required unless said otherwise: these answers are always complete. */
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => object(properties, required);
const nat: Schema = { type: 'integer', minimum: 0 };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ ...s, nullable: true });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

const topic = { name: 'topic', in: 'path', required: true, schema: topicName };
const group = { name: 'group', in: 'path', required: true, schema: str };
const query = (name: string, schema: Schema, description: string) => ({ name, in: 'query', required: false, schema, description });

const field = nullable(obj({ encoding: { type: 'string', enum: ['utf8', 'base64'] }, data: str, size: nat, truncated: bool }));
const record = obj({ offset: nat, timestamp: int, key: field, value: field, headers: arrayOf(obj({ name: str, value: field })), headers_truncated: bool });
const page = obj({
  topic: str, partition: nat, earliest_offset: nat, latest_offset: nat, from_offset: nat, next_offset: nat, records: arrayOf(record),
  skipped_batches: arrayOf(obj({ baseOffset: nat, lastOffset: nat, reason: str })), bytes_read: nat,
});
const members = arrayOf(obj({ member_id: str, client_id: str, host: str, assignment: arrayOf(obj({ topic: str, partitions: arrayOf(nat) })) }));

export function consoleApiPaths(limits: { partitionsMax: number }): Record<string, unknown> {
  const b = recordPageBounds;
  return {
    '/console/api/overview': {
      get: {
        summary: 'Broker, counts and metrics totals (the console polls it for rates)',
        responses: {
          200: okJson('Overview', obj({
            broker: obj({ node_id: int, cluster_id: str, kafka_listener: str, started_at: str, uptime_seconds: nat }),
            topics: nat, partitions: nat, groups: nat,
            metrics: obj({ messages_in_total: nat, bytes_in_total: nat, bytes_out_total: nat, requests_total: nat, connections: nat, resident_memory_bytes: nat, cpu_seconds_total: num, event_loop_delay_p99_seconds: num }),
          })),
        },
      },
    },
    '/console/api/topics': {
      get: { summary: 'Topics', responses: { 200: okJson('Topics', obj({ topics: arrayOf(obj({ name: str, partitions: nat, internal: bool })) })) } },
      post: {
        summary: 'Create a topic (Content-Type application/json only)',
        requestBody: jsonRequest(obj({ name: topicName, partitions: nullable({ type: 'integer', minimum: 1, maximum: limits.partitionsMax }), configs: nullable(topicConfigObject) }, ['name'])),
        responses: { 201: okJson('Created', obj({ name: str, partitions: nat })), ...errors(400, 403, 409, 413, 415, 422) },
      },
    },
    '/console/api/topics/{topic}': {
      get: {
        summary: 'A topic: partitions with offsets (the first 1000) and effective configs', parameters: [topic],
        responses: {
          200: okJson('Topic', obj({
            name: str, internal: bool, partitions_count: nat, partitions_truncated: bool,
            partitions: arrayOf(obj({ partition: nat, earliest_offset: nat, latest_offset: nat, records: nat })),
            configs: arrayOf(obj({ name: str, value: nullable(str), is_default: bool })),
          })),
          ...errors(404),
        },
      },
      delete: { summary: 'Delete a topic', parameters: [topic], responses: { 204: { description: 'Deleted' }, ...errors(400, 403, 404) } },
    },
    '/console/api/topics/{topic}/partitions/{partition}/records': {
      get: {
        summary: 'A bounded page of a partition\'s records, from offset, else timestamp, else position (default: the start).',
        parameters: [
          topic, { name: 'partition', in: 'path', required: true, schema: nat },
          query('offset', nat, 'First offset (clamped to the partition\'s range)'),
          query('timestamp', nat, 'From the first record at or after this time (epoch ms)'),
          query('position', { type: 'string', enum: ['earliest', 'latest'] }, 'The start, or the last `limit` records'),
          query('limit', { type: 'integer', minimum: 1, maximum: b.limitMax, default: b.limitDefault }, 'Records at most'),
          query('max_bytes', { type: 'integer', minimum: 1, maximum: b.maxBytesMax, default: b.maxBytesDefault }, 'Stored bytes read at most (one batch beyond it at the start)'),
          query('field_bytes', { type: 'integer', minimum: 0, maximum: b.fieldBytesMax, default: b.fieldBytesDefault }, 'Bytes shown per key, value and header value'),
        ],
        responses: { 200: okJson('Records', page), ...errors(400, 404) },
      },
    },
    '/console/api/topics/{topic}/records': {
      post: {
        summary: 'Produce one record (UTF-8 key, value and headers; no partition: murmur2 of the key, sticky without one)', parameters: [topic],
        requestBody: jsonRequest(obj({
          partition: nullable({ type: 'integer', minimum: 0 }), key: nullable(str), value: nullable(str),
          headers: nullable({ type: 'array', maxItems: b.headersPerRecordMax, items: obj({ name: str, value: nullable(str) }, ['name']) }),
        }, [])),
        responses: { 200: okJson('Delivered', obj({ topic: str, partition: nat, offset: nat, timestamp: int })), ...errors(400, 404, 409, 413, 415, 422) },
      },
    },
    '/console/api/groups': {
      get: { summary: 'Consumer groups (the first 1000) with their total lag', responses: { 200: okJson('Groups', obj({ groups_truncated: bool, groups: arrayOf(obj({ group: str, type: str, state: str, protocol_type: str, members: nat, lag: nat })) })) } },
    },
    '/console/api/groups/{group}': {
      get: {
        summary: 'A group: members with their assignment, committed offsets and lag per partition', parameters: [group],
        responses: { 200: okJson('Group', obj({ group: str, type: str, state: str, protocol_type: str, members, offsets: arrayOf(obj({ topic: str, partition: nat, committed_offset: int, end_offset: nat, lag: nat })) })), ...errors(404) },
      },
    },
    '/console/api/groups/{group}/offsets': {
      post: {
        summary: 'Reset an empty group\'s committed offsets of a topic (409 while the group has members; a new group id is created)', parameters: [{ ...group, schema: { type: 'string', minLength: 1, maxLength: 255 } }],
        requestBody: jsonRequest(obj({
          topic: str, to: { type: 'string', enum: ['earliest', 'latest', 'offset', 'timestamp'] }, offset: nat, timestamp: nat, partitions: arrayOf(nat),
        }, ['topic', 'to'])),
        responses: { 200: okJson('Reset', obj({ group: str, topic: str, offsets: arrayOf(obj({ partition: nat, offset: nat })) })), ...errors(400, 404, 409, 413, 415, 422, 503) },
      },
    },
  };
}
