// The web console's JSON API under /console/api: overview, topics (list, create, describe, delete),
// a bounded page of a partition's records, produce one record, consumer groups (console-groups.ts).
// Every parameter is checked and bounded; a mistake is a 4xx with { error_code, message }. Writes
// need `Content-Type: application/json`, which a cross-site form cannot send without a CORS
// preflight (which this listener never grants). Calls are authorized as the REST proxy's (auth.ts):
// lists and counts show what the caller may DESCRIBE; reading a partition's records needs READ.
import type { BrokerState } from '../broker/state.js';
import { effectiveTopicConfigs } from '../broker/topic-configs.js';
import { INTERNAL_TOPICS } from '../broker/topic-access.js';
import { readConsolePage, recordPageBounds, type PageStart } from './console-records.js';
import { registerConsoleGroups } from './console-groups.js';
import { HttpError, badRequest, topicNotFound, unprocessable } from './errors.js';
import type { BrokerMetrics } from './metrics.js';
import type { ProduceService } from './produce-service.js';
import type { HttpRecord } from './record-json.js';
import type { Router } from './router.js';
import { intParam, jsonBody, mapChunked, partitionParam, sendApi } from './console-params.js';
import { createTopicChecked, deleteTopicChecked } from './topic-admin.js';
import { canDescribeGroup } from './v3.js';

export interface ConsoleDeps {
  broker: BrokerState;
  produce: ProduceService;
  metrics: BrokerMetrics;
  bodyBytesMax: number;
  startedAtMs: number;
}

