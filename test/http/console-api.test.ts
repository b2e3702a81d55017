// The console's JSON API (/console/api) over real HTTP against a real broker: topic administration, the
// bounded message browser (limits, offset/timestamp/latest starts, field cuts, binary values, compressed
// batches decoded within a decompressed-bytes bound and bombs skipped), produce by key, consumer groups
// with lag and the reset of an empty group's offsets (409 while a KafkaJS member is in it), and record
// data that never becomes markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { partitionForKey } from '../../src/partitioner.js';
import { buildCompressedBatch } from '../../src/protocol/compression.js';
import { TEST_BROKER_CONFIG } from '../../src/testing/test-config.js';

async function withBroker(fn: (b: RunningBroker, url: string) => Promise<void>): Promise<void> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, httpPort: 0, logger: createLogger('silent'), config: { ...TEST_BROKER_CONFIG, 'auto.create.topics.enable': false } });
  try {
    await fn(broker, broker.httpUrl!);
  } finally {
    await broker.close();
  }
}

interface Answer { status: number; json: any; text: string; headers: Headers }
async function call(url: string, method: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': contentType }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

function assertClientError(a: Answer, status: number, what: string): void {
  assert.equal(a.status, status, `${what}: ${a.text}`);
  assert.equal(typeof a.json?.message, 'string', `${what}: a JSON error body`);
  assert.equal(typeof a.json?.error_code, 'number', what);
}

const api = (url: string): string => `${url}/console/api`;

test('topics: create, describe with offsets and configs, refuse mistakes with 4xx, delete', { timeout: 60_000 }, async () => {
  await withBroker(async (_b, url) => {
    const created = await call(`${api(url)}/topics`, 'POST', { name: 'orders', partitions: 3, configs: { 'retention.ms': '3600000' } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.json, { name: 'orders', partitions: 3 });
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 'orders', partitions: 1 }), 409, 'an existing topic');
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 'bad name!', partitions: 1 }), 400, 'an illegal name');
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 'x', partitions: 0 }), 400, 'zero partitions');
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 'x', partitions: 1, configs: { 'retention.ms': 'soon' } }), 400, 'a bad config value');
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 'x', configs: ['a'] }), 422, 'configs not an object');
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 42 }), 422, 'a name that is no string');
    assertClientError(await call(`${api(url)}/topics`, 'POST', '{"name":', 'application/json'), 400, 'malformed JSON');
    assertClientError(await call(`${api(url)}/topics`, 'POST', 'name=x', 'application/x-www-form-urlencoded'), 415, 'a form post (what a cross-site page can send)');
    assertClientError(await call(`${api(url)}/topics`, 'POST', { name: 'big', pad: 'x'.repeat(2 * 1024 * 1024) }), 413, 'a body over 1 MiB');

    const list = await call(`${api(url)}/topics`, 'GET');
    assert.ok(list.json.topics.some((t: any) => t.name === 'orders' && t.partitions === 3 && t.internal === false), list.text);
    const d = await call(`${api(url)}/topics/orders`, 'GET');
    assert.equal(d.status, 200);
    assert.equal(d.json.partitions.length, 3);
    assert.deepEqual(d.json.partitions[0], { partition: 0, earliest_offset: 0, latest_offset: 0, records: 0 });
    assert.deepEqual(d.json.configs.find((c: any) => c.name === 'retention.ms'), { name: 'retention.ms', value: '3600000', is_default: false });
    assertClientError(await call(`${api(url)}/topics/nope`, 'GET'), 404, 'an unknown topic');
    assertClientError(await call(`${api(url)}/topics/__consumer_offsets`, 'DELETE'), 403, 'an internal topic');
    assert.equal((await call(`${api(url)}/topics/orders`, 'DELETE')).status, 204);
    assertClientError(await call(`${api(url)}/topics/orders`, 'DELETE'), 404, 'deleted twice');
  });
});

