// The REST proxy's v3 API, in Confluent REST Proxy v3 shapes: the cluster, brokers, topics (list,
// create, delete, configs), partitions (with their offsets), consumer groups with lag, and produce (one
// record, a stream of records on one request, or records:batch). Each call is authorized as the
// Kafka request it stands for would be (auth.ts): lists show what the caller may DESCRIBE, a refusal
// is a 403 (error_code 40301), checked before whether the resource exists, as Kafka does.
import type { IncomingMessage } from 'node:http';
import type { BrokerState } from '../broker/state.js';
import { effectiveTopicConfigs } from '../broker/topic-configs.js';
import { INTERNAL_TOPICS } from '../broker/topic-access.js';
import { JsonObjectStream, parseJson, readBody } from './body.js';
import { HttpError, badRequest, clip, notFound, topicNotFound, unprocessable } from './errors.js';
import type { ProduceService, Outcome } from './produce-service.js';
import { v3Record, type HttpRecord } from './record-json.js';
import type { Router, RouteContext } from './router.js';
import { sendJson } from './respond.js';
import { createTopicChecked, deleteTopicChecked } from './topic-admin.js';
import type { HttpAccess } from './auth.js';

export interface V3Deps {
  broker: BrokerState;
  produce: ProduceService;
  bodyBytesMax: number;
  /** The base URL clients reached us at, for `metadata.self` links. */
  baseUrl: (req: IncomingMessage) => string;
}

