/** The OpenAPI 3 document of what the HTTP listener serves (GET /openapi.json). */
import { consoleApiPaths } from './console-openapi.js';
import { OPEN_PATHS } from './auth.js';
import { errors, int, jsonRequest, obj, okJson, str, topicConfigList, topicName, type Schema } from './openapi-schema.js';

const V2 = 'application/vnd.kafka.v2+json';
const cluster = { name: 'cluster_id', in: 'path', required: true, schema: str };
const topic = { name: 'topic_name', in: 'path', required: true, schema: topicName };
const partition = { name: 'partition_id', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } };
const group = { name: 'consumer_group_id', in: 'path', required: true, schema: str };
const v2Group = { name: 'group_name', in: 'path', required: true, schema: str };
const instance = { name: 'instance', in: 'path', required: true, schema: str };
const data = obj({ type: { type: 'string', enum: ['BINARY', 'JSON', 'STRING'] }, data: {} });
/**
 * A record's CreateTime: an ISO-8601 date-time from 1980 on (days up to 28, so that every string the
 * pattern allows is a real date), or epoch milliseconds.
 */
const timestamp: Schema = {
  oneOf: [
    { type: 'string', pattern: '^(19[89][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,3})?(Z|[+-](0[0-9]|1[0-2]):[0-5][0-9])$' },
    { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 },
  ],
};
const produceRecord = obj({
  partition_id: { type: 'integer', minimum: 0 }, key: data, value: data, timestamp,
  headers: { type: 'array', items: obj({ name: str, value: { type: 'string', format: 'byte' } }, ['name']) },
});
/** v2 produce bodies: JSON keys and values are any JSON, binary ones base64 strings; a partition may be named (or null). */
const v2Produce = (withPartition: boolean) => {
  const records = (kv: Schema): Schema => obj({ records: { type: 'array', items: obj({ key: kv, value: kv, ...(withPartition ? { partition: { type: 'integer', minimum: 0, nullable: true } } : {}) }) } }, ['records']);
  return {
    required: true,
    content: {
      'application/vnd.kafka.json.v2+json': { schema: records({}) },
      'application/vnd.kafka.binary.v2+json': { schema: records({ type: 'string', format: 'byte', nullable: true }) },
    },
  };
};
const get = (summary: string, parameters: unknown[], schema: Schema = { type: 'object' }, type = 'application/json') => ({ get: { summary, parameters, responses: { 200: okJson(summary, schema, type), ...errors(400, 404) } } });
const noContent = { description: 'Done' };
const topicPartitions = { type: 'array', items: obj({ topic: str, partition: { type: 'integer', minimum: 0 } }, ['topic', 'partition']) };
const instanceOp = (summary: string, method: string, body: Schema | undefined, ok: Record<number, unknown>, more: number[] = []) => ({
  [method]: { summary, parameters: [v2Group, instance], ...(body === undefined ? {} : { requestBody: jsonRequest(body, false, [V2, 'application/json']) }), responses: { ...ok, ...errors(400, 404, 409, 413, 422, ...more) } },
});

/**
 * `partitionsMax`: the broker's max.partitions, the most one topic can ask for. `authRequired`: whether
 * calls need HTTP Basic now (auth.ts); every operation but the open paths may answer 401 and 403.
 */
export function openApiDocument(limits: { partitionsMax: number }, authRequired: boolean): unknown {
  const paths = documentPaths(limits) as Record<string, Record<string, { responses: Record<number, unknown>; security?: unknown[] }>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const op of Object.values(ops)) {
      if (OPEN_PATHS.has(path)) op.security = [];
      else op.responses = { ...op.responses, ...errors(401, 403) };
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'minikafka HTTP', version: '1', description: 'REST proxy (Confluent v2/v3 shapes), the web console\'s API, metrics and health of a minikafka broker. With authentication on, every call but /livez, /readyz and /openapi.json needs HTTP Basic with a Kafka user (401 without), and the broker\'s ACLs decide (403, error_code 40301).' },
    components: { securitySchemes: { basic: { type: 'http', scheme: 'basic', description: 'A Kafka user of the broker: a PLAIN user of its JAAS config or a SCRAM user' } } },
    security: authRequired ? [{ basic: [] }] : [{}],
    paths,
  };
}

