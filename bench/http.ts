/**
 * The HTTP listener's figures (issue "HTTP"), against the built CLI in its own process with its HTTP
 * listener on, durable acks as by default:
 *  - REST produce throughput, keyed JSON records (the broker partitions by murmur2 of the key), 8
 *    partitions: v3 records:batch (500 records a request, 4 requests in flight) and one chunked stream;
 *    every record's report must be a success and the partitions' end offsets must add up;
 *  - the time of a /metrics scrape (and its size) with BENCH_PARTITIONS_MANY (default 10,000)
 *    partitions in topics of 100, idle, then with BENCH_HTTP_OPEN_PARTITIONS (default: all) of them open,
 *    each holding a record and a group's committed offset, with the broker's RSS and open file
 *    descriptors.
 * Uses fetch and node:http only (no librdkafka): runs wherever the broker does.
 */
import { request } from 'node:http';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnBroker, type BrokerProcess } from '../test/support/broker-process.js';
import { freePort } from '../test/support/net.js';
import { cpuSeconds, median, percentile, progress, rssBytes } from './lib.js';
import type { Row } from './report.js';

const RECORDS = 200_000;
const BATCH = 500;
const IN_FLIGHT = 4;
const STREAM_RECORDS = 100_000;
const SCRAPES = 15;

interface Http {
  url: string;
  cluster: string;
}

async function json(url: string, method: string, body?: unknown): Promise<any> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : JSON.parse(text);
}

const record = (i: number) => ({ key: { type: 'STRING', data: `user-${i % 5000}` }, value: { type: 'JSON', data: { n: i, page: '/checkout', amount: i % 997, note: 'x'.repeat(40) } } });

async function endOffsets(h: Http, topic: string): Promise<number> {
  const parts = await json(`${h.url}/v3/clusters/${h.cluster}/topics/${topic}/partitions`, 'GET');
  return (parts.data as Array<{ latest_offset: number }>).reduce((n, p) => n + p.latest_offset, 0);
}

