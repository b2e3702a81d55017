// Covers src/protocol/frame.ts and header.ts, and re-encodes captured client requests byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/protocol/frame.js';
import { FrameSizeError, ProtocolDecodeError, errorName, ErrorCode, isRetriable, kafkaErrors } from '../../src/protocol/errors.js';
import { decodeRequestHeader, encodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/header.js';
import { apiMessages } from '../../src/protocol/generated/index.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function frame(payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
}

test('frames come out whole and in order however the stream is split', () => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
    fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
    (payloads, cuts) => {
      const stream = Buffer.concat(payloads.map((p) => frame(Buffer.from(p))));
      const d = new FrameDecoder({ frameBytesMax: 1000 });
      const out: Buffer[] = [];
      let off = 0;
      let i = 0;
      while (off < stream.length) {
        const n = cuts[i++ % cuts.length]!;
        out.push(...d.push(stream.subarray(off, off + n)).map((b) => Buffer.from(b)));
        off += n;
      }
      assert.deepEqual(out.map((b) => [...b]), payloads.map((p) => [...p]));
      assert.equal(d.bufferedBytes, 0);
    },
  ));
});

test('a frame inside one chunk is a view of the chunk, not a copy', () => {
  const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('de'))]);
  const [a, b] = new FrameDecoder().push(chunk);
  assert.equal(a!.buffer, chunk.buffer);
  assert.equal(b!.toString(), 'de');
});

test('a frame dribbled in tiny chunks is held in few buffers and comes out exact', () => {
  const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 31) & 0xff));
  const stream = frame(payload);
  const d = new FrameDecoder();
  const out: Buffer[] = [];
  let off = 0;
  for (let i = 0; off < stream.length; i++) {
    const n = i % 50 === 49 ? 600 : 1 + (i % 3); // mostly tiny, now and then one past the small-chunk bound
    out.push(...d.push(stream.subarray(off, off + n)));
    off += n;
    // At worst a tail and a chunk over 512 bytes alternate, so buffers average over 256 bytes; unbounded, one per chunk (~10,000).
    if (off < stream.length) assert.ok(d.chunkCount <= 2 + Math.ceil(d.bufferedBytes / 256), `${d.chunkCount} buffers for ${d.bufferedBytes} bytes`);
  }
  assert.equal(out.length, 1);
  assert.ok(out[0]!.equals(payload));
  assert.equal(d.bufferedBytes, 0);
});

test('negative or oversized frame sizes raise FrameSizeError', () => {
  const neg = Buffer.alloc(4);
  neg.writeInt32BE(-1, 0);
  assert.throws(() => new FrameDecoder().push(neg), FrameSizeError);
  const big = Buffer.alloc(4);
  big.writeInt32BE(101, 0);
  assert.throws(() => new FrameDecoder({ frameBytesMax: 100 }).push(big), (e: unknown) => e instanceof FrameSizeError && e.code === 'ERR_FRAME_SIZE');
  const d = new FrameDecoder({ frameBytesMax: 100 });
  d.push(big.subarray(0, 2));
  assert.throws(() => d.push(big.subarray(2)), FrameSizeError);
});

test('header versions follow flexible versions; ApiVersions responses always use v0', () => {
  assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
  assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
  assert.equal(responseHeaderVersion(0, 9), 1);
  assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
  assert.equal(responseHeaderVersion(18, 3), 0);
  assert.equal(responseHeaderVersion(1, 11), 0);
});

test('request header round trip, and unknown keys or versions decode as v1, marked unsupported', () => {
  for (const [apiKey, apiVersion] of [[0, 9], [0, 3], [18, 4], [999, 0], [1, 99]] as const) {
    const w = new Writer();
    encodeRequestHeader(w, { apiKey, apiVersion, correlationId: 42, clientId: 'c' }, apiMessages[apiKey] && apiVersion <= apiMessages[apiKey]!.maxVersion ? undefined : 1);
    w.int8(7);
    const r = new Reader(w.toBuffer());
    const h = decodeRequestHeader(r);
    assert.equal(h.apiKey, apiKey);
    assert.equal(h.correlationId, 42);
    assert.equal(h.clientId, 'c');
    assert.equal(h.supported, apiKey !== 999 && apiVersion !== 99);
    assert.equal(r.int8(), 7);
  }
  assert.throws(() => decodeRequestHeader(new Reader(Buffer.from([0, 0]))), ProtocolDecodeError);
  const w = new Writer();
  encodeResponseHeader(w, 5, 1);
  assert.deepEqual([...w.toBuffer()], [0, 0, 0, 5, 0]);
});

test('error table', () => {
  assert.equal(kafkaErrors.length, 130);
  assert.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3);
  assert.equal(errorName(3), 'UNKNOWN_TOPIC_OR_PARTITION');
  assert.equal(errorName(-1), 'UNKNOWN_SERVER_ERROR');
  assert.equal(errorName(35), 'UNSUPPORTED_VERSION');
  assert.equal(isRetriable(ErrorCode.NOT_COORDINATOR), true);
  assert.equal(isRetriable(ErrorCode.UNKNOWN_MEMBER_ID), false);
  assert.equal(errorName(9999), 'UNKNOWN_ERROR_CODE_9999');
});

test('captured client requests re-encode byte for byte (test/fixtures/requests)', (t) => {
  const dir = path.join(root, 'test', 'fixtures', 'requests');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bin')) : [];
  if (files.length === 0) {
    t.skip('no fixtures captured yet');
    return;
  }
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(dir, f));
    const r = new Reader(bytes);
    const h = decodeRequestHeader(r);
    const api = apiMessages[h.apiKey];
    assert.ok(api !== undefined && h.supported, `${f}: api ${h.apiKey} v${h.apiVersion} not in our schemas`);
    const body = api.decodeRequest(r, h.apiVersion);
    assert.equal(r.remaining, 0, `${f}: trailing bytes`);
    const w = new Writer();
    encodeRequestHeader(w, h, h.headerVersion);
    api.encodeRequest(w, h.apiVersion, body);
    assert.deepEqual(Buffer.from(w.toBuffer()), bytes, `${f}: re-encoded bytes differ`);
  }
});

// Frames that arrived whole in the same chunk as a bad size prefix were lost with the thrown error.
test('a bad size prefix throws with the frames completed before it, in the fast path and across chunks', () => {
  const good = (n: number) => { const b = Buffer.alloc(4 + n, n); b.writeInt32BE(n, 0); return b; };
  const bad = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
  for (const split of [false, true]) {
    const d = new FrameDecoder({ frameBytesMax: 1024 });
    const bytes = Buffer.concat([good(3), good(5), bad]);
    let frames: Buffer[] = [];
    try {
      if (split) frames.push(...d.push(bytes.subarray(0, 2)));
      frames.push(...d.push(split ? bytes.subarray(2) : bytes));
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof FrameSizeError);
      frames = [...frames, ...err.framesBefore];
    }
    assert.deepEqual(frames.map((f) => f.length), [3, 5], split ? 'across chunks' : 'in one chunk');
  }
});