/** Partitions described per topic request (each opens its log). */
export const TOPIC_PARTITIONS_LISTED_MAX = 1000;
export function registerConsoleApi(router: Router, d: ConsoleDeps): void {
  const b = d.broker;

  router.add('GET', '/console/api/overview', (ctx) => {
    const topics = b.store.topics().filter((t) => ctx.access.can('DESCRIBE', 'TOPIC', t.name));
    const m = d.metrics.summary();
    sendApi(ctx, 200, {
      broker: {
        node_id: b.nodeId, cluster_id: b.clusterId, kafka_listener: `${b.advertised.host}:${b.advertised.port}`,
        started_at: new Date(d.startedAtMs).toISOString(), uptime_seconds: Math.round((Date.now() - d.startedAtMs) / 1000),
      },
      topics: topics.length, partitions: topics.reduce((n, t) => n + t.partitions, 0), groups: b.groups.listGroups([], []).filter((g) => canDescribeGroup(ctx.access, g.groupId)).length,
      metrics: {
        messages_in_total: m.messagesInTotal, bytes_in_total: m.bytesInTotal, bytes_out_total: m.bytesOutTotal,
        requests_total: m.requestsTotal, connections: m.connections, resident_memory_bytes: m.rssBytes,
        cpu_seconds_total: m.cpuSeconds, event_loop_delay_p99_seconds: m.eventLoopDelayP99Seconds,
      },
    });
  });

  router.add('GET', '/console/api/topics', (ctx) => {
    const topics = b.store.topics().filter((t) => ctx.access.can('DESCRIBE', 'TOPIC', t.name)).sort((x, y) => (x.name < y.name ? -1 : 1));
    sendApi(ctx, 200, { topics: topics.map((t) => ({ name: t.name, partitions: t.partitions, internal: INTERNAL_TOPICS.has(t.name) })) });
  });

  router.add('POST', '/console/api/topics', async (ctx) => {
    const body = await jsonBody(ctx, d.bodyBytesMax);
    const name = body['name'];
    if (typeof name !== 'string') throw unprocessable('name must be a string.');
    ctx.access.requireCreateTopic(name);
    const configs = body['configs'] ?? {};
    if (typeof configs !== 'object' || configs === null || Array.isArray(configs) || !Object.values(configs).every((v) => typeof v === 'string')) {
      throw unprocessable('configs must be an object of strings.');
    }
    const t = createTopicChecked(b, name, body['partitions'] ?? undefined, configs as Record<string, string>, 'console');
    sendApi(ctx, 201, { name: t.name, partitions: t.partitions });
  });

  router.add('GET', '/console/api/topics/:topic', async (ctx) => {
    ctx.access.require('DESCRIBE', 'TOPIC', ctx.params['topic']!);
    const t = b.store.topic(ctx.params['topic']!);
    if (t === undefined) throw topicNotFound(ctx.params['topic']!);
    const listed = Math.min(t.partitions, TOPIC_PARTITIONS_LISTED_MAX);
    const partitions = await mapChunked(listed, (p) => {
      const log = b.store.partition(t.name, p);
      return { partition: p, earliest_offset: log.logStartOffset, latest_offset: log.highWatermark, records: log.highWatermark - log.logStartOffset };
    });
    if (b.store.topic(t.name)?.id !== t.id) throw topicNotFound(t.name); // deleted (or recreated) while this yielded
    sendApi(ctx, 200, {
      name: t.name, internal: INTERNAL_TOPICS.has(t.name), partitions_count: t.partitions, partitions_truncated: listed < t.partitions,
      partitions,
      // Configs only for who may DESCRIBE_CONFIGS (DescribeConfigs' ACL).
      configs: !ctx.access.can('DESCRIBE_CONFIGS', 'TOPIC', t.name) ? [] : effectiveTopicConfigs({ ...t.configs }, b.config).map((c) => ({ name: c.name, value: c.value, is_default: !c.isTopicOverride })),
    });
  });

  router.add('DELETE', '/console/api/topics/:topic', (ctx) => {
    ctx.access.require('DELETE', 'TOPIC', ctx.params['topic']!);
    deleteTopicChecked(b, ctx.params['topic']!, 'console');
    ctx.res.writeHead(204).end();
  });

  router.add('GET', '/console/api/topics/:topic/partitions/:partition/records', async (ctx) => {
    const topic = ctx.params['topic']!;
    ctx.access.require('READ', 'TOPIC', topic); // Fetch's ACL
    const partition = partitionParam(b, topic, ctx.params['partition']!);
    const q = ctx.query;
    const offset = intParam(q, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const timestamp = intParam(q, 'timestamp', 0, Number.MAX_SAFE_INTEGER);
    const position = q.get('position');
    if (position !== null && position !== 'earliest' && position !== 'latest') throw badRequest('position must be earliest or latest.');
    // Where a page starts: offset, else timestamp, else position (several given: the first of these wins).
    const start: PageStart = offset !== undefined ? { offset } : timestamp !== undefined ? { timestampMs: timestamp } : (position as 'earliest' | 'latest' | null) ?? 'earliest';
    const limit = intParam(q, 'limit', 1, recordPageBounds.limitMax, recordPageBounds.limitDefault)!;
    const maxBytes = intParam(q, 'max_bytes', 1, recordPageBounds.maxBytesMax, recordPageBounds.maxBytesDefault)!;
    const fieldBytes = intParam(q, 'field_bytes', 0, recordPageBounds.fieldBytesMax, recordPageBounds.fieldBytesDefault)!;
    sendApi(ctx, 200, await readConsolePage(b, topic, partition, start, { limit, maxBytes, fieldBytes }));
  });

  router.add('POST', '/console/api/topics/:topic/records', async (ctx) => {
    const topic = ctx.params['topic']!;
    ctx.access.require('WRITE', 'TOPIC', topic);
    if (b.store.topic(topic) === undefined) throw topicNotFound(topic); // the console never auto-creates
    const body = await jsonBody(ctx, d.bodyBytesMax);
    const text = (v: unknown, what: string): Buffer | null => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string') throw unprocessable(`${what} must be a string or null.`);
      return Buffer.from(v, 'utf8');
    };
    const partition = body['partition'];
    if (partition !== undefined && partition !== null && (!Number.isSafeInteger(partition) || (partition as number) < 0)) throw unprocessable('partition must be a non-negative integer.');
    const headers = body['headers'] ?? [];
    if (!Array.isArray(headers) || headers.length > recordPageBounds.headersPerRecordMax) throw unprocessable(`headers must be an array of at most ${recordPageBounds.headersPerRecordMax} { "name", "value" }.`);
    const record: HttpRecord = {
      partition: (partition ?? undefined) as number | undefined,
      key: text(body['key'], 'key'), value: text(body['value'], 'value'), keyType: 'STRING', valueType: 'STRING', timestampMs: undefined,
      headers: headers.map((h: unknown, i: number) => {
        const e = h as { name?: unknown; value?: unknown };
        if (typeof e !== 'object' || e === null || typeof e.name !== 'string') throw unprocessable(`headers[${i}].name must be a string.`);
        return { key: e.name, value: text(e.value, `headers[${i}].value`) };
      }),
    };
    const [o] = await d.produce.produce(topic, [record], ctx.access);
    if (!o!.ok) throw new HttpError(o!.status, o!.message, o!.errorCode);
    sendApi(ctx, 200, { topic, partition: o!.partition, offset: o!.offset, timestamp: o!.timestampMs });
  });

  registerConsoleGroups(router, d);
}
