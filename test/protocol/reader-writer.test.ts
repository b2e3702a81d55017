// Covers src/protocol/reader.ts and writer.ts: primitive encodings, varint edge cases, bounds checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../src/protocol/errors.js';

function bytesOf(fn: (w: Writer) => void): number[] {
  const w = new Writer(1);
  fn(w);
  return [...w.toBuffer()];
}

test('uvarint edge cases', () => {
  assert.deepEqual(bytesOf((w) => w.uvarint(0)), [0]);
  assert.deepEqual(bytesOf((w) => w.uvarint(127)), [0x7f]);
  assert.deepEqual(bytesOf((w) => w.uvarint(128)), [0x80, 0x01]);
  assert.deepEqual(bytesOf((w) => w.uvarint(300)), [0xac, 0x02]);
  assert.deepEqual(bytesOf((w) => w.uvarint(0xffffffff)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.equal(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).uvarint(), 0xffffffff);
  assert.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f])).uvarint(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0x80])).uvarint(), ProtocolDecodeError);
  assert.throws(() => new Writer().uvarint(-1), ProtocolEncodeError);
  assert.throws(() => new Writer().uvarint(2 ** 32), ProtocolEncodeError);
});

test('zigzag varint and varlong edge cases', () => {
  assert.deepEqual(bytesOf((w) => w.varint(0)), [0]);
  assert.deepEqual(bytesOf((w) => w.varint(-1)), [1]);
  assert.deepEqual(bytesOf((w) => w.varint(1)), [2]);
  assert.deepEqual(bytesOf((w) => w.varint(-64)), [0x7f]);
  assert.deepEqual(bytesOf((w) => w.varint(64)), [0x80, 0x01]);
  assert.deepEqual(bytesOf((w) => w.varint(-2147483648)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(bytesOf((w) => w.varlong(-1n)), [1]);
  assert.deepEqual(bytesOf((w) => w.varlong(-(2n ** 63n))), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.equal(new Reader(Buffer.from(bytesOf((w) => w.varlong(2n ** 63n - 1n)))).varlong(), 2n ** 63n - 1n);
  assert.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])).varlong(), ProtocolDecodeError);
});

test('varints round trip', () => {
  fc.assert(fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (v) => {
    const w = new Writer(1);
    w.varint(v);
    const r = new Reader(w.toBuffer());
    assert.equal(r.varint(), v);
    assert.equal(r.remaining, 0);
  }));
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
    const w = new Writer(1);
    w.varlong(v);
    const r = new Reader(w.toBuffer());
    assert.equal(r.varlong(), v);
    assert.equal(r.remaining, 0);
  }));
});

test('fixed-width primitives, strings, bytes and uuid round trip', () => {
  fc.assert(fc.property(
    fc.integer({ min: -128, max: 127 }), fc.integer({ min: -32768, max: 32767 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double(), fc.boolean(), fc.string({ unit: 'binary' }), fc.option(fc.string({ unit: 'binary' })), fc.uint8Array(), fc.uuid(),
    (i8, i16, i32, u16, u32, i64, f64, b, s, ns, bytes, uuid) => {
      const w = new Writer(1);
      w.int8(i8); w.int16(i16); w.int32(i32); w.uint16(u16); w.uint32(u32); w.int64(i64); w.float64(f64); w.bool(b);
      w.string(s); w.nullableString(ns); w.compactString(s); w.compactNullableString(ns);
      w.bytes(Buffer.from(bytes)); w.compactNullableBytes(null); w.compactBytes(Buffer.from(bytes)); w.uuid(uuid);
      const r = new Reader(Buffer.from(w.toBuffer()));
      assert.equal(r.int8(), i8); assert.equal(r.int16(), i16); assert.equal(r.int32(), i32); assert.equal(r.uint16(), u16);
      assert.equal(r.uint32(), u32); assert.equal(r.int64(), i64); assert.ok(Object.is(r.float64(), f64)); assert.equal(r.bool(), b);
      assert.equal(r.string(), s); assert.equal(r.nullableString(), ns); assert.equal(r.compactString(), s); assert.equal(r.compactNullableString(), ns);
      assert.deepEqual([...r.bytes()], [...bytes]); assert.equal(r.compactNullableBytes(), null); assert.deepEqual([...r.compactBytes()], [...bytes]);
      assert.equal(r.uuid(), uuid.toLowerCase());
      assert.equal(r.remaining, 0);
    },
  ), { numRuns: 200 });
});

test('nulls and lengths', () => {
  assert.deepEqual(bytesOf((w) => w.nullableString(null)), [0xff, 0xff]);
  assert.deepEqual(bytesOf((w) => w.compactNullableString(null)), [0]);
  assert.deepEqual(bytesOf((w) => w.compactString('')), [1]);
  assert.deepEqual(bytesOf((w) => w.nullableBytes(null)), [0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(bytesOf((w) => w.compactArrayLength(-1)), [0]);
  assert.throws(() => new Reader(Buffer.from([0xff, 0xff])).string(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0])).compactString(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0, 5, 0x61])).string(), ProtocolDecodeError);
  assert.throws(() => new Reader(Buffer.from([0, 0, 0, 9, 1])).arrayLength(), ProtocolDecodeError);
  assert.equal(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).arrayLength(), -1);
  assert.equal(new Reader(Buffer.from([0])).compactArrayLength(), -1);
  assert.throws(() => new Writer().uuid('not-a-uuid'), ProtocolEncodeError);
  assert.equal(new Reader(Buffer.alloc(16)).uuid(), '00000000-0000-0000-0000-000000000000');
});

