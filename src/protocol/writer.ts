// A growable buffer that writes Kafka wire primitives. Strings go straight into the buffer
// (Buffer.byteLength + write), so a field costs no allocation beyond occasional growth.
import { ProtocolEncodeError } from './errors.js';
import type { TaggedField } from './reader.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface WriterOptions {
  /**
   * Gather mode: a raw field of at least this many bytes is kept by reference instead of copied, and
   * the output is a list of buffers (`toBuffers`) for a corked socket write. For Fetch responses, whose
   * record sets would otherwise be copied into the frame once (and again on every growth).
   */
  gatherBytesMin?: number;
}

export class Writer {
  private buf: Buffer;
  offset = 0;
  private readonly gatherBytesMin: number;
  /** Gather mode: finished pieces, in order; the current one is buf[pieceStart, offset). */
  private readonly pieces: Buffer[] = [];
  private piecesBytes = 0;
  private pieceStart = 0;
  /** Gather mode: the buffer that holds a reserved size prefix. */
  private readonly first: Buffer;

  constructor(initialBytes = 256, options: WriterOptions = {}) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialBytes));
    this.first = this.buf;
    this.gatherBytesMin = options.gatherBytesMin ?? Infinity;
  }

  private ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    if (this.gatherBytesMin !== Infinity) {
      // Never copy what was written: it becomes a piece and writing goes on in a new buffer.
      this.endPiece();
      while (size < n) size *= 2;
      this.buf = Buffer.allocUnsafe(size);
      this.offset = 0;
      this.pieceStart = 0;
      return;
    }
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  private endPiece(): void {
    if (this.offset > this.pieceStart) {
      this.pieces.push(this.buf.subarray(this.pieceStart, this.offset));
      this.piecesBytes += this.offset - this.pieceStart;
    }
    this.pieceStart = this.offset;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.piecesBytes + this.offset - this.pieceStart;
  }

  /** The bytes written so far, as a view of the internal buffer (valid until the next write). */
  toBuffer(): Buffer {
    if (this.pieces.length > 0) throw new Error('toBuffer() on a gathering writer that holds several pieces: use toBuffers()');
    return this.buf.subarray(0, this.offset);
  }

  /** Gather mode: every piece in order (views and referenced buffers; nothing copied). */
  toBuffers(): Buffer[] {
    const tail = this.buf.subarray(this.pieceStart, this.offset);
    return tail.length > 0 ? [...this.pieces, tail] : [...this.pieces];
  }

  /** Reserves 4 bytes for a size prefix; pass the result to fillSizePrefix once the frame is written. */
  reserveSizePrefix(): number {
    if (this.length !== 0 && this.gatherBytesMin !== Infinity) throw new Error('a gathering writer reserves its size prefix first');
    this.ensure(4);
    const at = this.offset;
    this.offset += 4;
    return at;
  }

  /** Writes at `at` the number of bytes written after the reserved prefix. */
  fillSizePrefix(at: number): void {
    // A copying writer's growth moved the prefix into the current buffer; a gathering one never moves it.
    (this.gatherBytesMin === Infinity ? this.buf : this.first).writeInt32BE(this.length - at - 4, at);
  }

  int8(v: number): void {
    this.ensure(1);
    this.offset = this.buf.writeInt8(v, this.offset);
  }

  int16(v: number): void {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
  }

  uint16(v: number): void {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
  }

  int32(v: number): void {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
  }

  uint32(v: number): void {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v, this.offset);
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
  }

  float64(v: number): void {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.offset++] = v ? 1 : 0;
  }

  /** Unsigned 32-bit varint. */
  uvarint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new ProtocolEncodeError(`uvarint out of range: ${v}`);
    this.ensure(5);
    const buf = this.buf;
    while (v >= 0x80) {
      buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.offset++] = v;
  }

  /** Signed zigzag 32-bit varint. */
  varint(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new ProtocolEncodeError(`varint out of range: ${v}`);
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Signed zigzag 64-bit varint. */
  varlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.offset++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.offset++] = Number(u);
  }

  uuid(v: string): void {
    if (!UUID_RE.test(v)) throw new ProtocolEncodeError(`not a uuid: ${JSON.stringify(v)}`);
    this.ensure(16);
    const hex = v.replace(/-/g, '');
    this.offset += this.buf.write(hex, this.offset, 16, 'hex');
  }

  private utf8(v: string, length: number): void {
    this.ensure(length);
    this.offset += this.buf.write(v, this.offset, length, 'utf8');
  }

  string(v: string): void {
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0x7fff) throw new ProtocolEncodeError(`string of ${n} bytes is too long for an int16 length`);
    this.int16(n);
    this.utf8(v, n);
  }

  nullableString(v: string | null): void {
    if (v === null) this.int16(-1);
    else this.string(v);
  }

  compactString(v: string): void {
    const n = Buffer.byteLength(v, 'utf8');
    this.uvarint(n + 1);
    this.utf8(v, n);
  }

  compactNullableString(v: string | null): void {
    if (v === null) this.uvarint(0);
    else this.compactString(v);
  }

  raw(v: Buffer): void {
    if (v.length >= this.gatherBytesMin) {
      this.endPiece();
      this.pieces.push(v);
      this.piecesBytes += v.length;
      return;
    }
    this.ensure(v.length);
    this.offset += v.copy(this.buf, this.offset);
  }

  bytes(v: Buffer): void {
    this.int32(v.length);
    this.raw(v);
  }

  nullableBytes(v: Buffer | null): void {
    if (v === null) this.int32(-1);
    else this.bytes(v);
  }

  compactBytes(v: Buffer): void {
    this.uvarint(v.length + 1);
    this.raw(v);
  }

  compactNullableBytes(v: Buffer | null): void {
    if (v === null) this.uvarint(0);
    else this.compactBytes(v);
  }

  /** Classic array length; -1 for null. */
  arrayLength(n: number): void {
    this.int32(n);
  }

  /** Compact array length; -1 for null. */
  compactArrayLength(n: number): void {
    this.uvarint(n + 1);
  }

  /** Writes a tagged-field section: count, then each field sorted by tag (the input is not mutated). */
  taggedFields(fields: readonly TaggedField[] | undefined): void {
    if (fields === undefined || fields.length === 0) {
      this.uvarint(0);
      return;
    }
    const sorted = fields.length === 1 ? fields : [...fields].sort((a, b) => a.tag - b.tag);
    this.uvarint(sorted.length);
    for (const f of sorted) {
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
  }
}