export function registerV3(router: Router, d: V3Deps): void {
  const b = d.broker;
  const clusterId = (): string => b.clusterId;
  const checkCluster = (ctx: RouteContext): void => {
    if (ctx.params['cluster'] !== b.clusterId) throw notFound(`Cluster ${clip(ctx.params['cluster'] ?? '')}`);
  };
  const self = (ctx: RouteContext, path: string): { self: string; resource_name: string } => ({
    self: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}${path}`, resource_name: `crn:///kafka=${clusterId()}${path}`,
  });
  const cluster = (ctx: RouteContext) => ({
    kind: 'KafkaCluster', metadata: self(ctx, ''), cluster_id: clusterId(),
    controller: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/brokers/${b.nodeId}` },
    brokers: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/brokers` },
    topics: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/topics` },
  });
  const topicOf = (name: string) => {
    const t = b.store.topic(name);
    if (t === undefined) throw topicNotFound(name);
    return t;
  };
  const topicJson = (ctx: RouteContext, name: string) => {
    const t = topicOf(name);
    return {
      kind: 'KafkaTopic', metadata: self(ctx, `/topics/${t.name}`), cluster_id: clusterId(), topic_name: t.name,
      is_internal: INTERNAL_TOPICS.has(t.name), replication_factor: 1, partitions_count: t.partitions,
      partitions: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/topics/${t.name}/partitions` },
      configs: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/topics/${t.name}/configs` },
    };
  };
  const partitionJson = (ctx: RouteContext, topic: string, p: number) => {
    const log = b.store.partition(topic, p);
    return {
      kind: 'KafkaPartition', metadata: self(ctx, `/topics/${topic}/partitions/${p}`), cluster_id: clusterId(), topic_name: topic, partition_id: p,
      leader: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/brokers/${b.nodeId}` },
      // minikafka's additions: where the partition's log starts and ends.
      earliest_offset: log.logStartOffset, latest_offset: log.highWatermark,
    };
  };

  router.add('GET', '/v3/clusters', (ctx) => sendJson(ctx.res, 200, { kind: 'KafkaClusterList', metadata: { self: `${d.baseUrl(ctx.req)}/v3/clusters` }, data: [cluster(ctx)] }));
  router.add('GET', '/v3/clusters/:cluster', (ctx) => {
    checkCluster(ctx);
    sendJson(ctx.res, 200, cluster(ctx));
  });
  router.add('GET', '/v3/clusters/:cluster/brokers', (ctx) => {
    checkCluster(ctx);
    sendJson(ctx.res, 200, { kind: 'KafkaBrokerList', metadata: self(ctx, '/brokers'), data: [brokerJson(ctx)] });
  });
  const brokerJson = (ctx: RouteContext) => ({
    kind: 'KafkaBroker', metadata: self(ctx, `/brokers/${b.nodeId}`), cluster_id: clusterId(), broker_id: b.nodeId,
    host: b.advertised.host, port: b.advertised.port, rack: null,
  });
  router.add('GET', '/v3/clusters/:cluster/brokers/:broker', (ctx) => {
    checkCluster(ctx);
    if (ctx.params['broker'] !== String(b.nodeId)) throw notFound(`Broker ${clip(ctx.params['broker'] ?? '')}`);
    sendJson(ctx.res, 200, brokerJson(ctx));
  });

  router.add('GET', '/v3/clusters/:cluster/topics', (ctx) => {
    checkCluster(ctx);
    const names = b.store.topics().map((t) => t.name).filter((n) => ctx.access.can('DESCRIBE', 'TOPIC', n)).sort();
    sendJson(ctx.res, 200, { kind: 'KafkaTopicList', metadata: self(ctx, '/topics'), data: names.map((n) => topicJson(ctx, n)) });
  });
  router.add('POST', '/v3/clusters/:cluster/topics', async (ctx) => {
    checkCluster(ctx);
    const body = parseJson(await readBody(ctx.req, d.bodyBytesMax)) as Record<string, unknown>;
    const name = body?.['topic_name'];
    if (typeof name !== 'string') throw unprocessable('topic_name is required.');
    ctx.access.requireCreateTopic(name);
    const rf = body['replication_factor'] ?? 1;
    if (rf !== 1 && rf !== -1) throw badRequest(`replication_factor ${clip(String(rf))} cannot be reached: this is a single broker.`);
    const configs: Record<string, string> = {};
    const list = body['configs'] ?? [];
    if (!Array.isArray(list)) throw unprocessable('configs must be [{ "name", "value" }] with strings.');
    for (const c of list as unknown[]) {
      const entry = c as { name?: unknown; value?: unknown };
      if (typeof entry?.name !== 'string' || typeof entry.value !== 'string') throw unprocessable('configs must be [{ "name", "value" }] with strings.');
      configs[entry.name] = entry.value;
    }
    createTopicChecked(b, name, body['partitions_count'], configs, 'http');
    sendJson(ctx.res, 201, topicJson(ctx, name));
  });
  router.add('GET', '/v3/clusters/:cluster/topics/:topic', (ctx) => {
    checkCluster(ctx);
    ctx.access.require('DESCRIBE', 'TOPIC', ctx.params['topic']!);
    sendJson(ctx.res, 200, topicJson(ctx, ctx.params['topic']!));
  });
  router.add('DELETE', '/v3/clusters/:cluster/topics/:topic', (ctx) => {
    checkCluster(ctx);
    ctx.access.require('DELETE', 'TOPIC', ctx.params['topic']!);
    deleteTopicChecked(b, ctx.params['topic']!, 'http');
    ctx.res.writeHead(204).end();
  });
  router.add('GET', '/v3/clusters/:cluster/topics/:topic/configs', (ctx) => {
    checkCluster(ctx);
    ctx.access.require('DESCRIBE_CONFIGS', 'TOPIC', ctx.params['topic']!);
    const t = topicOf(ctx.params['topic']!);
    sendJson(ctx.res, 200, {
      kind: 'KafkaTopicConfigList', metadata: self(ctx, `/topics/${t.name}/configs`),
      data: effectiveTopicConfigs({ ...t.configs }, b.config).map((c) => ({
        kind: 'KafkaTopicConfig', cluster_id: clusterId(), topic_name: t.name, name: c.name, value: c.value,
        is_default: !c.isTopicOverride, is_read_only: false, is_sensitive: false,
        source: c.isTopicOverride ? 'DYNAMIC_TOPIC_CONFIG' : 'DEFAULT_CONFIG', synonyms: [],
      })),
    });
  });
  router.add('GET', '/v3/clusters/:cluster/topics/:topic/partitions', (ctx) => {
    checkCluster(ctx);
    ctx.access.require('DESCRIBE', 'TOPIC', ctx.params['topic']!);
    const t = topicOf(ctx.params['topic']!);
    sendJson(ctx.res, 200, { kind: 'KafkaPartitionList', metadata: self(ctx, `/topics/${t.name}/partitions`), data: Array.from({ length: t.partitions }, (_, p) => partitionJson(ctx, t.name, p)) });
  });
  router.add('GET', '/v3/clusters/:cluster/topics/:topic/partitions/:partition', (ctx) => {
    checkCluster(ctx);
    ctx.access.require('DESCRIBE', 'TOPIC', ctx.params['topic']!);
    const t = topicOf(ctx.params['topic']!);
    const p = Number(ctx.params['partition']);
    if (!Number.isInteger(p) || p < 0 || p >= t.partitions) throw new HttpError(404, `Partition ${clip(ctx.params['partition']!)} of topic ${t.name} not found.`, 40402);
    sendJson(ctx.res, 200, partitionJson(ctx, t.name, p));
  });

  router.add('GET', '/v3/clusters/:cluster/consumer-groups', (ctx) => {
    checkCluster(ctx);
    sendJson(ctx.res, 200, { kind: 'KafkaConsumerGroupList', metadata: self(ctx, '/consumer-groups'), data: b.groups.listGroups([], []).filter((g) => canDescribeGroup(ctx.access, g.groupId)).map((g) => groupJson(ctx, g.groupId)) });
  });
  const groupJson = (ctx: RouteContext, groupId: string) => {
    const listed = b.groups.listGroups([], []).find((g) => g.groupId === groupId);
    if (listed === undefined) throw notFound(`Consumer group ${clip(groupId)}`);
    const described = listed.type === 'classic' ? b.groups.describeGroups([groupId])[0] : undefined;
    return {
      kind: 'KafkaConsumerGroup', metadata: self(ctx, `/consumer-groups/${groupId}`), cluster_id: clusterId(), consumer_group_id: groupId,
      is_simple: listed.protocolType === '', partition_assignor: described?.protocolData ?? '', state: listed.state.toUpperCase(), type: listed.type.toUpperCase(),
      coordinator: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/brokers/${b.nodeId}` },
      consumers: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/consumer-groups/${groupId}/consumers` },
      lag_summary: { related: `${d.baseUrl(ctx.req)}/v3/clusters/${clusterId()}/consumer-groups/${groupId}/lag-summary` },
    };
  };
  router.add('GET', '/v3/clusters/:cluster/consumer-groups/:group', (ctx) => {
    checkCluster(ctx);
    ctx.access.require('DESCRIBE', 'GROUP', ctx.params['group']!);
    sendJson(ctx.res, 200, groupJson(ctx, ctx.params['group']!));
  });
  router.add('GET', '/v3/clusters/:cluster/consumer-groups/:group/lags', (ctx) => {
    checkCluster(ctx);
    const groupId = ctx.params['group']!;
    ctx.access.require('DESCRIBE', 'GROUP', groupId);
    groupJson(ctx, groupId);
    sendJson(ctx.res, 200, { kind: 'KafkaConsumerLagList', metadata: self(ctx, `/consumer-groups/${groupId}/lags`), data: lags(b, groupId, ctx.access).map((l) => ({
      kind: 'KafkaConsumerLag', cluster_id: clusterId(), consumer_group_id: groupId, topic_name: l.topic, partition_id: l.partition,
      current_offset: l.committed, log_end_offset: l.end, lag: l.lag, consumer_id: '', instance_id: null, client_id: '',
    })) });
  });
  router.add('GET', '/v3/clusters/:cluster/consumer-groups/:group/lag-summary', (ctx) => {
    checkCluster(ctx);
    const groupId = ctx.params['group']!;
    ctx.access.require('DESCRIBE', 'GROUP', groupId);
    groupJson(ctx, groupId);
    const all = lags(b, groupId, ctx.access);
    const max = all.reduce<(typeof all)[number] | undefined>((m, l) => (m === undefined || l.lag > m.lag ? l : m), undefined);
    sendJson(ctx.res, 200, {
      kind: 'KafkaConsumerGroupLagSummary', cluster_id: clusterId(), consumer_group_id: groupId,
      max_lag: max?.lag ?? 0, total_lag: all.reduce((n, l) => n + l.lag, 0), max_lag_topic_name: max?.topic ?? '', max_lag_partition_id: max?.partition ?? 0,
    });
  });

  // ---- produce
  const deliveryJson = (topic: string, r: HttpRecord, o: Outcome) => (o.ok
    ? {
      error_code: 200, cluster_id: clusterId(), topic_name: topic, partition_id: o.partition, offset: o.offset,
      timestamp: new Date(o.timestampMs).toISOString(),
      key: r.keyType === null ? null : { type: r.keyType, size: r.key?.length ?? 0 },
      value: r.valueType === null ? null : { type: r.valueType, size: r.value?.length ?? 0 },
    }
    : { error_code: o.errorCode, message: o.message });

  router.add('POST', '/v3/clusters/:cluster/topics/:topic/records', async (ctx) => {
    checkCluster(ctx);
    const topic = ctx.params['topic']!;
    d.produce.topic(topic, ctx.access); // 404/403 before reading a stream
    if (ctx.req.headers['transfer-encoding'] === 'chunked') {
      await produceStream(ctx, topic);
      return;
    }
    const body = parseJson(await readBody(ctx.req, d.bodyBytesMax));
    const record = v3Record(body);
    const [outcome] = await d.produce.produce(topic, [record], ctx.access);
    if (!outcome!.ok) throw new HttpError(outcome!.status, outcome!.message, outcome!.errorCode);
    sendJson(ctx.res, 200, deliveryJson(topic, record, outcome!));
  });

  /** Streaming produce: records arrive as JSON objects on one chunked request; reports go back in order, one JSON line each. */
  const produceStream = async (ctx: RouteContext, topic: string): Promise<void> => {
    const stream = new JsonObjectStream(d.bodyBytesMax);
    ctx.res.writeHead(200, { 'content-type': 'application/json' });
    let chain: Promise<void> = Promise.resolve();
    const report = (obj: unknown): void => void ctx.res.write(`${JSON.stringify(obj)}\n`);
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      let objects: unknown[];
      try {
        objects = stream.push(chunk);
      } catch (err) {
        const e = err instanceof HttpError ? err : badRequest((err as Error).message);
        await chain;
        report({ error_code: e.errorCode, message: e.message });
        ctx.res.end();
        ctx.req.destroy();
        return;
      }
      if (objects.length === 0) continue;
      const records: Array<HttpRecord | HttpError> = objects.map((o) => {
        try {
          return v3Record(o);
        } catch (err) {
          if (err instanceof HttpError) return err;
          throw err;
        }
      });
      // Records of one chunk go in one append; chunks are appended and reported in arrival order.
      const prev = chain;
      chain = (async () => {
        const good = records.filter((r): r is HttpRecord => !(r instanceof HttpError));
        const outcomes = good.length > 0 ? await d.produce.produce(topic, good, ctx.access) : [];
        await prev;
        let k = 0;
        for (const r of records) report(r instanceof HttpError ? { error_code: r.errorCode, message: r.message } : deliveryJson(topic, r, outcomes[k++]!));
      })();
      // Back-pressure: do not read further ahead than one append.
      await chain;
    }
    await chain;
    if (stream.incomplete) report({ error_code: 400, message: 'The stream ended inside a record.' });
    ctx.res.end();
  };

  router.add('POST', '/v3/clusters/:cluster/topics/:topic/records:batch', async (ctx) => {
    checkCluster(ctx);
    const topic = ctx.params['topic']!;
    const body = parseJson(await readBody(ctx.req, d.bodyBytesMax)) as { entries?: unknown };
    if (!Array.isArray(body?.entries)) throw unprocessable('The body must be { "entries": [{ "id", ...record }] }.');
    const entries = body.entries.map((e, i) => {
      const id = (e as { id?: unknown })?.id;
      if (typeof id !== 'string') throw unprocessable(`entries[${i}].id must be a string.`);
      try {
        return { id, record: v3Record(e) as HttpRecord | HttpError };
      } catch (err) {
        if (err instanceof HttpError) return { id, record: err };
        throw err;
      }
    });
    const good = entries.filter((e): e is { id: string; record: HttpRecord } => !(e.record instanceof HttpError));
    const outcomes = good.length > 0 ? await d.produce.produce(topic, good.map((e) => e.record), ctx.access) : [];
    const successes: unknown[] = [];
    const failures: unknown[] = [];
    let k = 0;
    for (const e of entries) {
      if (e.record instanceof HttpError) {
        failures.push({ id: e.id, error_code: e.record.errorCode, message: e.record.message });
        continue;
      }
      const o = outcomes[k++]!;
      if (o.ok) successes.push({ id: e.id, ...deliveryJson(topic, e.record, o) });
      else failures.push({ id: e.id, error_code: o.errorCode, message: o.message });
    }
    sendJson(ctx.res, 207, { successes, failures });
  });
}

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: number;
  end: number;
  lag: number;
}

