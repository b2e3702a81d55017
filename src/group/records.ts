/**
 * Kafka's own record formats for `__consumer_offsets`, so tools that read that topic understand it.
 * Every record key starts with an int16 version that says what the record is:
 *   0/1  OffsetCommitKey {group, topic, partition}      value OffsetCommitValue (we write v3)
 *   2    GroupMetadataKey {group}                        value GroupMetadataValue (we write v3)
 *   3    ConsumerGroupMetadataKey {groupId} (KIP-848)    value ConsumerGroupMetadataValue v0 {epoch}
 *   4+   other KIP-848 records: not written by us; skipped (and logged) on load.
 * A null value is a tombstone. Keys and values up to v3 use the classic (non-flexible) encoding:
 * int16-length strings (-1 = null), int32-length bytes, int32-count arrays, big-endian integers.
 * Also here: decoding the records of an uncompressed v2 batch, for rebuilding state on start-up.
 */
import { BATCH_HEADER_BYTES, readBatchHeader, isControlBatch, compression } from '../protocol/record-batch.js';

// ---------------------------------------------------------------- byte helpers

class Out {
  private parts: Buffer[] = [];
  int8(v: number): this { const b = Buffer.alloc(1); b.writeInt8(v); this.parts.push(b); return this; }
  int16(v: number): this { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); return this; }
  int32(v: number): this { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }
  int64(v: number | bigint): this { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); this.parts.push(b); return this; }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const s = Buffer.from(v, 'utf8');
    this.int16(s.length);
    this.parts.push(s);
    return this;
  }
  bytes(v: Buffer): this { this.int32(v.length); this.parts.push(v); return this; }
  uvarint(v: number): this {
    const out: number[] = [];
    while (v >= 0x80) { out.push((v & 0x7f) | 0x80); v >>>= 7; }
    out.push(v);
    this.parts.push(Buffer.from(out));
    return this;
  }
  done(): Buffer { return Buffer.concat(this.parts); }
}

export class RecordDecodeError extends Error {}

class In {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void { if (this.pos + n > this.buf.length) throw new RecordDecodeError('truncated record'); }
  int8(): number { this.need(1); return this.buf.readInt8(this.pos++); }
  int16(): number { this.need(2); const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { this.need(4); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  int64Big(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  /** An int64 that must be a safe integer (timestamps): beyond 2^53 the record is not ours. */
  int64(): number {
    const v = this.int64Big();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new RecordDecodeError('int64 beyond 2^53');
    return Number(v);
  }
  uvarint(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new RecordDecodeError('uvarint too long');
  }
  string(): string { const s = this.nullableString(); if (s === null) throw new RecordDecodeError('null string'); return s; }
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  compactString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return Buffer.alloc(0);
    this.need(n);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.need(size);
      this.pos += size;
    }
  }
}

// ---------------------------------------------------------------- keys

export type GroupRecordKey =
  | { kind: 'offset'; group: string; topic: string; partition: number }
  | { kind: 'group'; group: string }
  | { kind: 'consumerGroup'; group: string }
  | { kind: 'other'; version: number };

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return new Out().int16(1).string(group).string(topic).int32(partition).done();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new Out().int16(2).string(group).done();
}

export function encodeConsumerGroupMetadataKey(group: string): Buffer {
  return new Out().int16(3).string(group).done();
}

export function decodeKey(buf: Buffer): GroupRecordKey {
  const r = new In(buf);
  const version = r.int16();
  if (version === 0 || version === 1) return { kind: 'offset', group: r.string(), topic: r.string(), partition: r.int32() };
  if (version === 2) return { kind: 'group', group: r.string() };
  if (version === 3) return { kind: 'consumerGroup', group: r.string() };
  return { kind: 'other', version };
}

// ---------------------------------------------------------------- OffsetCommitValue

export interface OffsetCommitValue {
  /** Any int64, as Kafka stores it (a client may commit 2^63-1). */
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only v1 carried it; -1 otherwise. */
  expireTimestampMs: number;
}