test('reads never leave the buffer: every primitive on an empty reader throws ProtocolDecodeError', () => {
  const r = new Reader(Buffer.alloc(0));
  for (const fn of ['int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'bool', 'uvarint', 'varint', 'varlong', 'uuid', 'string', 'nullableString', 'compactString', 'compactNullableString', 'bytes', 'nullableBytes', 'compactBytes', 'compactNullableBytes', 'arrayLength', 'compactArrayLength', 'taggedFields'] as const) {
    assert.throws(() => (r[fn] as () => unknown).call(r), ProtocolDecodeError, fn);
  }
  // A reader window stops at its end even if the buffer goes on.
  assert.throws(() => new Reader(Buffer.from([1, 2, 3, 4]), 0, 2).int32(), ProtocolDecodeError);
});

test('tagged fields section round trips sorted', () => {
  const w = new Writer(1);
  w.taggedFields([{ tag: 5, data: Buffer.from([9]) }, { tag: 1, data: Buffer.alloc(0) }]);
  assert.deepEqual([...w.toBuffer()], [2, 1, 0, 5, 1, 9]);
  assert.deepEqual(new Reader(w.toBuffer()).taggedFields(), [{ tag: 1, data: Buffer.alloc(0) }, { tag: 5, data: Buffer.from([9]) }]);
});

test('size prefix is reserved and filled; the buffer grows', () => {
  const w = new Writer(1);
  const at = w.reserveSizePrefix();
  for (let i = 0; i < 1000; i++) w.int32(i);
  w.fillSizePrefix(at);
  const b = w.toBuffer();
  assert.equal(b.length, 4004);
  assert.equal(b.readInt32BE(0), 4000);
  assert.equal(b.readInt32BE(4 + 999 * 4), 999);
});

test('gather mode: the pieces concatenate to exactly what a copying writer writes; large raw fields are referenced, not copied', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('int32' as const), v: fc.integer({ min: -0x80000000, max: 0x7fffffff }) }),
    fc.record({ kind: fc.constant('string' as const), v: fc.string({ maxLength: 300 }) }),
    fc.record({ kind: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 3000 }) }),
    fc.record({ kind: fc.constant('uvarint' as const), v: fc.integer({ min: 0, max: 0xffffffff }) }),
  );
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 2048 }), (ops, gatherBytesMin) => {
    const copying = new Writer(16);
    const gathering = new Writer(16, { gatherBytesMin });
    const referenced: Buffer[] = [];
    for (const w of [copying, gathering]) {
      const at = w.reserveSizePrefix();
      for (const o of ops) {
        if (o.kind === 'int32') w.int32(o.v);
        else if (o.kind === 'string') w.compactString(o.v);
        else if (o.kind === 'uvarint') w.uvarint(o.v);
        else {
          const buf = Buffer.from(o.v);
          if (w === gathering && buf.length >= gatherBytesMin) referenced.push(buf);
          w.bytes(buf);
        }
      }
      w.fillSizePrefix(at);
    }
    const pieces = gathering.toBuffers();
    assert.deepEqual(Buffer.concat(pieces), Buffer.from(copying.toBuffer()));
    assert.equal(gathering.length, copying.length);
    for (const buf of referenced) assert.ok(pieces.includes(buf), 'a large field is one of the pieces, by reference');
  }));
});
