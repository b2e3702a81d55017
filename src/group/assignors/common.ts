import type { AssignmentSpec, Assignment, AssignorMember } from './types.js';

/**
 * Fills `owned` with the previous assignment's pairs that are still valid (member still subscribed,
 * partition still exists, not claimed twice) and returns partition key → owner.
 */
export function validPrevious(spec: AssignmentSpec, members: readonly AssignorMember[], owned: Map<string, Set<string>>): Map<string, string> {
  const owner = new Map<string, string>();
  for (const m of members) {
    const prev = spec.previous.get(m.memberId);
    if (prev === undefined) continue;
    for (const [topic, parts] of prev) {
      const count = spec.partitionCounts.get(topic);
      if (count === undefined || !m.topics.has(topic)) continue;
      for (const p of parts) {
        const key = `${topic}\u0000${p}`;
        if (p < 0 || p >= count || owner.has(key)) continue;
        owner.set(key, m.memberId);
        owned.get(m.memberId)!.add(key);
      }
    }
  }
  return owner;
}

export function toAssignment(members: readonly AssignorMember[], owned: Map<string, Set<string>>): Assignment {
  const out: Assignment = new Map();
  for (const m of members) {
    const tp = new Map<string, number[]>();
    for (const key of owned.get(m.memberId)!) {
      const i = key.indexOf('\u0000');
      const topic = key.slice(0, i);
      (tp.get(topic) ?? tp.set(topic, []).get(topic)!).push(Number(key.slice(i + 1)));
    }
    for (const ps of tp.values()) ps.sort((a, b) => a - b);
    out.set(m.memberId, new Map([...tp.entries()].sort(([a], [b]) => (a < b ? -1 : 1))));
  }
  return out;
}
