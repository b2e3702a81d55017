/** Topic creation and deletion over the wire: long names, names next to broker files, deletion under load, error messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { startBroker } from '../../src/broker/broker.js';
import { createLogger } from '../../src/broker/logger.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { createTopic, fetchAll, produce } from '../durability/wire.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

function batch(value: string): Buffer {
  return buildRecordBatch({ baseTimestamp: Date.now(), records: [{ key: null, value: Buffer.from(value) }] });
}

async function deleteTopic(client: WireClient, name: string): Promise<{ errorCode: number; errorMessage: string | null }> {
  const res = await client.request(ApiKey.DeleteTopics, 6, { topics: [{ name, topicId: '00000000-0000-0000-0000-000000000000' }], timeoutMs: 5000 });
  return res.responses[0];
}

async function topicNames(client: WireClient): Promise<string[]> {
  const res = await client.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return (res.topics as { name: string }[]).map((t) => t.name).sort();
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mk-topics-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a 249-character topic is really deleted: re-created empty, still empty and alone after a restart', () =>
  withDir(async (dir) => {
    // Bug: '<name>~<uuid>~deleted' passed 255 bytes for names over ~210 chars; the files stayed and came back.
    const name = 'L'.repeat(240) + '-abc.de_f';
    assert.equal(name.length, 249);
    let broker: TestBroker = await startTestBroker({ 'auto.create.topics.enable': false }, dir);
    let client = await WireClient.connect(broker.bootstrap);
    try {
      assert.equal(await createTopic(client, name, 1), ErrorCode.NONE);
      for (let i = 0; i < 5; i++) assert.equal((await produce(client, name, 0, batch(`old-${i}`))).errorCode, ErrorCode.NONE);
      const deleted = await deleteTopic(client, name);
      assert.equal(deleted.errorCode, ErrorCode.NONE, deleted.errorMessage ?? '');
      assert.equal(await createTopic(client, name, 1), ErrorCode.NONE);
      let fetched = await fetchAll(client, name, 0);
      assert.deepEqual([fetched.errorCode, fetched.highWatermark, fetched.batches.length], [ErrorCode.NONE, 0, 0], 'the new topic has no old records');
      assert.equal((await produce(client, name, 0, batch('new'))).errorCode, ErrorCode.NONE);
      client.close();
      await broker.close();

      broker = await startTestBroker({ 'auto.create.topics.enable': false }, dir);
      client = await WireClient.connect(broker.bootstrap);
      fetched = await fetchAll(client, name, 0);
      assert.deepEqual([fetched.errorCode, fetched.highWatermark, fetched.batches.length], [ErrorCode.NONE, 1, 1], 'only the new record after a restart');
      assert.deepEqual(await topicNames(client), [name]);
      const onDisk = readdirSync(dir).filter((n) => n.startsWith('L'));
      assert.deepEqual(onDisk, [name], 'no deleted-topic leftovers on disk');
    } finally {
      client.close();
      await broker.close();
    }
  }));

test('a topic named .lock can be created and used (the lock file has a name no topic can have)', () =>
  withDir(async (dir) => {
    // Bug: the data-dir lock file was '.lock', a legal topic name: creating that topic failed with a storage error.
    const broker = await startTestBroker({}, dir);
    const client = await WireClient.connect(broker.bootstrap);
    try {
      assert.equal(await createTopic(client, '.lock', 1), ErrorCode.NONE);
      assert.equal((await produce(client, '.lock', 0, batch('locked'))).errorCode, ErrorCode.NONE);
      const fetched = await fetchAll(client, '.lock', 0);
      assert.equal(fetched.batches.length, 1);
    } finally {
      client.close();
      await broker.close();
    }
  }));

test('storage error messages sent to clients do not carry the data directory path', () =>
  withDir(async (dir) => {
    // Bug: a failed append answered "append /abs/data/dir/t/0/00000000000000000000.log: ENOSPC" to the client.
    const fs = new MemoryFs();
    const logger = createLogger('silent');
    const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir: dir, fs, logger });
    const client = await WireClient.connect(broker.bootstrap);
    try {
      assert.equal(await createTopic(client, 'full', 1), ErrorCode.NONE);
      fs.inject((op, path) => (op === 'write' && path.endsWith('.log') ? 'ENOSPC' : undefined));
      const res = await client.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'full', partitionData: [{ index: 0, records: batch('x') }] }] });
      const p = res.responses[0].partitionResponses[0];
      assert.equal(p.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
      assert.ok(typeof p.errorMessage === 'string' && p.errorMessage.includes('ENOSPC'), p.errorMessage);
      assert.ok(!p.errorMessage.includes(dir), `message names the data dir: ${p.errorMessage}`);
      assert.match(p.errorMessage, /full\/0\/0+\.log/);
    } finally {
      client.close();
      await broker.close();
    }
  }));

test('deleting a topic under acks=-1 load: in-flight produces get UNKNOWN_TOPIC_OR_PARTITION, never KAFKA_STORAGE_ERROR, and no I/O error is logged', { timeout: 60_000 }, () =>
  withDir(async (dir) => {
    // Bug: deletion closed segment files under queued fsyncs: EBADF, the log went offline, producers got KAFKA_STORAGE_ERROR.
    const broker = await startTestBroker({ 'auto.create.topics.enable': false }, dir);
    const admin = await WireClient.connect(broker.bootstrap);
    const producers = await Promise.all(Array.from({ length: 6 }, () => WireClient.connect(broker.bootstrap)));
    const codes = new Map<number, number>();
    try {
      for (let round = 0; round < 5; round++) {
        assert.equal(await createTopic(admin, 'doomed', 2), ErrorCode.NONE);
        assert.equal(await createTopic(admin, `other-${round}`, 1), ErrorCode.NONE);
        let stop = false;
        const loops = producers.map(async (client, i) => {
          for (let n = 0; !stop && n < 2000; n++) {
            const r = await produce(client, 'doomed', i % 2, batch(`v${n}`));
            codes.set(r.errorCode, (codes.get(r.errorCode) ?? 0) + 1);
          }
        });
        await new Promise((r) => setTimeout(r, 30 + round * 20));
        const d = await deleteTopic(admin, 'doomed');
        assert.equal(d.errorCode, ErrorCode.NONE, d.errorMessage ?? '');
        await new Promise((r) => setTimeout(r, 20));
        stop = true;
        await Promise.all(loops);
        // Other topics keep working.
        assert.equal((await produce(admin, `other-${round}`, 0, batch('fine'))).errorCode, ErrorCode.NONE);
        assert.equal((await fetchAll(admin, `other-${round}`, 0)).batches.length, 1);
      }
      assert.equal(codes.get(ErrorCode.KAFKA_STORAGE_ERROR) ?? 0, 0, `codes seen: ${JSON.stringify([...codes])}`);
      assert.ok((codes.get(ErrorCode.NONE) ?? 0) > 0, 'the load produced');
      const unexpected = [...codes.keys()].filter((c) => c !== ErrorCode.NONE && c !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && c !== ErrorCode.NOT_LEADER_OR_FOLLOWER);
      assert.deepEqual(unexpected, []);
      const bad = broker.logs.filter((l) => l.level === 'error' || /offline|fdatasync|fsync failed|EBADF/.test(String(l.msg)));
      assert.deepEqual(bad.map((l) => l.msg), []);
    } finally {
      for (const c of producers) c.close();
      admin.close();
      await broker.close();
    }
  }));
