// For every API, message and version: encode → decode gives the message back, decode → encode gives
// the same bytes, unknown tagged fields survive, and truncated or random input only ever throws
// ProtocolDecodeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apis } from '../../src/protocol/schemas/index.js';
import type { MessageSchema } from '../../src/protocol/schemas/types.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { ProtocolDecodeError } from '../../src/protocol/errors.js';
import { messageArb, project } from './arbitrary.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

type Dec = (r: Reader, v: number) => Record<string, unknown>;
type Enc = (w: Writer, v: number, m: unknown) => void;

function codecs(msg: MessageSchema): { dec: Dec; enc: Enc } {
  const api = apiMessages[msg.apiKey]!;
  return msg.kind === 'request'
    ? { dec: api.decodeRequest, enc: api.encodeRequest }
    : { dec: api.decodeResponse, enc: api.encodeResponse };
}

function encode(enc: Enc, v: number, m: unknown): Buffer {
  const w = new Writer(16);
  enc(w, v, m);
  return Buffer.from(w.toBuffer());
}

function expectOnlyDecodeErrors(dec: Dec, v: number, buf: Buffer): void {
  try {
    dec(new Reader(buf), v);
  } catch (e) {
    if (!(e instanceof ProtocolDecodeError)) throw new Error(`decode threw ${String(e)} instead of ProtocolDecodeError`, { cause: e });
  }
}

const messages = apis.flatMap((a) => [a.request, a.response]);

test('registry covers every schema with its version range', () => {
  for (const a of apis) {
    const m = apiMessages[a.apiKey]!;
    assert.equal(m.name, a.name);
    assert.equal(m.minVersion, a.request.validVersions.min);
    assert.equal(m.maxVersion, a.request.validVersions.max);
  }
  assert.equal(apiMessages[ApiKey.Produce]!.maxVersion, 12);
  assert.equal(apiMessages[ApiKey.Metadata]!.maxVersion, 13);
  assert.equal(apiMessages[ApiKey.Fetch]!.firstFlexibleVersion, 12);
});

for (const msg of messages) {
  test(`${msg.name}: round trips in every version`, () => {
    const { dec, enc } = codecs(msg);
    for (let v = msg.validVersions.min; v <= msg.validVersions.max; v++) {
      fc.assert(
        fc.property(messageArb(msg, v), (m) => {
          const bytes = encode(enc, v, m);
          const r = new Reader(bytes);
          const back = dec(r, v);
          assert.equal(r.remaining, 0, 'decoder must consume the whole message');
          assert.deepStrictEqual(project(msg.fields, v, back), m);
          assert.deepStrictEqual(encode(enc, v, back), bytes);
        }),
        { numRuns: 25, seed: 42 + v },
      );
    }
  });

  test(`${msg.name}: truncated and corrupted input throws only ProtocolDecodeError`, () => {
    const { dec, enc } = codecs(msg);
    for (let v = msg.validVersions.min; v <= msg.validVersions.max; v++) {
      const samples = fc.sample(messageArb(msg, v), { numRuns: 3, seed: 7 + v });
      for (const m of samples) {
        const bytes = encode(enc, v, m);
        const step = Math.max(1, Math.floor(bytes.length / 64));
        for (let len = 0; len < bytes.length; len += step) {
          assert.throws(() => dec(new Reader(bytes.subarray(0, len)), v), ProtocolDecodeError);
        }
        for (let i = 0; i < Math.min(bytes.length, 48); i++) {
          const bad = Buffer.from(bytes);
          bad[i] = bad[i]! ^ 0xff;
          expectOnlyDecodeErrors(dec, v, bad);
        }
      }
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 48 }), (b) => expectOnlyDecodeErrors(dec, v, Buffer.from(b))),
        { numRuns: 30, seed: 3 + v },
      );
    }
  });
}

test('defaults fill absent input fields and absent versions decode to defaults', () => {
  const api = apiMessages[ApiKey.Produce]!;
  const w = new Writer();
  api.encodeResponse(w, 1, { responses: [{ name: 't', partitionResponses: [{ index: 0 }] }] });
  const back = api.decodeResponse(new Reader(w.toBuffer()), 1);
  const p = back.responses[0].partitionResponses[0];
  assert.equal(p.baseOffset, 0n);
  assert.equal(p.logAppendTimeMs, -1n); // absent before v2: the spec default
  assert.equal(p.errorMessage, null);
  assert.deepEqual(p.currentLeader, { leaderId: -1, leaderEpoch: -1 });
});

test('known tagged fields are written only when not default, sorted by tag with unknown ones', () => {
  const api = apiMessages[ApiKey.ApiVersions]!;
  const w = new Writer();
  api.encodeResponse(w, 3, {
    errorCode: ErrorCode.NONE,
    apiKeys: [],
    finalizedFeaturesEpoch: 5n,
    _unknownTaggedFields: [{ tag: 2000, data: Buffer.from([1, 2]) }, { tag: 7, data: Buffer.alloc(0) }],
  });
  const bytes = Buffer.from(w.toBuffer());
  // errorCode(2) apiKeys(1) throttle(4) | count=3 | tag1 size8 int64 | tag7 size0 | tag2000 size2
  assert.deepEqual([...bytes.subarray(7, 9)], [3, 1]);
  const back = api.decodeResponse(new Reader(bytes), 3);
  assert.equal(back.finalizedFeaturesEpoch, 5n);
  assert.deepEqual(back._unknownTaggedFields.map((t: { tag: number }) => t.tag), [7, 2000]);
  const w2 = new Writer();
  api.encodeResponse(w2, 3, back);
  assert.deepEqual(Buffer.from(w2.toBuffer()), bytes);
});

test('a field the version lacks is skipped on encode; null in a non-nullable version is written empty', () => {
  const api = apiMessages[ApiKey.Produce]!;
  const w = new Writer();
  api.encodeRequest(w, 2, { transactionalId: 'tx', acks: -1, timeoutMs: 10, topicData: [] });
  assert.deepEqual([...w.toBuffer()], [0xff, 0xff, 0, 0, 0, 10, 0, 0, 0, 0]);
  const m = apiMessages[ApiKey.Metadata]!;
  const w2 = new Writer();
  m.encodeResponse(w2, 11, { topics: [{ name: null, partitions: [] }] });
  const back = m.decodeResponse(new Reader(w2.toBuffer()), 11);
  assert.equal(back.topics[0].name, '');
});

test('Fetch v13+ carries topic ids instead of names; Metadata v13 has a top-level error code', () => {
  const f = apiMessages[ApiKey.Fetch]!;
  const id = '0123456789abcdef0123456789abcdef'.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
  const w = new Writer();
  f.encodeRequest(w, 13, { topics: [{ topic: 'ignored', topicId: id, partitions: [] }] });
  const back = f.decodeRequest(new Reader(w.toBuffer()), 13);
  assert.equal(back.topics[0].topicId, id);
  assert.equal(back.topics[0].topic, '');
  const m = apiMessages[ApiKey.Metadata]!;
  const w2 = new Writer();
  m.encodeResponse(w2, 13, { errorCode: 129 });
  const bytes = w2.toBuffer();
  // throttle(4) brokers(1) clusterId(1) controllerId(4) topics(1) errorCode(2) tags(1)
  assert.equal(bytes.length, 14);
  assert.equal(bytes.readInt16BE(11), 129);
});
