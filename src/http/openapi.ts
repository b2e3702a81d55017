/** The OpenAPI 3 document of what the HTTP listener serves (GET /openapi.json). */
const json = { 'application/json': { schema: { type: 'object' } } };
const error = { description: 'Client error: { error_code, message }', content: json };
const ok = (description: string) => ({ description, content: json });
const cluster = { name: 'cluster_id', in: 'path', required: true, schema: { type: 'string' } };
const topic = { name: 'topic_name', in: 'path', required: true, schema: { type: 'string' } };
const partition = { name: 'partition_id', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } };
const group = { name: 'consumer_group_id', in: 'path', required: true, schema: { type: 'string' } };
const data = { type: 'object', properties: { type: { type: 'string', enum: ['BINARY', 'JSON', 'STRING'] }, data: {} } };
const produceRecord = {
  type: 'object',
  properties: {
    partition_id: { type: 'integer', minimum: 0 }, key: data, value: data, timestamp: { type: 'string', format: 'date-time' },
    headers: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string', format: 'byte' } } } },
  },
};
const get = (summary: string, parameters: unknown[]) => ({ get: { summary, parameters, responses: { 200: ok(summary), 404: error } } });

export function openApiDocument(): unknown {
  return {
    openapi: '3.0.3',
    info: { title: 'minikafka HTTP', version: '1', description: 'REST proxy (Confluent v2/v3 shapes), metrics and health of a minikafka broker.' },
    paths: {
      '/v3/clusters': get('The cluster', []),
      '/v3/clusters/{cluster_id}': get('The cluster', [cluster]),
      '/v3/clusters/{cluster_id}/brokers': get('Brokers', [cluster]),
      '/v3/clusters/{cluster_id}/topics': {
        ...get('Topics', [cluster]),
        post: {
          summary: 'Create a topic', parameters: [cluster],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['topic_name'], properties: { topic_name: { type: 'string' }, partitions_count: { type: 'integer', minimum: 1 }, replication_factor: { type: 'integer' }, configs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } } } } } } } },
          responses: { 201: ok('Created'), 400: error, 409: error, 422: error },
        },
      },
      '/v3/clusters/{cluster_id}/topics/{topic_name}': { ...get('A topic', [cluster, topic]), delete: { summary: 'Delete a topic', parameters: [cluster, topic], responses: { 204: { description: 'Deleted' }, 403: error, 404: error } } },
      '/v3/clusters/{cluster_id}/topics/{topic_name}/configs': get('A topic\'s configs', [cluster, topic]),
      '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions': get('A topic\'s partitions with their offsets', [cluster, topic]),
      '/v3/clusters/{cluster_id}/topics/{topic_name}/partitions/{partition_id}': get('A partition', [cluster, topic, partition]),
      '/v3/clusters/{cluster_id}/topics/{topic_name}/records': {
        post: {
          summary: 'Produce one record (or, with Transfer-Encoding: chunked, a stream of records, one report per line)', parameters: [cluster, topic],
          requestBody: { required: true, content: { 'application/json': { schema: produceRecord } } },
          responses: { 200: ok('Delivery report'), 400: error, 403: error, 404: error, 413: error, 422: error },
        },
      },
      '/v3/clusters/{cluster_id}/topics/{topic_name}/records:batch': {
        post: {
          summary: 'Produce records', parameters: [cluster, topic],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { entries: { type: 'array', items: { allOf: [produceRecord, { type: 'object', required: ['id'], properties: { id: { type: 'string' } } }] } } } } } } },
          responses: { 207: ok('Successes and failures'), 400: error, 404: error, 413: error, 422: error },
        },
      },
      '/v3/clusters/{cluster_id}/consumer-groups': get('Consumer groups', [cluster]),
      '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}': get('A consumer group', [cluster, group]),
      '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lags': get('Lag per partition', [cluster, group]),
      '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary': get('Lag summary', [cluster, group]),
      '/topics': get('Topic names (v2)', []),
      '/topics/{topic_name}': {
        ...get('A topic (v2)', [topic]),
        post: {
          summary: 'Produce records (v2)', parameters: [topic],
          requestBody: { required: true, content: { 'application/vnd.kafka.json.v2+json': { schema: { type: 'object' } }, 'application/vnd.kafka.binary.v2+json': { schema: { type: 'object' } } } },
          responses: { 200: ok('Offsets'), 404: error, 415: error, 422: error },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/livez': get('Liveness', []),
      '/readyz': { get: { summary: 'Readiness', responses: { 200: ok('Ready'), 503: ok('Stopping') } } },
    },
  };
}