function documentPaths(limits: { partitionsMax: number }): unknown {
  return {
    '/v3/clusters': get('The cluster', []),
    '/v3/clusters/{cluster_id}': get('The cluster', [cluster]),
    '/v3/clusters/{cluster_id}/brokers': get('Brokers', [cluster]),
    '/v3/clusters/{cluster_id}/brokers/{broker_id}': get('A broker', [cluster, { name: 'broker_id', in: 'path', required: true, schema: int }]),
    '/v3/clusters/{cluster_id}/topics': {
      ...get('Topics', [cluster]),
      post: {
        summary: 'Create a topic', parameters: [cluster],
        requestBody: jsonRequest(obj({ topic_name: topicName, partitions_count: { type: 'integer', minimum: 1, maximum: limits.partitionsMax }, replication_factor: { type: 'integer', enum: [-1, 1] }, configs: topicConfigList }, ['topic_name'])),
        responses: { 201: okJson('Created'), ...errors(400, 403, 404, 409, 413, 422) },
      },
    },
    '/v3/clusters/{cluster_id}/topics/{topic_name}': { ...get('A topic', [cluster, topic]), delete: { summary: 'Delete a topic', parameters: [cluster, topic], responses: { 204: noContent, ...errors(400, 403, 404) } } },
    '/v3/clusters/{cluster_id}/topics/{topic_name}/configs': get('A topic\'s configs', [cluster, topic]),
    '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions': get('A topic\'s partitions with their offsets', [cluster, topic]),
    '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}': get('A partition', [cluster, topic, partition]),
    '/v3/clusters/{cluster_id}/topics/{topic_name}/records': {
      post: {
        summary: 'Produce one record (or, with Transfer-Encoding: chunked, a stream of records, one report per line)', parameters: [cluster, topic],
        requestBody: jsonRequest(produceRecord),
        responses: { 200: okJson('Delivery report'), ...errors(400, 403, 404, 409, 413, 422) },
      },
    },
    '/v3/clusters/{cluster_id}/topics/{topic_name}/records:batch': {
      post: {
        summary: 'Produce records', parameters: [cluster, topic],
        requestBody: jsonRequest(obj({ entries: { type: 'array', items: { allOf: [produceRecord, obj({ id: str }, ['id'])] } } }, ['entries'])),
        responses: { 207: okJson('Successes and failures'), ...errors(400, 403, 404, 413, 422) },
      },
    },
    '/v3/clusters/{cluster_id}/consumer-groups': get('Consumer groups', [cluster]),
    '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}': get('A consumer group', [cluster, group]),
    '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lags': get('Lag per partition', [cluster, group]),
    '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary': get('Lag summary', [cluster, group]),

    '/topics': get('Topic names (v2)', [], { type: 'array', items: str }, V2),
    '/topics/{topic_name}': {
      ...get('A topic (v2)', [topic], { type: 'object' }, V2),
      post: {
        summary: 'Produce records (v2)', parameters: [topic],
        requestBody: v2Produce(true),
        responses: { 200: okJson('Offsets', { type: 'object' }, V2), ...errors(400, 403, 404, 413, 415, 422) },
      },
    },
    '/topics/{topic_name}/partitions/{partition_id}': {
      post: {
        summary: 'Produce records to a partition (v2)', parameters: [topic, partition],
        requestBody: v2Produce(false),
        responses: { 200: okJson('Offsets', { type: 'object' }, V2), ...errors(400, 403, 404, 413, 415, 422) },
      },
    },
    '/consumers/{group_name}': {
      post: {
        summary: 'Create a consumer instance (v2)', parameters: [v2Group],
        requestBody: jsonRequest(obj({ name: { type: 'string', minLength: 1, maxLength: 255 }, format: { type: 'string', enum: ['binary', 'json', 'string'] }, 'auto.offset.reset': { type: 'string', enum: ['earliest', 'latest'] }, 'auto.commit.enable': { type: 'string', enum: ['true', 'false'] } }), false, [V2, 'application/json']),
        responses: { 200: okJson('The instance', obj({ instance_id: str, base_uri: str }, ['instance_id', 'base_uri']), V2), ...errors(400, 409, 413, 422) },
      },
    },
    '/consumers/{group_name}/instances/{instance}': instanceOp('Delete a consumer instance', 'delete', undefined, { 204: noContent }),
    '/consumers/{group_name}/instances/{instance}/subscription': {
      ...instanceOp('Subscribe to topics', 'post', obj({ topics: { type: 'array', items: str, minItems: 1 } }, ['topics']), { 204: noContent }),
      ...instanceOp('The subscription', 'get', undefined, { 200: okJson('Topics', obj({ topics: { type: 'array', items: str } }), V2) }),
      ...instanceOp('Unsubscribe', 'delete', undefined, { 204: noContent }),
    },
    '/consumers/{group_name}/instances/{instance}/assignments': {
      ...instanceOp('Assign partitions', 'post', obj({ partitions: topicPartitions }, ['partitions']), { 204: noContent }),
      ...instanceOp('The assigned partitions', 'get', undefined, { 200: okJson('Partitions', obj({ partitions: topicPartitions }), V2) }),
    },
    '/consumers/{group_name}/instances/{instance}/records': {
      get: {
        summary: 'Records (v2)', parameters: [v2Group, instance, { name: 'timeout', in: 'query', schema: { type: 'integer', minimum: 0 } }, { name: 'max_bytes', in: 'query', schema: { type: 'integer', minimum: 0 } }],
        responses: { 200: { description: 'Records', content: { 'application/vnd.kafka.binary.v2+json': { schema: { type: 'array' } }, 'application/vnd.kafka.json.v2+json': { schema: { type: 'array' } }, [V2]: { schema: { type: 'array' } } } }, ...errors(400, 404, 406, 422) },
      },
    },
    '/consumers/{group_name}/instances/{instance}/offsets': {
      ...instanceOp('Commit offsets (the last consumed; none: all delivered)', 'post', obj({ offsets: { type: 'array', items: obj({ topic: str, partition: { type: 'integer', minimum: 0 }, offset: { type: 'integer', minimum: 0 } }, ['topic', 'partition', 'offset']) } }), { 200: { description: 'Committed' } }),
      ...instanceOp('Committed offsets', 'get', obj({ partitions: topicPartitions }, ['partitions']), { 200: okJson('Offsets', { type: 'object' }, V2) }),
    },
    '/consumers/{group_name}/instances/{instance}/positions': instanceOp('Seek', 'post', obj({ offsets: { type: 'array', items: obj({ topic: str, partition: { type: 'integer', minimum: 0 }, offset: { type: 'integer', minimum: 0 } }, ['topic', 'partition', 'offset']) } }, ['offsets']), { 204: noContent }),
    '/consumers/{group_name}/instances/{instance}/positions/beginning': instanceOp('Seek to the start', 'post', obj({ partitions: topicPartitions }, ['partitions']), { 204: noContent }),
    '/consumers/{group_name}/instances/{instance}/positions/end': instanceOp('Seek to the end', 'post', obj({ partitions: topicPartitions }, ['partitions']), { 204: noContent }),

    ...consoleApiPaths(limits),

    '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: str } } } } } },
    '/livez': { get: { summary: 'Liveness', responses: { 200: okJson('Live', obj({ status: str }, ['status'])) } } },
    '/readyz': { get: { summary: 'Readiness', responses: { 200: okJson('Ready', obj({ status: str }, ['status'])), 503: okJson('Stopping', obj({ status: str }, ['status'])) } } },
    '/': { get: { summary: 'The web console', responses: { 200: { description: 'The console page', content: { 'text/html': { schema: str } } } } } },
  };
}
