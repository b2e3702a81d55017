// Reads Kafka wire primitives from a Buffer. Every read checks its bounds first and throws
// ProtocolDecodeError, so a hostile or truncated frame never reads outside the buffer.
// Bytes and records are returned as views (subarray) of the input, not copies.
import { ProtocolDecodeError } from './errors.js';

/** A tagged field this code does not know, kept as raw bytes so it survives a decode and re-encode. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

const EMPTY = Buffer.alloc(0);
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Reader {
  readonly buf: Buffer;
  offset: number;
  private readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) throw new RangeError('reader window outside buffer');
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.offset) {
      throw new ProtocolDecodeError(`truncated ${what}: need ${n} bytes at offset ${this.offset}, have ${this.end - this.offset}`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** Kafka's boolean: any non-zero byte is true. */
  bool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.offset++] !== 0;
  }

  /** Unsigned 32-bit varint (at most 5 bytes). One-byte values, the common case, take the first branch. */
  uvarint(): number {
    const buf = this.buf;
    let off = this.offset;
    if (off < this.end) {
      const b0 = buf[off]!;
      if (b0 < 0x80) {
        this.offset = off + 1;
        return b0;
      }
    }
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (off >= this.end) throw new ProtocolDecodeError(`truncated varint at offset ${off}`);
      const b = buf[off++]!;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.offset = off;
        return result;
      }
    }
    if (off >= this.end) throw new ProtocolDecodeError(`truncated varint at offset ${off}`);
    const last = buf[off++]!;
    if (last > 0x0f) throw new ProtocolDecodeError('varint does not fit in 32 bits');
    this.offset = off;
    // Bits 28-31: added as a number, since `<< 28` of a value above 7 would turn the int32 negative.
    return (result >>> 0) + last * 0x10000000;
  }

  /** Signed zigzag 32-bit varint. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Signed zigzag 64-bit varint (at most 10 bytes). */
  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtocolDecodeError(`truncated varlong at offset ${this.offset}`);
      const b = this.buf[this.offset++]!;
      if (i === 9 && b > 0x01) throw new ProtocolDecodeError('varlong does not fit in 64 bits');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    throw new ProtocolDecodeError('varlong does not fit in 64 bits');
  }

  /** 16 bytes as canonical lowercase 8-4-4-4-12 text. */
  uuid(): string {
    this.need(16, 'uuid');
    const b = this.buf;
    const o = this.offset;
    this.offset += 16;
    return (
      HEX[b[o]!]! + HEX[b[o + 1]!]! + HEX[b[o + 2]!]! + HEX[b[o + 3]!]! + '-' +
      HEX[b[o + 4]!]! + HEX[b[o + 5]!]! + '-' + HEX[b[o + 6]!]! + HEX[b[o + 7]!]! + '-' +
      HEX[b[o + 8]!]! + HEX[b[o + 9]!]! + '-' + HEX[b[o + 10]!]! + HEX[b[o + 11]!]! +
      HEX[b[o + 12]!]! + HEX[b[o + 13]!]! + HEX[b[o + 14]!]! + HEX[b[o + 15]!]!
    );
  }

  private utf8(length: number): string {
    this.need(length, 'string');
    const s = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return s;
  }

  private view(length: number): Buffer {
    this.need(length, 'bytes');
    if (length === 0) return EMPTY;
    const b = this.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return b;
  }

  /** A raw view of the next `length` bytes. */
  raw(length: number): Buffer {
    if (length < 0) throw new ProtocolDecodeError(`negative length ${length}`);
    return this.view(length);
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new ProtocolDecodeError(`null or negative length ${n} for a non-nullable string`);
    return this.utf8(n);
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`negative string length ${n}`);
    return this.utf8(n);
  }

  compactString(): string {
    const n = this.uvarint() - 1;
    if (n < 0) throw new ProtocolDecodeError('null compact string for a non-nullable string');
    return this.utf8(n);
  }

  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.utf8(n);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError(`null or negative length ${n} for non-nullable bytes`);
    return this.view(n);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`negative bytes length ${n}`);
    return this.view(n);
  }

  compactBytes(): Buffer {
    const n = this.uvarint() - 1;
    if (n < 0) throw new ProtocolDecodeError('null compact bytes for non-nullable bytes');
    return this.view(n);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint() - 1;
    return n < 0 ? null : this.view(n);
  }

  /**
   * Classic array length: -1 means null. A count larger than the bytes left is rejected up front
   * (every element takes at least one byte), so a forged count cannot make us allocate.
   */
  arrayLength(): number {
    const n = this.int32();
    if (n < -1) throw new ProtocolDecodeError(`negative array length ${n}`);
    if (n > this.end - this.offset) throw new ProtocolDecodeError(`array length ${n} exceeds the ${this.end - this.offset} bytes left`);
    return n;
  }

  /** Compact array length (uvarint of length + 1): -1 means null. */
  compactArrayLength(): number {
    const n = this.uvarint() - 1;
    if (n > this.end - this.offset) throw new ProtocolDecodeError(`array length ${n} exceeds the ${this.end - this.offset} bytes left`);
    return n;
  }

  /**
   * The next tagged field's tag, which must be above the previous one (-1 for the first): KIP-482
   * has tags strictly ascending, and a repeated or unsorted tag would not survive a re-encode.
   */
  tagAfter(previous: number): number {
    const tag = this.uvarint();
    if (tag <= previous) throw new ProtocolDecodeError(`tagged field tag ${tag} at offset ${this.offset} after tag ${previous}`);
    return tag;
  }

  /** Reads a whole tagged-field section keeping every field as raw bytes. */
  taggedFields(): TaggedField[] {
    const n = this.uvarint();
    if (n > this.end - this.offset) throw new ProtocolDecodeError(`tagged field count ${n} exceeds the bytes left`);
    const out: TaggedField[] = [];
    let tag = -1;
    for (let i = 0; i < n; i++) {
      tag = this.tagAfter(tag);
      const size = this.uvarint();
      out.push({ tag, data: this.view(size) });
    }
    return out;
  }

  /** Asserts that a known tagged field consumed exactly the size its header declared. */
  endTaggedField(tag: number, end: number): void {
    if (this.offset !== end) throw new ProtocolDecodeError(`tagged field ${tag} size does not match its contents`);
  }
}