test('record pages are bounded: limit, max_bytes and field_bytes; reads from an offset, a timestamp, the start and the end', { timeout: 60_000 }, async () => {
  await withBroker(async (b, url) => {
    const cluster = b.state.clusterId;
    await call(`${api(url)}/topics`, 'POST', { name: 'events', partitions: 2 });
    const t0 = Date.UTC(2026, 0, 1);
    // 30 records on partition 0, one per REST request (one batch each), a second apart.
    for (let i = 0; i < 30; i++) {
      const r = await call(`${url}/v3/clusters/${cluster}/topics/events/records`, 'POST', {
        partition_id: 0, timestamp: t0 + i * 1000, key: { type: 'STRING', data: `k${i}` }, value: { type: 'JSON', data: { i, pad: 'x'.repeat(100) } },
      });
      assert.equal(r.status, 200, r.text);
    }
    const page = (q: string) => call(`${api(url)}/topics/events/partitions/0/records?${q}`, 'GET');

    const first = await page('limit=10');
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json.records.map((r: any) => r.offset), [...Array(10).keys()]);
    assert.equal(first.json.next_offset, 10);
    assert.equal(first.json.latest_offset, 30);
    assert.deepEqual(first.json.records[3].key, { encoding: 'utf8', data: 'k3', size: 2, truncated: false });
    assert.deepEqual(JSON.parse(first.json.records[3].value.data), { i: 3, pad: 'x'.repeat(100) });
    assert.equal(first.json.records[3].timestamp, t0 + 3000);

    const next = await page(`offset=${first.json.next_offset}&limit=10`);
    assert.deepEqual(next.json.records.map((r: any) => r.offset), [...Array(10).keys()].map((i) => i + 10));

    const byTime = await page(`timestamp=${t0 + 20_000}&limit=3`);
    assert.equal(byTime.json.from_offset, 20);
    assert.deepEqual(byTime.json.records.map((r: any) => r.offset), [20, 21, 22]);
    const betweenTimes = await page(`timestamp=${t0 + 20_500}&limit=1`);
    assert.deepEqual(betweenTimes.json.records.map((r: any) => r.offset), [21], 'the first record at or after the time');
    const afterAll = await page(`timestamp=${t0 + 3_600_000}`);
    assert.deepEqual(afterAll.json.records, []);
    assert.equal(afterAll.json.from_offset, 30);

    const both = await page(`timestamp=${t0 + 20_000}&offset=5&position=latest&limit=1`);
    assert.deepEqual(both.json.records.map((r: any) => r.offset), [5], 'an offset wins over a timestamp and a position');
    const latest = await page('position=latest&limit=5');
    assert.deepEqual(latest.json.records.map((r: any) => r.offset), [25, 26, 27, 28, 29]);
    const past = await page('offset=1000');
    assert.deepEqual(past.json.records, []);
    assert.equal(past.json.from_offset, 30, 'an offset past the end is clamped to it');

    // max_bytes bounds the stored bytes read: each batch here is over 100 bytes, so 1 byte reads one batch.
    const oneBatch = await page('max_bytes=1&limit=500');
    assert.equal(oneBatch.json.records.length, 1);
    const few = await page('max_bytes=600&limit=500');
    assert.ok(few.json.records.length >= 1 && few.json.records.length < 10, `${few.json.records.length} records in 600 bytes`);
    assert.ok(few.json.bytes_read <= 600 + 300, `${few.json.bytes_read} bytes read`);

    const cut = await page('limit=1&field_bytes=10');
    assert.equal(cut.json.records[0].value.truncated, true);
    assert.equal(cut.json.records[0].value.data.length, 10);
    assert.ok(cut.json.records[0].value.size > 100);

    for (const [q, why] of [['limit=0', 'limit 0'], ['limit=501', 'limit over 500'], ['limit=abc', 'limit not a number'], ['max_bytes=0', 'max_bytes 0'],
      ['max_bytes=99999999', 'max_bytes over 4 MiB'], ['field_bytes=2000000', 'field_bytes over 1 MiB'], ['offset=-1', 'a negative offset'],
      ['position=middle', 'an unknown position'], ['timestamp=1e9', 'a timestamp not an integer']] as const) {
      assertClientError(await page(q), 400, why);
    }
    assertClientError(await call(`${api(url)}/topics/events/partitions/2/records`, 'GET'), 404, 'a partition past the last');
    assertClientError(await call(`${api(url)}/topics/events/partitions/x/records`, 'GET'), 404, 'a partition that is no number');
    assertClientError(await call(`${api(url)}/topics/none/partitions/0/records`, 'GET'), 404, 'an unknown topic');
  });
});

test('keys, values and headers: UTF-8 as text cut on a character boundary, other bytes as base64, markup as plain data', { timeout: 60_000 }, async () => {
  await withBroker(async (b, url) => {
    const cluster = b.state.clusterId;
    await call(`${api(url)}/topics`, 'POST', { name: 'bytes', partitions: 1 });
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    const markup = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    await call(`${url}/v3/clusters/${cluster}/topics/bytes/records`, 'POST', {
      key: { type: 'BINARY', data: binary.toString('base64') }, value: { type: 'STRING', data: 'é'.repeat(10) },
      headers: [{ name: markup, value: Buffer.from(markup).toString('base64') }, { name: 'null', value: null }],
    });
    const r = await call(`${api(url)}/topics/bytes/records`, 'POST', { key: markup, value: markup, headers: [{ name: 'h', value: markup }] });
    assert.equal(r.status, 200, r.text);

    const page = await call(`${api(url)}/topics/bytes/partitions/0/records?field_bytes=5`, 'GET');
    assert.equal(page.headers.get('content-type'), 'application/json');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const [bin] = page.json.records;
    assert.deepEqual(bin.key, { encoding: 'base64', data: binary.toString('base64'), size: 4, truncated: false });
    // 'é' is two bytes: 5 bytes cut to 4, two whole characters.
    assert.deepEqual(bin.value, { encoding: 'utf8', data: 'éé', size: 20, truncated: true });
    assert.equal(bin.headers[0].name, markup);
    assert.equal(bin.headers[1].value, null);
    const full = await call(`${api(url)}/topics/bytes/partitions/0/records`, 'GET');
    assert.equal(full.json.records[1].value.data, markup, 'markup comes back as the string it was, inside JSON');
    assert.equal(full.json.records[1].headers[0].value.data, markup);

    const html = await fetch(`${url}/`);
    const csp = html.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const js = await (await fetch(`${url}/console/app.js`)).text();
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, 'the console never turns strings into markup');
  });
});