async function batchRun(h: Http, topic: string): Promise<number> {
  let next = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (next < RECORDS) {
      const from = next;
      next += BATCH;
      const entries = Array.from({ length: Math.min(BATCH, RECORDS - from) }, (_, k) => ({ id: String(from + k), ...record(from + k) }));
      const r = await json(`${h.url}/v3/clusters/${h.cluster}/topics/${topic}/records:batch`, 'POST', { entries });
      if (r.failures.length > 0) throw new Error(`records:batch failures: ${JSON.stringify(r.failures[0])}`);
      ok += r.successes.length;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (ok !== RECORDS) throw new Error(`${ok} of ${RECORDS} delivered`);
  return RECORDS / seconds;
}

/** One chunked POST of STREAM_RECORDS records; counts the reports (one JSON line each, in order). */
function streamRun(h: Http, topic: string): Promise<number> {
  const u = new URL(`${h.url}/v3/clusters/${h.cluster}/topics/${topic}/records`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let reports = 0;
    let bad = 0;
    let tail = '';
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const lines = (tail + chunk).split('\n');
        tail = lines.pop()!;
        for (const line of lines) {
          reports++;
          if (!line.startsWith('{"error_code":200')) bad++;
        }
      });
      res.on('end', () => {
        if (reports !== STREAM_RECORDS || bad > 0) reject(new Error(`stream: ${reports} reports, ${bad} failed`));
        else resolve(STREAM_RECORDS / ((performance.now() - t0) / 1000));
      });
    });
    req.on('error', reject);
    // Written in chunks of 1,000 records, waiting for drain: the client keeps up with the broker, no more.
    let i = 0;
    const write = (): void => {
      while (i < STREAM_RECORDS) {
        const chunk = Array.from({ length: Math.min(1000, STREAM_RECORDS - i) }, (_, k) => JSON.stringify(record(i + k))).join('\n');
        i += 1000;
        if (!req.write(`${chunk}\n`)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

async function producePhase(h: Http, broker: BrokerProcess, rows: Row[]): Promise<void> {
  const runs: Record<string, number[]> = { batch: [], stream: [] };
  const cpu: Record<string, number> = { batch: 0, stream: 0 };
  for (let run = 0; run < 3; run++) {
    for (const kind of ['batch', 'stream'] as const) {
      const topic = `rest-${kind}-${run}`;
      await json(`${h.url}/v3/clusters/${h.cluster}/topics`, 'POST', { topic_name: topic, partitions_count: 8 });
      const c0 = cpuSeconds(broker.pid);
      const rate = kind === 'batch' ? await batchRun(h, topic) : await streamRun(h, topic);
      cpu[kind]! += cpuSeconds(broker.pid) - c0;
      const expected = kind === 'batch' ? RECORDS : STREAM_RECORDS;
      const stored = await endOffsets(h, topic);
      if (stored !== expected) throw new Error(`${topic}: ${stored} records stored, ${expected} reported`);
      runs[kind]!.push(rate);
      progress(`REST produce ${kind} run ${run + 1}: ${rate.toFixed(0)} records/s`);
    }
  }
  rows.push({ section: 'http', name: 'REST produce, records:batch, keyed JSON, 8 partitions (median of 3)', unit: 'records/s', minikafka: median(runs['batch']!), higherIsBetter: true,
    note: `${RECORDS.toLocaleString('en-US')} records of ~110 B JSON per run, ${BATCH} per request, ${IN_FLIGHT} in flight, fetch from the bench process; runs ${runs['batch']!.map((x) => x.toFixed(0)).join(', ')}; broker CPU ${(cpu['batch']! / (3 * RECORDS) * 1e6).toFixed(1)} µs/record` });
  rows.push({ section: 'http', name: 'REST produce, one chunked stream, keyed JSON, 8 partitions (median of 3)', unit: 'records/s', minikafka: median(runs['stream']!), higherIsBetter: true,
    note: `${STREAM_RECORDS.toLocaleString('en-US')} records per stream, one report line each, in order; runs ${runs['stream']!.map((x) => x.toFixed(0)).join(', ')}; broker CPU ${(cpu['stream']! / (3 * STREAM_RECORDS) * 1e6).toFixed(1)} µs/record` });
}

/** Median and p90 of SCRAPES scrapes, the body's size and its series. */
async function scrape(h: Http): Promise<{ medianMs: number; p90Ms: number; bytes: number; series: number }> {
  const times: number[] = [];
  let bytes = 0;
  let series = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const s0 = performance.now();
    const text = await (await fetch(`${h.url}/metrics`)).text();
    times.push(performance.now() - s0);
    bytes = Buffer.byteLength(text);
    series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  }
  times.sort((a, b) => a - b);
  return { medianMs: median(times), p90Ms: percentile(times, 90), bytes, series };
}

const PER_TOPIC = 100;

/** Open file descriptors of a process (Linux /proc; NaN elsewhere). */
function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}

/**
 * Two scrapes: with `partitions` partitions created (idle: the scrape lists the offsets of open
 * partitions only), and with `openPartitions` of them open, each holding a record, and a group with an
 * offset on each (every one an offset and a lag series). Open partitions no longer pin their segment's
 * three files: at most minikafka.log.open.segment.files.max (1,000) segment files stay open, idle ones
 * close and reopen on use, so all 10,000 open within the descriptor limit (the figures say how many).
 */
async function metricsPhase(h: Http, broker: BrokerProcess, rows: Row[], partitions: number, openPartitions: number): Promise<void> {
  const topics = Math.ceil(partitions / PER_TOPIC);
  const t0 = performance.now();
  for (let t = 0; t < topics; t++) await json(`${h.url}/v3/clusters/${h.cluster}/topics`, 'POST', { topic_name: `scrape-${t}`, partitions_count: PER_TOPIC });
  const createdS = (performance.now() - t0) / 1000;
  progress(`${topics * PER_TOPIC} partitions created in ${createdS.toFixed(1)} s`);
  const idle = await scrape(h);
  rows.push({ section: 'http', name: `/metrics scrape, ${(topics * PER_TOPIC).toLocaleString('en-US')} partitions created (${topics} topics of ${PER_TOPIC}), idle (median of ${SCRAPES})`, unit: 'ms', minikafka: idle.medianMs, higherIsBetter: false,
    note: `p90 ${idle.p90Ms.toFixed(1)} ms; ${(idle.bytes / 1e3).toFixed(0)} kB, ${idle.series} series (offsets are listed for open partitions only); created in ${createdS.toFixed(1)} s; RSS ${(rssBytes(broker.pid) / 1e6).toFixed(0)} MB, ${openFds(broker.pid)} fds; request to last byte, from the bench process` });
  const open = Math.min(openPartitions, topics * PER_TOPIC);
  const t1 = performance.now();
  for (let done = 0; done < open; done += PER_TOPIC) {
    const topic = `scrape-${done / PER_TOPIC}`;
    const n = Math.min(PER_TOPIC, open - done);
    await json(`${h.url}/v3/clusters/${h.cluster}/topics/${topic}/records:batch`, 'POST', {
      entries: Array.from({ length: n }, (_, p) => ({ id: String(p), partition_id: p, value: { type: 'STRING', data: 'x' } })),
    });
    await json(`${h.url}/console/api/groups/scrapers/offsets`, 'POST', { topic, to: 'earliest', partitions: Array.from({ length: n }, (_, p) => p) });
    progress(`${done + n} partitions open, with a record and a committed offset`);
  }
  const openedS = (performance.now() - t1) / 1000;
  progress(`opened and wrote in ${openedS.toFixed(1)} s`);
  const busy = await scrape(h);
  const rss = rssBytes(broker.pid);
  const fds = openFds(broker.pid);
  rows.push({ section: 'http', name: `/metrics scrape, ${open.toLocaleString('en-US')} of them open, each with a record and a group's lag (median of ${SCRAPES})`, unit: 'ms', minikafka: busy.medianMs, higherIsBetter: false,
    note: `p90 ${busy.p90Ms.toFixed(1)} ms; ${(busy.bytes / 1e6).toFixed(2)} MB, ${busy.series.toLocaleString('en-US')} series; opened and written in ${openedS.toFixed(1)} s; broker RSS ${(rss / 1e6).toFixed(0)} MB, ${fds} open fds; BENCH_HTTP_OPEN_PARTITIONS sets how many are opened` });
  rows.push({ section: 'http', name: `broker RSS with ${open.toLocaleString('en-US')} partitions open (after the scrapes)`, unit: 'MB', minikafka: rss / 1e6, higherIsBetter: false, note: `${fds} open file descriptors (segment files bounded by minikafka.log.open.segment.files.max)` });
}

async function withBroker(dataDir: string, config: Record<string, string | number>, body: (h: Http, broker: BrokerProcess) => Promise<void>): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const broker = await spawnBroker({ dataDir, args: ['--http-port', String(port)], config });
  try {
    const url = `http://127.0.0.1:${port}`;
    const cluster = (await json(`${url}/v3/clusters`, 'GET')).data[0].cluster_id as string;
    await body({ url, cluster }, broker);
  } finally {
    await broker.stop(30_000);
  }
}

export async function httpPhase(scratch: string, rows: Row[], partitions: number, openPartitions: number): Promise<void> {
  await withBroker(join(scratch, 'http-produce'), {}, (h, broker) => producePhase(h, broker, rows));
  await httpMetricsPhase(scratch, rows, partitions, openPartitions);
}

/** The /metrics rows alone. */
export async function httpMetricsPhase(scratch: string, rows: Row[], partitions: number, openPartitions: number): Promise<void> {
  // Durable acks, as by default: a synced active segment's files may close (at most
  // minikafka.log.open.segment.files.max stay open), so 10,000 open partitions fit the descriptor
  // limit. Unsynced ones stay open until their fsync: with acks=1 (or flush.on.acks.all=false) every
  // written partition holds 3 descriptors, as Kafka's do.
  await withBroker(join(scratch, 'http-metrics'), { 'max.partitions': Math.max(100_000, partitions * 2) }, (h, broker) => metricsPhase(h, broker, rows, partitions, openPartitions));
}
