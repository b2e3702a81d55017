// The REST proxy's v2 produce API (Confluent REST Proxy v2): POST /topics/{topic} and
// /topics/{topic}/partitions/{partition} with `{ "records": [{ "key", "value", "partition" }] }`, the
// embedded format from the Content-Type (vnd.kafka.json.v2+json or vnd.kafka.binary.v2+json).
// Consumer instances are in v2-consumers.ts.
import { parseJson, readBody } from './body.js';
import { HttpError, clip, notFound } from './errors.js';
import type { ProduceService } from './produce-service.js';
import { v2Format, v2Records } from './record-json.js';
import type { Router, RouteContext } from './router.js';
import { sendJson } from './respond.js';
import type { BrokerState } from '../broker/state.js';

const V2_JSON = 'application/vnd.kafka.v2+json';

export function registerV2Produce(router: Router, d: { broker: BrokerState; produce: ProduceService; bodyBytesMax: number }): void {
  const produce = async (ctx: RouteContext, partition: number | undefined): Promise<void> => {
    const topic = ctx.params['topic']!;
    const format = v2Format(ctx.req.headers['content-type']);
    d.produce.topic(topic, ctx.access);
    const records = v2Records(parseJson(await readBody(ctx.req, d.bodyBytesMax)), format);
    if (partition !== undefined) for (const r of records) r.partition = partition;
    const outcomes = await d.produce.produce(topic, records, ctx.access);
    sendJson(ctx.res, 200, {
      key_schema_id: null, value_schema_id: null,
      offsets: outcomes.map((o) => (o.ok
        ? { partition: o.partition, offset: o.offset, error_code: null, error: null }
        : { partition: null, offset: null, error_code: o.errorCode, error: o.message })),
    }, V2_JSON);
  };
  router.add('POST', '/topics/:topic', (ctx) => produce(ctx, undefined));
  router.add('POST', '/topics/:topic/partitions/:partition', (ctx) => {
    // Checked before the topic may be auto-created: "0.5" or "7e-298" is no partition of any topic.
    ctx.access.require('WRITE', 'TOPIC', ctx.params['topic']!);
    const raw = ctx.params['partition']!;
    const p = /^\d{1,10}$/.test(raw) ? Number(raw) : -1;
    const t = d.broker.store.topic(ctx.params['topic']!);
    if (p < 0 || (t !== undefined && p >= t.partitions)) throw new HttpError(404, `Partition ${clip(raw, 20)} not found.`, 40402);
    return produce(ctx, p);
  });
  router.add('GET', '/topics', (ctx) => sendJson(ctx.res, 200, d.broker.store.topics().map((t) => t.name).filter((n) => ctx.access.can('DESCRIBE', 'TOPIC', n)).sort(), V2_JSON));
  router.add('GET', '/topics/:topic', (ctx) => {
    ctx.access.require('DESCRIBE', 'TOPIC', ctx.params['topic']!);
    const t = d.broker.store.topic(ctx.params['topic']!);
    if (t === undefined) throw new HttpError(404, 'Topic not found.', 40401);
    sendJson(ctx.res, 200, {
      // The configs only for who may DESCRIBE_CONFIGS (DescribeConfigs' ACL).
      name: t.name, configs: ctx.access.can('DESCRIBE_CONFIGS', 'TOPIC', t.name) ? { ...t.configs } : {},
      partitions: Array.from({ length: t.partitions }, (_, p) => ({ partition: p, leader: d.broker.nodeId, replicas: [{ broker: d.broker.nodeId, leader: true, in_sync: true }] })),
    }, V2_JSON);
  });
  void notFound;
}
