/**
 * The uniform assignor (Kafka's default server-side assignor): spreads every subscribed partition over
 * the members subscribed to its topic so that counts differ by at most one among members with the same
 * subscription, and moves as few partitions as possible from the previous assignment.
 *
 * Algorithm: keep every previous (member, partition) pair that is still valid; give each unassigned
 * partition to the eligible member with the fewest partitions; then, while some member A owns a
 * partition that an eligible member B could take and |A| > |B| + 1, move one from the largest A to the
 * smallest B. Each move strictly lowers the sum of squared counts, so the loop ends; a member at or
 * below the balanced share never loses a partition, which is what makes it sticky.
 */
import type { Assignment, AssignmentSpec } from './types.js';
import { toAssignment, validPrevious } from './common.js';

export function uniformAssign(spec: AssignmentSpec): Assignment {
  const members = [...spec.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const owned = new Map<string, Set<string>>(); // memberId -> set of tp keys "topic\0p"
  for (const m of members) owned.set(m.memberId, new Set());
  const owner = validPrevious(spec, members, owned);
  const eligible = new Map<string, string[]>(); // topic -> member ids subscribed
  for (const m of members) for (const t of m.topics) if (spec.partitionCounts.has(t)) (eligible.get(t) ?? eligible.set(t, []).get(t)!).push(m.memberId);
  const topics = [...eligible.keys()].sort();
  // Unassigned partitions to the least loaded eligible member.
  for (const t of topics) {
    const subs = eligible.get(t)!;
    for (let p = 0; p < spec.partitionCounts.get(t)!; p++) {
      const key = `${t}\u0000${p}`;
      if (owner.has(key)) continue;
      let best = subs[0]!;
      for (const id of subs) if (owned.get(id)!.size < owned.get(best)!.size) best = id;
      owned.get(best)!.add(key);
      owner.set(key, best);
    }
  }
  // Balance: move from the most to the least loaded eligible member while they differ by more than one.
  const total = owner.size;
  const guardMax = total * Math.max(1, members.length) + 10;
  for (let guard = 0; guard < guardMax; guard++) {
    let moved = false;
    const byLoad = [...members].sort((a, b) => owned.get(b.memberId)!.size - owned.get(a.memberId)!.size || (a.memberId < b.memberId ? -1 : 1));
    outer: for (const a of byLoad) {
      const from = owned.get(a.memberId)!;
      for (let i = byLoad.length - 1; i >= 0; i--) {
        const b = byLoad[i]!;
        const to = owned.get(b.memberId)!;
        if (from.size <= to.size + 1) break;
        // Highest partition of a topic b subscribes to: deterministic and keeps low partitions in place.
        const candidates = [...from].filter((k) => b.topics.has(k.slice(0, k.indexOf('\u0000')))).sort();
        const key = candidates[candidates.length - 1];
        if (key === undefined) continue;
        from.delete(key);
        to.add(key);
        owner.set(key, b.memberId);
        moved = true;
        break outer;
      }
    }
    if (!moved) break;
  }
  return toAssignment(members, owned);
}