/**
 * Committed offset, end offset and lag of every partition a group has committed, of the topics the
 * caller may DESCRIBE (OffsetFetch leaves the others out for them, as Kafka does); no caller: all
 * (the broker's own /metrics).
 */
export function lags(b: BrokerState, groupId: string, access?: HttpAccess): PartitionLag[] {
  const out: PartitionLag[] = [];
  for (const t of b.groups.fetchOffsets(groupId, null).topics) {
    if (access !== undefined && !access.can('DESCRIBE', 'TOPIC', t.name)) continue;
    const topic = b.store.topic(t.name);
    if (topic === undefined) continue;
    for (const p of t.partitions) {
      if (p.partition >= topic.partitions) continue;
      const end = b.store.partition(t.name, p.partition).highWatermark;
      const committed = Number(p.offset);
      out.push({ topic: t.name, partition: p.partition, committed, end, lag: committed >= 0 ? Math.max(0, end - committed) : end });
    }
  }
  return out.sort((x, y) => (x.topic === y.topic ? x.partition - y.partition : x.topic < y.topic ? -1 : 1));
}

/** ListGroups' ACL: DESCRIBE on the cluster lists every group, else DESCRIBE on the group. */
export function canDescribeGroup(access: HttpAccess, groupId: string): boolean {
  return access.can('DESCRIBE', 'CLUSTER') || access.can('DESCRIBE', 'GROUP', groupId);
}