test('compressed batches are decoded within a bound; a batch that would inflate past it is skipped, and the page moves past it', { timeout: 60_000 }, async () => {
  await withBroker(async (b, url) => {
    await call(`${api(url)}/topics`, 'POST', { name: 'packed', partitions: 1 });
    // Batches as an older broker (before bounded decompression on produce) could have stored them: straight
    // into the log, its records unchecked. The console must read around the bombs.
    const log = b.state.store.partition('packed', 0);
    const small = (text: string) => ({ baseTimestamp: Date.now(), records: [{ key: Buffer.from('k'), value: Buffer.from(text) }, { key: null, value: Buffer.from(`${text}-2`) }] });
    const bomb = { baseTimestamp: Date.now(), records: [{ key: null, value: Buffer.alloc(20 * 1024 * 1024) }] };
    let expected = 0;
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      log.append(await buildCompressedBatch(small(codec), codec), { leaderEpoch: 0, recordsChecked: true });
      const packed = await buildCompressedBatch(bomb, codec);
      assert.ok(packed.length < 1024 * 1024, `${codec}: 20 MiB packs into ${packed.length} bytes`);
      log.append(packed, { leaderEpoch: 0, recordsChecked: true });
      expected += 3;
    }
    assert.equal(log.highWatermark, expected);
    // The snappy bomb alone is almost 1 MiB stored: read up to 4 MiB.
    const page = await call(`${api(url)}/topics/packed/partitions/0/records?limit=500&max_bytes=4194304`, 'GET');
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(page.json.records.map((r: any) => r.value.data), ['gzip', 'gzip-2', 'snappy', 'snappy-2', 'lz4', 'lz4-2', 'zstd', 'zstd-2']);
    assert.deepEqual(page.json.skipped_batches.map((s: any) => [s.baseOffset, s.reason.split(' ')[0]]), [[2, 'gzip'], [5, 'snappy'], [8, 'lz4'], [11, 'zstd']]);
    assert.equal(page.json.next_offset, 12);
    // A page starting inside a batch shows only the records from there.
    const mid = await call(`${api(url)}/topics/packed/partitions/0/records?offset=4&limit=1`, 'GET');
    assert.deepEqual(mid.json.records.map((r: any) => [r.offset, r.value.data]), [[4, 'snappy-2']]);
    assert.equal(mid.json.next_offset, 5);
  });
});

