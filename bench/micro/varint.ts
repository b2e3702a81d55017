/** Micro-benchmark: zigzag varint and unsigned varint encode (Writer) and decode (Reader), src/protocol/{reader,writer}.ts. */
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';
import { measure } from './harness.js';

// A mix of sizes as they appear in records: lengths and deltas (1-2 bytes), a few larger values.
const values = Array.from({ length: 1024 }, (_, i) => (i % 16 === 0 ? (i * 104_729) % 2_000_000 - 1_000_000 : (i % 300) - 150));
const w = new Writer(8192);

measure('varint encode (Writer.varint, 1024 values)', () => {
  w.offset = 0;
  for (let i = 0; i < values.length; i++) w.varint(values[i]!);
  return w.offset;
});
measure('uvarint encode (Writer.uvarint, 1024 values)', () => {
  w.offset = 0;
  for (let i = 0; i < values.length; i++) w.uvarint(Math.abs(values[i]!));
  return w.offset;
});

const enc = new Writer(8192);
for (const v of values) enc.varint(v);
const encoded = Buffer.from(enc.toBuffer());
const uenc = new Writer(8192);
for (const v of values) uenc.uvarint(Math.abs(v));
const uencoded = Buffer.from(uenc.toBuffer());

measure('varint decode (Reader.varint, 1024 values)', () => {
  const r = new Reader(encoded);
  let s = 0;
  for (let i = 0; i < 1024; i++) s += r.varint();
  return s;
});
measure('uvarint decode (Reader.uvarint, 1024 values)', () => {
  const r = new Reader(uencoded);
  let s = 0;
  for (let i = 0; i < 1024; i++) s += r.uvarint();
  return s;
});
process.stdout.write('(per op: 1024 values; divide ns/op by 1024 for one value)\n');
