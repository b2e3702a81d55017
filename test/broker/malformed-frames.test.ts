/** Hostile input: garbage, truncated, oversized and unknown frames close only their own connection. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startTestBroker } from './harness.js';
import { WireClient } from './wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { buildRecordBatch } from '../../src/protocol/record-batch.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

/** Sends bytes on a fresh connection; resolves with what came back once the broker closes it (or after waitMs). */
function sendRaw(bootstrap: string, bytes: Buffer, waitMs = 2000): Promise<{ closedByBroker: boolean; received: Buffer }> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: host!, port: Number(port) }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByBroker: false, received: Buffer.concat(chunks) });
    }, waitMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByBroker: true, received: Buffer.concat(chunks) });
    });
  });
}

function frame(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function header(apiKey: number, version: number, correlationId = 7): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, ApiKey.Produce);
  b.writeInt16BE(version, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8); // null client id
  return b;
}

test('malformed frames are closed cleanly with a log line while a good client keeps working', async () => {
  const broker = await startTestBroker({ 'socket.request.max.bytes': 1 << 20 });
  const good = await WireClient.connect(broker.bootstrap);
  try {
    const created = await good.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'steady', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const cases: [string, Buffer][] = [
      ['negative size', Buffer.from([0xff, 0xff, 0xff, 0xfe, 1, 2, 3])],
      ['oversized frame', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0])],
      ['unknown api key', frame(header(9999, 0))],
      ['unsupported produce version', frame(header(0, 2))],
      ['header cut short', frame(Buffer.from([0, 3, 0]))],
      ['body cut short (Metadata v9 with a huge array)', frame(Buffer.concat([header(3, 9), Buffer.from([0, 0xff, 0xff, 0xff, 0x0f])]))],
      ['produce with garbage body', frame(Buffer.concat([header(0, 8), Buffer.from('not a produce request at all')]))],
    ];
    let expectedOffset = 0n;
    const checkGood = async () => {
      const records = buildRecordBatch({ baseTimestamp: Date.now(), records: [{ value: Buffer.from('ok') }] });
      const res = await good.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'steady', partitionData: [{ index: 0, records }] }] });
      assert.equal(res.responses[0].partitionResponses[0].baseOffset, expectedOffset);
      expectedOffset += 1n;
    };
    for (const [name, bytes] of cases) {
      const before = broker.logs.length;
      const result = await sendRaw(broker.bootstrap, bytes);
      assert.ok(result.closedByBroker, `${name}: broker closed the connection`);
      assert.equal(result.received.length, 0, `${name}: no response bytes`);
      assert.ok(broker.logs.slice(before).some((l) => l.level === 'warn' && l.msg === 'closing connection'), `${name}: logged`);
      await checkGood();
    }
    // Random frames: bounded in count and time.
    const deadline = Date.now() + 15_000;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.integer({ min: 0, max: 80 }), async (garbage, apiKey) => {
        if (Date.now() > deadline) return;
        const body = Buffer.concat([header(apiKey, garbage.length % 14), Buffer.from(garbage)]);
        await sendRaw(broker.bootstrap, frame(body), 300);
      }),
      { numRuns: 150 },
    );
    await checkGood();
    const md = await good.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.ok(md.topics.some((t: { name: string }) => t.name === 'steady'));
  } finally {
    good.close();
    await broker.close();
  }
});