test('produce from the console: the broker partitions by key; unknown topics and partitions are 404, bad fields 422', { timeout: 60_000 }, async () => {
  await withBroker(async (_b, url) => {
    await call(`${api(url)}/topics`, 'POST', { name: 'keyed', partitions: 5 });
    for (const key of ['alice', 'bob', 'carol']) {
      const r = await call(`${api(url)}/topics/keyed/records`, 'POST', { key, value: 'v' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.partition, partitionForKey(Buffer.from(key), 5), key);
    }
    const pinned = await call(`${api(url)}/topics/keyed/records`, 'POST', { partition: 4, key: 'alice', value: null });
    assert.equal(pinned.json.partition, 4);
    assertClientError(await call(`${api(url)}/topics/keyed/records`, 'POST', { partition: 5, value: 'v' }), 404, 'a partition past the last');
    assertClientError(await call(`${api(url)}/topics/nowhere/records`, 'POST', { value: 'v' }), 404, 'an unknown topic (never auto-created)');
    assertClientError(await call(`${api(url)}/topics/keyed/records`, 'POST', { value: 7 }), 422, 'a value that is no string');
    assertClientError(await call(`${api(url)}/topics/keyed/records`, 'POST', { value: 'v', headers: [{ value: 'x' }] }), 422, 'a header without a name');
    assertClientError(await call(`${api(url)}/topics/keyed/records`, 'POST', [1, 2]), 400, 'a body that is no object');
    const overview = await call(`${api(url)}/overview`, 'GET');
    assert.equal(overview.json.topics >= 1, true);
    assert.equal(overview.json.metrics.messages_in_total, 4);
  });
});

test('groups: members, assignment and lag of a KafkaJS group; reset is 409 while it has a member and works once it is empty', { timeout: 90_000 }, async () => {
  await withBroker(async (b, url) => {
    await call(`${api(url)}/topics`, 'POST', { name: 'work', partitions: 2 });
    for (let i = 0; i < 10; i++) await call(`${api(url)}/topics/work/records`, 'POST', { partition: i % 2, value: `m${i}` });
    const kafka = new kafkajs.Kafka({ clientId: 'console-test', brokers: [b.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'workers', sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'work', fromBeginning: true });
    let seen = 0;
    const consumed = new Promise<void>((resolve) => {
      void consumer.run({ autoCommitInterval: 100, eachMessage: async () => {
        if (++seen === 10) resolve();
      } });
    });
    await Promise.race([consumed, new Promise((_, reject) => setTimeout(() => reject(new Error(`consumed ${seen} of 10`)), 30_000))]);
    try {
      let g: Answer | undefined;
      for (let i = 0; i < 100; i++) {
        g = await call(`${api(url)}/groups/workers`, 'GET');
        if (g.json?.state === 'Stable' && g.json.offsets.length === 2 && g.json.offsets.every((o: any) => o.lag === 0)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(g!.json.members.length, 1, g!.text);
      assert.deepEqual(g!.json.members[0].assignment, [{ topic: 'work', partitions: [0, 1] }]);
      assert.equal(g!.json.members[0].client_id, 'console-test');
      assert.deepEqual(g!.json.offsets.map((o: any) => [o.partition, o.committed_offset, o.end_offset, o.lag]), [[0, 5, 5, 0], [1, 5, 5, 0]]);
      const list = await call(`${api(url)}/groups`, 'GET');
      assert.deepEqual(list.json.groups.map((x: any) => [x.group, x.members, x.lag]), [['workers', 1, 0]]);

      const refused = await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'earliest' });
      assertClientError(refused, 409, 'a reset of a group with a member');
      assert.match(refused.json.message, /1 member/);
    } finally {
      await consumer.disconnect();
    }
    assert.equal((await call(`${api(url)}/groups/workers`, 'GET')).json.state, 'Empty', 'KafkaJS left the group');
    const reset = await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'earliest' });
    assert.equal(reset.status, 200, reset.text);
    assert.deepEqual(reset.json.offsets, [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }]);
    const after = await call(`${api(url)}/groups/workers`, 'GET');
    assert.deepEqual(after.json.offsets.map((o: any) => o.lag), [5, 5]);
    const one = await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'offset', offset: 3, partitions: [1] });
    assert.deepEqual(one.json.offsets, [{ partition: 1, offset: 3 }]);
    const later = await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'timestamp', timestamp: Date.now() + 60_000 });
    assert.deepEqual(later.json.offsets, [{ partition: 0, offset: 5 }, { partition: 1, offset: 5 }], 'a time after every record: the end');
    // KafkaJS, rejoining, starts from the reset offsets.
    await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'offset', offset: 4 });
    const again = kafka.consumer({ groupId: 'workers', sessionTimeout: 6000, heartbeatInterval: 500 });
    await again.connect();
    await again.subscribe({ topic: 'work' });
    const offsets: string[] = [];
    const got = new Promise<void>((resolve) => {
      void again.run({ eachMessage: async ({ partition, message }) => {
        offsets.push(`${partition}:${message.offset}`);
        if (offsets.length === 2) resolve();
      } });
    });
    await Promise.race([got, new Promise((_, reject) => setTimeout(() => reject(new Error(`got ${offsets.join(',')}`)), 30_000))]);
    await again.disconnect();
    assert.deepEqual(offsets.sort(), ['0:4', '1:4']);

    // A group that does not exist yet is created with the offsets (as kafka-consumer-groups does).
    const staged = await call(`${api(url)}/groups/later/offsets`, 'POST', { topic: 'work', to: 'offset', offset: 2 });
    assert.equal(staged.status, 200, staged.text);
    assert.deepEqual((await call(`${api(url)}/groups/later`, 'GET')).json.offsets.map((o: any) => [o.partition, o.committed_offset, o.lag]), [[0, 2, 3], [1, 2, 3]]);
    assertClientError(await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'soon' }), 422, 'an unknown target');
    assertClientError(await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'offset' }), 422, 'an offset missing');
    assertClientError(await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'work', to: 'earliest', partitions: [2] }), 422, 'a partition past the last');
    assertClientError(await call(`${api(url)}/groups/workers/offsets`, 'POST', { topic: 'none', to: 'earliest' }), 404, 'an unknown topic');
    assertClientError(await call(`${api(url)}/groups/nobody`, 'GET'), 404, 'an unknown group');
  });
});
