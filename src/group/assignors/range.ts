/**
 * The range assignor: per topic, the members subscribed to it (sorted by member id) get contiguous
 * shares, the first (partitions % members) one more. Sticky: a member keeps previously owned partitions
 * of a topic up to its share, and only the rest is handed out in ascending order, so with no previous
 * assignment the result is exactly Kafka's ranges and a membership change moves only what it must.
 */
import type { Assignment, AssignmentSpec } from './types.js';
import { toAssignment } from './common.js';

export function rangeAssign(spec: AssignmentSpec): Assignment {
  const members = [...spec.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const owned = new Map<string, Set<string>>();
  for (const m of members) owned.set(m.memberId, new Set());
  for (const [topic, count] of [...spec.partitionCounts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const subs = members.filter((m) => m.topics.has(topic));
    if (subs.length === 0) continue;
    const base = Math.floor(count / subs.length);
    const extra = count % subs.length;
    const quota = new Map(subs.map((m, i) => [m.memberId, base + (i < extra ? 1 : 0)]));
    const taken = new Set<number>();
    const mine = new Map<string, number[]>(subs.map((m) => [m.memberId, []]));
    for (const m of subs) {
      const prev = spec.previous.get(m.memberId)?.get(topic) ?? [];
      for (const p of [...prev].sort((a, b) => a - b)) {
        if (p < 0 || p >= count || taken.has(p) || mine.get(m.memberId)!.length >= quota.get(m.memberId)!) continue;
        taken.add(p);
        mine.get(m.memberId)!.push(p);
      }
    }
    let next = 0;
    for (const m of subs) {
      const list = mine.get(m.memberId)!;
      while (list.length < quota.get(m.memberId)!) {
        while (taken.has(next)) next++;
        taken.add(next);
        list.push(next);
      }
      for (const p of list) owned.get(m.memberId)!.add(`${topic}\u0000${p}`);
    }
  }
  return toAssignment(members, owned);
}
