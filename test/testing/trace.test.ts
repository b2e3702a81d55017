// The protocol trace: every request a broker handles, decoded, with its response, client id and timing,
// inspectable from a test and written as JSON lines by `minikafka start --trace FILE`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { ProtocolTrace, startBroker } from '../../src/testing/index.js';
import { createLogger } from '../../src/broker/logger.js';
import { spawnBroker } from '../support/broker-process.js';
import { runCli } from '../cli/run-cli.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

test('ProtocolTrace records each request and response, decoded, per API and client id', { timeout: 60_000 }, async () => {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, logger: createLogger('silent') });
  const trace = new ProtocolTrace(broker);
  const kafka = new kafkajs.Kafka({ clientId: 'traced-app', brokers: [broker.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  try {
    await producer.connect();
    await producer.send({ topic: 'traced', acks: -1, messages: [{ key: 'k', value: 'v' }] });
    const produces = trace.requests({ api: 'Produce', clientId: 'traced-app' });
    assert.equal(produces.length, 1);
    const p = produces[0]!;
    assert.equal(p.apiKey, ApiKey.Produce);
    assert.equal((p.request as { topicData: Array<{ name: string }> }).topicData[0]!.name, 'traced');
    assert.equal((p.response as { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> }).responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
    assert.ok(p.durationMs >= 0 && p.startedAtMs > 0);
    assert.ok(trace.requests({ api: 3 }).length >= 1, 'Metadata is traced too');
    assert.ok(trace.requests().every((e) => e.clientId === 'traced-app'));
    trace.stop();
    await producer.send({ topic: 'traced', messages: [{ value: 'after stop' }] });
    assert.equal(trace.requests({ api: 'Produce' }).length, 1, 'nothing recorded after stop');
  } finally {
    await producer.disconnect();
    await broker.close();
  }
});

test('minikafka start --trace FILE writes one JSON line per exchange; the default command serves HTTP too', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-trace-'));
  const file = join(dir, 'trace.jsonl');
  const broker = await spawnBroker({ dataDir: join(dir, 'data'), args: ['--trace', file] });
  try {
    const produced = await runCli(['produce', 'cli-traced', '--bootstrap', broker.bootstrap], { input: 'hello\n' });
    assert.equal(produced.code, 0, produced.stderr);
    // With --port 0 and no HTTP flag, HTTP listens on a free port of its own.
    const http = broker.logs.map((l) => JSON.parse(l) as { msg: string; port?: number }).find((e) => e.msg === 'http listening');
    assert.ok(http?.port, 'http listening line');
    const res = await fetch(`http://127.0.0.1:${http.port}/livez`);
    assert.equal(res.status, 200);
  } finally {
    await broker.stop();
  }
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { api: string; request: { topicData?: Array<{ partitionData: Array<{ records: { base64: string } }> }> } });
  const produce = lines.find((l) => l.api === 'Produce');
  assert.ok(produce, `Produce traced among ${lines.map((l) => l.api).join(',')}`);
  assert.ok(Buffer.from(produce.request.topicData![0]!.partitionData[0]!.records.base64, 'base64').includes('hello'), 'record bytes are in the trace');
  rmSync(dir, { recursive: true, force: true });
});