/** Written as v3: offset, leaderEpoch, metadata, commitTimestamp. */
export function encodeOffsetCommitValue(v: OffsetCommitValue): Buffer {
  return new Out().int16(3).int64(v.offset).int32(v.leaderEpoch).string(v.metadata).int64(v.commitTimestampMs).done();
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new In(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new RecordDecodeError(`OffsetCommitValue version ${version}`);
  const offset = r.int64Big();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = (version >= 4 ? r.compactString() : r.nullableString()) ?? '';
  const commitTimestampMs = r.int64();
  const expireTimestampMs = version === 1 ? r.int64() : -1;
  if (version >= 4) r.skipTaggedFields();
  return { offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs };
}

// ---------------------------------------------------------------- GroupMetadataValue

export interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestampMs: number;
  members: GroupMetadataMember[];
}

/** Written as v3 (groupInstanceId present). */
export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  const out = new Out().int16(3).string(v.protocolType).int32(v.generation).string(v.protocol).string(v.leader)
    .int64(v.currentStateTimestampMs).int32(v.members.length);
  for (const m of v.members) {
    out.string(m.memberId).string(m.groupInstanceId).string(m.clientId).string(m.clientHost)
      .int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  }
  return out.done();
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new In(buf);
  const version = r.int16();
  if (version < 0 || version > 3) throw new RecordDecodeError(`GroupMetadataValue version ${version} not supported`);
  const protocolType = r.string();
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestampMs = version >= 2 ? r.int64() : -1;
  const count = r.int32();
  if (count < 0 || count > 100_000) throw new RecordDecodeError(`member count ${count}`);
  const members: GroupMetadataMember[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = r.bytes();
    const assignment = r.bytes();
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment });
  }
  return { protocolType, generation, protocol, leader, currentStateTimestampMs, members };
}

// ---------------------------------------------------------------- ConsumerGroupMetadataValue (KIP-848)

/** v0, flexible: epoch + empty tagged fields. */
export function encodeConsumerGroupMetadataValue(epoch: number): Buffer {
  return new Out().int16(0).int32(epoch).uvarint(0).done();
}

export function decodeConsumerGroupMetadataValue(buf: Buffer): { epoch: number } {
  const r = new In(buf);
  const version = r.int16();
  if (version !== 0) throw new RecordDecodeError(`ConsumerGroupMetadataValue version ${version}`);
  const epoch = r.int32();
  r.skipTaggedFields();
  return { epoch };
}

// ---------------------------------------------------------------- records inside a batch

export interface KeyValue {
  key: Buffer | null;
  value: Buffer | null;
  offset: number;
}

function readZigzag(buf: Buffer, pos: number): { value: number; next: number } {
  let u = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new RecordDecodeError('truncated varint');
    const b = buf[pos++]!;
    u += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value: u % 2 === 0 ? u / 2 : -(u + 1) / 2, next: pos };
  }
  throw new RecordDecodeError('varint too long');
}

function readNullableBytes(buf: Buffer, pos: number): { value: Buffer | null; next: number } {
  const len = readZigzag(buf, pos);
  if (len.value < 0) return { value: null, next: len.next };
  if (len.next + len.value > buf.length) throw new RecordDecodeError('truncated bytes');
  return { value: Buffer.from(buf.subarray(len.next, len.next + len.value)), next: len.next + len.value };
}

/**
 * Keys and values of the records in the batch at buf[pos]. Control batches yield nothing; a compressed
 * batch throws (we only ever write uncompressed ones to `__consumer_offsets`).
 */
export function recordsOfBatch(buf: Buffer, pos: number): KeyValue[] {
  const h = readBatchHeader(buf, pos);
  if (isControlBatch(h.attributes)) return [];
  if (compression(h.attributes) !== 'none') throw new RecordDecodeError(`compressed (${compression(h.attributes)}) batch at offset ${h.baseOffset}`);
  const out: KeyValue[] = [];
  let p = pos + BATCH_HEADER_BYTES;
  const end = pos + h.sizeBytes;
  for (let i = 0; i < h.recordCount; i++) {
    const length = readZigzag(buf, p);
    const recordEnd = length.next + length.value;
    if (recordEnd > end) throw new RecordDecodeError('record beyond batch end');
    const ts = readZigzag(buf, length.next + 1);
    const offsetDelta = readZigzag(buf, ts.next);
    const key = readNullableBytes(buf, offsetDelta.next);
    const value = readNullableBytes(buf, key.next);
    out.push({ key: key.value, value: value.value, offset: h.baseOffset + offsetDelta.value });
    p = recordEnd;
  }
  return out;
}
