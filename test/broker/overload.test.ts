/**
 * Overload: 1,000 concurrent connections to a child broker (so its RSS can be read from /proc), each
 * producing and fetching for a bounded time. Every request is answered without error, and the broker's
 * peak RSS stays under a bound.
 *
 *   MINIKAFKA_OVERLOAD_CONNECTIONS=1000 MINIKAFKA_OVERLOAD_MS=10000 node --test dist/test/broker/overload.test.js
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { withTimeout } from '../support/net.js';
import { WireClient, createTopic, fetchFrom, makeBatch, prng, produce } from '../durability/wire.js';
import { ErrorCode } from '../../src/protocol/errors.js';

const connections = Number(process.env.MINIKAFKA_OVERLOAD_CONNECTIONS ?? 1000);
const loadMs = Number(process.env.MINIKAFKA_OVERLOAD_MS ?? 10_000);
const PARTITIONS = 8;
const TOPIC = 'overload';
/**
 * Node's own heap and code take ~60 MB; each connection holds at most one small request and one
 * response of <= 4 KB here plus socket stream state (~20 KB, generous), so 1,000 connections add
 * ~25 MB; the rest is slack for GC timing. Unbounded buffering of this load would pass it quickly.
 */
const rssBoundBytes = 300 * 1024 * 1024;

function rssOf(pid: number): { rssBytes: number; peakBytes: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
  } catch {
    return undefined; // exited
  }
}

test(`overload: ${connections} connections producing and fetching for ${loadMs} ms`, { timeout: loadMs + 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'minikafka-overload-'));
  let broker: BrokerProcess | undefined;
  const clients: WireClient[] = [];
  try {
    broker = await spawnBroker({ dataDir });
    const pid = broker.pid;
    const admin = await WireClient.connect(broker.bootstrap);
    clients.push(admin);
    assert.equal(await createTopic(admin, TOPIC, PARTITIONS), ErrorCode.NONE);
    // Connect in waves: the listen backlog (511) is not what is under test.
    for (let wave = 0; clients.length - 1 < connections; wave++) {
      const n = Math.min(100, connections - (clients.length - 1));
      clients.push(...(await Promise.all(Array.from({ length: n }, () => WireClient.connect(broker!.bootstrap)))));
    }
    const idle = rssOf(pid)!;
    let peakRssBytes = idle.rssBytes;
    const sampler = setInterval(() => {
      const r = rssOf(pid);
      if (r) peakRssBytes = Math.max(peakRssBytes, r.rssBytes, r.peakBytes);
    }, 200);
    let sent = 0;
    let answered = 0;
    const errors: string[] = [];
    const deadline = Date.now() + loadMs;
    const rand = prng(42);
    const timed = <T>(what: string, p: Promise<T>): Promise<T> => {
      sent++;
      return withTimeout(what, p, 30_000).then((v) => {
        answered++;
        return v;
      });
    };
    const loops = clients.slice(1).map(async (c, i) => {
      const partition = i % PARTITIONS;
      const acks = i % 2 === 0 ? -1 : 1;
      for (let n = 0; Date.now() < deadline; n++) {
        try {
          const p = await timed('produce', produce(c, TOPIC, partition, makeBatch(rand, `c${i}-${n}`), acks));
          if (p.errorCode !== ErrorCode.NONE) {
            errors.push(`c${i} produce: error ${p.errorCode}`);
            return;
          }
          const f = await timed('fetch', fetchFrom(c, TOPIC, partition, p.baseOffset, 4096));
          if (f.errorCode !== ErrorCode.NONE || f.batches[0]?.baseOffset !== p.baseOffset) {
            errors.push(`c${i} fetch @${p.baseOffset}: error ${f.errorCode}, first batch ${f.batches[0]?.baseOffset}`);
            return;
          }
        } catch (err) {
          errors.push(`c${i}: ${(err as Error).message}`);
          return;
        }
      }
    });
    const t0 = Date.now();
    await withTimeout('load loops', Promise.all(loops), loadMs + 40_000);
    const elapsedMs = Date.now() - t0;
    clearInterval(sampler);
    const end = rssOf(pid)!;
    peakRssBytes = Math.max(peakRssBytes, end.peakBytes);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    console.log(
      `overload: ${connections} connections, ${answered}/${sent} requests answered in ${elapsedMs} ms ` +
        `(${Math.round((answered * 1000) / elapsedMs)}/s), broker RSS idle ${mb(idle.rssBytes)} MB, peak ${mb(peakRssBytes)} MB, end ${mb(end.rssBytes)} MB`,
    );
    assert.deepEqual(errors.slice(0, 10), [], `${errors.length} connections failed`);
    assert.equal(answered, sent, 'every request answered');
    assert.ok(answered >= 2 * connections, 'every connection completed at least one produce and fetch');
    assert.ok(peakRssBytes < rssBoundBytes, `peak RSS ${mb(peakRssBytes)} MB under ${mb(rssBoundBytes)} MB`);
    for (const c of clients.splice(0)) c.close();
    const exit = await broker.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
  } finally {
    for (const c of clients) c.close();
    if (broker) await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
