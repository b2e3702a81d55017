/**
 * The "consumer" embedded protocol of classic groups: the bytes members put in JoinGroup metadata
 * (ConsumerProtocolSubscription) and the leader puts in SyncGroup (ConsumerProtocolAssignment).
 * The broker normally treats them as opaque; it decodes them only to check the golden rule on a
 * leader's assignment, to answer OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC, and in tests.
 * Layout (never flexible): version int16, then
 *   subscription: topics [string], userData nullable bytes, v1+ ownedPartitions [topic, [int32]],
 *                 v2+ generationId int32, v3+ rackId nullable string
 *   assignment:   assignedPartitions [topic, [int32]], userData nullable bytes
 * Trailing fields of newer versions are ignored, as Kafka's parsers do.
 */
import type { TopicPartitions } from './types.js';

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  left(): number { return this.buf.length - this.pos; }
  int16(): number { this.need(2); const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { this.need(4); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  string(): string {
    const n = this.int16();
    if (n < 0) return '';
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  skipBytes(): void { const n = this.int32(); if (n > 0) { this.need(n); this.pos += n; } }
  count(): number {
    const n = this.int32();
    if (n < 0) return 0;
    if (n > this.left()) throw new RangeError(`array of ${n} longer than the ${this.left()} bytes left`);
    return n;
  }
  private need(n: number): void { if (this.pos + n > this.buf.length) throw new RangeError('truncated consumer protocol data'); }
}

function readTopicPartitions(c: Cursor): TopicPartitions {
  const out: TopicPartitions = new Map();
  const topics = c.count();
  for (let i = 0; i < topics; i++) {
    const topic = c.string();
    const n = c.count();
    const parts: number[] = [];
    for (let j = 0; j < n; j++) parts.push(c.int32());
    out.set(topic, [...(out.get(topic) ?? []), ...parts]);
  }
  return out;
}

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  ownedPartitions: TopicPartitions;
}

/** Throws RangeError on bytes that are not a consumer subscription. */
export function decodeConsumerSubscription(buf: Buffer): ConsumerSubscription {
  const c = new Cursor(buf);
  const version = c.int16();
  const topics: string[] = [];
  const n = c.count();
  for (let i = 0; i < n; i++) topics.push(c.string());
  let ownedPartitions: TopicPartitions = new Map();
  if (c.left() >= 4) c.skipBytes();
  if (version >= 1 && c.left() >= 4) ownedPartitions = readTopicPartitions(c);
  return { version, topics, ownedPartitions };
}

/** Throws RangeError on bytes that are not a consumer assignment. Empty bytes = nothing assigned. */
export function decodeConsumerAssignment(buf: Buffer): TopicPartitions {
  if (buf.length === 0) return new Map();
  const c = new Cursor(buf);
  c.int16();
  return readTopicPartitions(c);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(2 + b.length);
  out.writeInt16BE(b.length);
  b.copy(out, 2);
  return out;
}

function i32(v: number): Buffer { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; }
function i16(v: number): Buffer { const b = Buffer.alloc(2); b.writeInt16BE(v); return b; }

function topicPartitionsBytes(tp: TopicPartitions): Buffer[] {
  const parts = [i32(tp.size)];
  for (const [topic, ps] of tp) {
    parts.push(str(topic), i32(ps.length));
    for (const p of ps) parts.push(i32(p));
  }
  return parts;
}

/** v1 subscription (tests and the wire driver). */
export function encodeConsumerSubscription(topics: string[], owned: TopicPartitions = new Map()): Buffer {
  return Buffer.concat([i16(1), i32(topics.length), ...topics.map(str), i32(-1), ...topicPartitionsBytes(owned)]);
}

/** v0 assignment, null user data. */
export function encodeConsumerAssignment(tp: TopicPartitions): Buffer {
  return Buffer.concat([i16(0), ...topicPartitionsBytes(tp), i32(-1)]);
}
