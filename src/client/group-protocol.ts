// The classic consumer protocol's embedded formats (ConsumerProtocolSubscription/Assignment v0) and
// the range assignor the group leader runs.
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { TopicPartition } from './types.js';

export function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  w.arrayLength(topics.length);
  for (const t of topics) w.string(t);
  w.nullableBytes(null);
  return w.toBuffer();
}

export function decodeSubscription(buf: Buffer): string[] {
  const r = new Reader(buf);
  r.int16();
  const n = r.arrayLength();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.string());
  return topics;
}

export function encodeAssignment(partitions: readonly TopicPartition[]): Buffer {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const w = new Writer();
  w.int16(0);
  w.arrayLength(byTopic.size);
  for (const [topic, ps] of byTopic) {
    w.string(topic);
    w.arrayLength(ps.length);
    for (const p of ps) w.int32(p);
  }
  w.nullableBytes(null);
  return w.toBuffer();
}

export function decodeAssignment(buf: Buffer): TopicPartition[] {
  if (buf.length === 0) return [];
  const r = new Reader(buf);
  r.int16();
  const out: TopicPartition[] = [];
  const n = r.arrayLength();
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const m = r.arrayLength();
    for (let j = 0; j < m; j++) out.push({ topic, partition: r.int32() });
  }
  return out;
}

/**
 * Kafka's RangeAssignor: per topic, its subscribers sorted by member id each take a contiguous range,
 * the first `partitions % members` one partition more.
 */
export function rangeAssign(subscriptions: ReadonlyMap<string, readonly string[]>, partitionCounts: ReadonlyMap<string, number>): Map<string, TopicPartition[]> {
  const out = new Map<string, TopicPartition[]>();
  for (const member of subscriptions.keys()) out.set(member, []);
  const topics = new Set([...subscriptions.values()].flat());
  for (const topic of [...topics].sort()) {
    const count = partitionCounts.get(topic) ?? 0;
    const members = [...subscriptions].filter(([, ts]) => ts.includes(topic)).map(([m]) => m).sort();
    if (members.length === 0) continue;
    const each = Math.floor(count / members.length);
    const extra = count % members.length;
    let next = 0;
    members.forEach((m, i) => {
      const take = each + (i < extra ? 1 : 0);
      for (let k = 0; k < take; k++) out.get(m)!.push({ topic, partition: next++ });
    });
  }
  return out;
}
