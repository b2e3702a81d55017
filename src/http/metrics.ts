// /metrics in Prometheus text format, with the names Kafka dashboards and kafka_exporter use:
//   kafka_server_brokertopicmetrics_messagesin_total / _bytesin_total / _bytesout_total {topic}
//   kafka_network_requestmetrics_requests_total {request}, ..._request_duration_seconds histogram
//   kafka_topic_partition_current_offset / _oldest_offset {topic, partition}
//   kafka_consumergroup_current_offset / kafka_consumergroup_lag {consumergroup, topic, partition}
//   minikafka_connections, process_resident_memory_bytes, process_cpu_seconds_total,
//   nodejs_eventloop_delay_seconds {quantile}
// Counting is cheap and happens on the data path (one map update per append and per request); the
// scrape walks topics and groups and touches only partitions that are already open.
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { BrokerState } from '../broker/state.js';
import type { ConnectionStats } from '../broker/connection.js';
import { apiMessages } from '../protocol/generated/index.js';
import { lags } from './v3.js';

/** Series written between two yields to the event loop during a scrape. */
const SERIES_PER_SLICE = 500;
const BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class BrokerMetrics {
  private readonly messagesIn = new Map<string, number>();
  private readonly bytesIn = new Map<string, number>();
  private readonly bytesOut = new Map<string, number>();
  private readonly requests = new Map<string, Histogram>();
  private readonly loopDelay: IntervalHistogram;
  private readonly stops: Array<() => void> = [];

  constructor(private readonly broker: BrokerState, private readonly connections: () => ConnectionStats[]) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    this.stops.push(broker.store.onAppend((topic, _partition, bytes, records) => this.onAppend(topic, bytes, records)));
    for (const key of Object.keys(apiMessages).map(Number)) {
      if (broker.registry.get(key) === undefined) continue;
      const name = apiMessages[key]!.name;
      this.stops.push(broker.registry.wrap(key, (inner) => (req, ctx) => this.timed(name, () => inner.handle(req, ctx))));
    }
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.loopDelay.disable();
  }

  private onAppend(topic: string, bytes: number, records: number): void {
    this.bytesIn.set(topic, (this.bytesIn.get(topic) ?? 0) + bytes);
    this.messagesIn.set(topic, (this.messagesIn.get(topic) ?? 0) + records);
  }

  /** Counts bytes served to consumers (Fetch response records), per topic. */
  countFetched(topic: string, bytes: number): void {
    this.bytesOut.set(topic, (this.bytesOut.get(topic) ?? 0) + bytes);
  }

  private timed(api: string, run: () => unknown): unknown {
    const t0 = performance.now();
    const done = (): void => this.observe(api, (performance.now() - t0) / 1000);
    let out: unknown;
    try {
      out = run();
    } catch (err) {
      done();
      throw err;
    }
    if (out instanceof Promise) {
      return out.then((res: unknown) => {
        done();
        if (api === 'Fetch') this.countFetch(res);
        return res;
      }, (err: unknown) => {
        done();
        throw err;
      });
    }
    done();
    if (api === 'Fetch') this.countFetch(out);
    return out;
  }

  private countFetch(res: unknown): void {
    for (const t of (res as { responses?: Array<{ topic: string; partitions: Array<{ records: Buffer | Buffer[] | null }> }> })?.responses ?? []) {
      for (const p of t.partitions) {
        const r = p.records;
        const n = r === null ? 0 : Array.isArray(r) ? r.reduce((a, b) => a + b.length, 0) : r.length;
        if (n > 0) this.countFetched(t.topic, n);
      }
    }
  }

  private observe(api: string, seconds: number): void {
    let h = this.requests.get(api);
    if (h === undefined) this.requests.set(api, (h = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 }));
    h.count++;
    h.sum += seconds;
    for (let i = 0; i < BUCKETS_S.length; i++) if (seconds <= BUCKETS_S[i]!) h.counts[i]!++;
  }

  /** Totals for the console's overview (the same counters /metrics exposes). */
  summary(): { messagesInTotal: number; bytesInTotal: number; bytesOutTotal: number; requestsTotal: number; connections: number; rssBytes: number; cpuSeconds: number; eventLoopDelayP99Seconds: number } {
    const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    const cpu = process.cpuUsage();
    return {
      messagesInTotal: sum(this.messagesIn), bytesInTotal: sum(this.bytesIn), bytesOutTotal: sum(this.bytesOut),
      requestsTotal: [...this.requests.values()].reduce((a, h) => a + h.count, 0), connections: this.connections().length,
      rssBytes: process.memoryUsage.rss(), cpuSeconds: (cpu.user + cpu.system) / 1e6, eventLoopDelayP99Seconds: this.loopDelay.percentile(99) / 1e9,
    };
  }

  /**
   * The exposition text. Per-partition and per-group series are written in slices with a yield to the
   * event loop between them: a scrape of thousands of partitions never holds Kafka clients up for its
   * whole length (DESIGN invariant 8).
   */
  async render(): Promise<string> {
    let sinceYield = 0;
    const maybeYield = async (): Promise<void> => {
      if (++sinceYield < SERIES_PER_SLICE) return;
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    const lines: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const perTopic = (name: string, help: string, m: Map<string, number>): void => {
      family(name, 'counter', help);
      let total = 0;
      for (const [topic, v] of [...m].sort()) {
        lines.push(`${name}{topic="${esc(topic)}"} ${v}`);
        total += v;
      }
      lines.push(`${name} ${total}`);
    };
    perTopic('kafka_server_brokertopicmetrics_messagesin_total', 'Records appended, per topic (no label: all topics).', this.messagesIn);
    perTopic('kafka_server_brokertopicmetrics_bytesin_total', 'Record batch bytes appended, per topic.', this.bytesIn);
    perTopic('kafka_server_brokertopicmetrics_bytesout_total', 'Record batch bytes served by Fetch, per topic.', this.bytesOut);

    family('kafka_network_requestmetrics_requests_total', 'counter', 'Requests handled, per API.');
    for (const [api, h] of [...this.requests].sort()) lines.push(`kafka_network_requestmetrics_requests_total{request="${api}"} ${h.count}`);
    family('kafka_network_requestmetrics_request_duration_seconds', 'histogram', 'Time from a decoded request to its response, per API.');
    for (const [api, h] of [...this.requests].sort()) {
      BUCKETS_S.forEach((le, i) => lines.push(`kafka_network_requestmetrics_request_duration_seconds_bucket{request="${api}",le="${le}"} ${h.counts[i]}`));
      lines.push(`kafka_network_requestmetrics_request_duration_seconds_bucket{request="${api}",le="+Inf"} ${h.count}`);
      lines.push(`kafka_network_requestmetrics_request_duration_seconds_sum{request="${api}"} ${h.sum}`);
      lines.push(`kafka_network_requestmetrics_request_duration_seconds_count{request="${api}"} ${h.count}`);
    }

    family('kafka_topic_partition_current_offset', 'gauge', 'End offset (high watermark) of each open partition.');
    const oldest: string[] = [];
    for (const { topic, partition, log } of this.broker.store.openPartitions()) {
      await maybeYield();
      const labels = `topic="${esc(topic)}",partition="${partition}"`;
      lines.push(`kafka_topic_partition_current_offset{${labels}} ${log.highWatermark}`);
      oldest.push(`kafka_topic_partition_oldest_offset{${labels}} ${log.logStartOffset}`);
    }
    family('kafka_topic_partition_oldest_offset', 'gauge', 'Log start offset of each open partition.');
    lines.push(...oldest);

    family('kafka_consumergroup_current_offset', 'gauge', 'Committed offset per group and partition.');
    const lagLines: string[] = [];
    for (const g of this.broker.groups.listGroups([], [])) {
      await maybeYield();
      for (const l of lags(this.broker, g.groupId)) {
        await maybeYield();
        const labels = `consumergroup="${esc(g.groupId)}",topic="${esc(l.topic)}",partition="${l.partition}"`;
        lines.push(`kafka_consumergroup_current_offset{${labels}} ${l.committed}`);
        lagLines.push(`kafka_consumergroup_lag{${labels}} ${l.lag}`);
      }
    }
    family('kafka_consumergroup_lag', 'gauge', 'End offset minus committed offset per group and partition.');
    lines.push(...lagLines);

    family('minikafka_connections', 'gauge', 'Open Kafka-protocol connections.');
    lines.push(`minikafka_connections ${this.connections().length}`);
    family('process_resident_memory_bytes', 'gauge', 'Resident memory of the broker process.');
    lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    const cpu = process.cpuUsage();
    family('process_cpu_seconds_total', 'counter', 'User and system CPU time of the broker process.');
    lines.push(`process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    family('nodejs_eventloop_delay_seconds', 'summary', 'Event-loop delay since start.');
    for (const q of [0.5, 0.99, 1]) lines.push(`nodejs_eventloop_delay_seconds{quantile="${q}"} ${this.loopDelay.percentile(q * 100) / 1e9}`);
    return `${lines.join('\n')}\n`;
  }
}
