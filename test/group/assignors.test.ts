import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rangeAssign, uniformAssign, type Assignment, type AssignmentSpec, type Assignor } from '../../src/group/assignors/index.js';

const arbSpec = fc.record({
  memberCount: fc.integer({ min: 1, max: 8 }),
  topics: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }),
  homogeneous: fc.boolean(),
  seed: fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
});

function specOf(s: { memberCount: number; topics: number[]; homogeneous: boolean; seed: boolean[] }, previous: Assignment = new Map()): AssignmentSpec {
  const names = s.topics.map((_, i) => `t${i}`);
  const members = Array.from({ length: s.memberCount }, (_, m) => {
    const topics = s.homogeneous ? new Set(names) : new Set(names.filter((_, i) => s.seed[(m * 5 + i) % 32] || i === m % names.length));
    return { memberId: `m${m}`, topics };
  });
  return { members, partitionCounts: new Map(names.map((n, i) => [n, s.topics[i]!])), previous };
}

function checkExactlyOnce(spec: AssignmentSpec, a: Assignment): void {
  const seen = new Set<string>();
  for (const m of spec.members) {
    const tp = a.get(m.memberId);
    assert.ok(tp !== undefined, `member ${m.memberId} missing from the result`);
    for (const [topic, parts] of tp) {
      assert.ok(m.topics.has(topic), `${m.memberId} got ${topic} without subscribing`);
      for (const p of parts) {
        const k = `${topic}-${p}`;
        assert.ok(!seen.has(k), `${k} assigned twice`);
        seen.add(k);
      }
    }
  }
  for (const [topic, count] of spec.partitionCounts) {
    if (!spec.members.some((m) => m.topics.has(topic))) continue;
    for (let p = 0; p < count; p++) assert.ok(seen.has(`${topic}-${p}`), `${topic}-${p} unassigned`);
  }
}

function counts(a: Assignment): number[] {
  return [...a.values()].map((tp) => [...tp.values()].reduce((n, ps) => n + ps.length, 0));
}

for (const [name, assign] of [['uniform', uniformAssign], ['range', rangeAssign]] as Array<[string, Assignor]>) {
  test(`${name}: every subscribed partition is assigned exactly once, only to subscribers`, () => {
    fc.assert(fc.property(arbSpec, (s) => {
      const spec = specOf(s);
      checkExactlyOnce(spec, assign(spec));
    }), { numRuns: 300 });
  });

  test(`${name}: deterministic and stable when nothing changes`, () => {
    fc.assert(fc.property(arbSpec, (s) => {
      const first = assign(specOf(s));
      const again = assign(specOf(s, first));
      assert.deepEqual(again, first);
    }), { numRuns: 200 });
  });

  test(`${name}: sticky when a member joins or leaves; still exactly once`, () => {
    fc.assert(fc.property(arbSpec, fc.boolean(), (s, join) => {
      const before = assign(specOf(s));
      const changed = { ...s, memberCount: join ? s.memberCount + 1 : Math.max(1, s.memberCount - 1) };
      const spec = specOf(changed, before);
      const after = assign(spec);
      checkExactlyOnce(spec, after);
      if (s.homogeneous && name === 'uniform') {
        // Members at or below the new balanced share keep everything they had.
        const total = s.topics.reduce((a, b) => a + b, 0);
        const floor = Math.floor(total / changed.memberCount);
        for (const [id, tp] of before) {
          if (!after.has(id)) continue;
          const had = [...tp].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`));
          if (had.length > floor) continue;
          const now = new Set([...after.get(id)!].flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)));
          for (const k of had) assert.ok(now.has(k), `${id} lost ${k} though it held only ${had.length} <= ${floor}`);
        }
      }
    }), { numRuns: 300 });
  });
}

test('uniform: homogeneous subscriptions are balanced within one partition', () => {
  fc.assert(fc.property(arbSpec, (s) => {
    const c = counts(uniformAssign(specOf({ ...s, homogeneous: true })));
    assert.ok(Math.max(...c) - Math.min(...c) <= 1, `counts ${c.join(',')}`);
  }), { numRuns: 300 });
});

test('range: without history it gives Kafka\'s contiguous ranges, the first members one more', () => {
  const spec: AssignmentSpec = { members: ['a', 'b', 'c'].map((memberId) => ({ memberId, topics: new Set(['t']) })), partitionCounts: new Map([['t', 7]]), previous: new Map() };
  const a = rangeAssign(spec);
  assert.deepEqual(a.get('a')!.get('t'), [0, 1, 2]);
  assert.deepEqual(a.get('b')!.get('t'), [3, 4]);
  assert.deepEqual(a.get('c')!.get('t'), [5, 6]);
});

/** Kafka's RangeAssignor as its Javadoc states it: per topic, subscribers sorted by member id, contiguous ranges, the first `partitions % members` one more. */
function kafkaRange(subscriptions: ReadonlyMap<string, readonly string[]>, partitionCounts: ReadonlyMap<string, number>): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>([...subscriptions.keys()].map((m) => [m, new Map()]));
  for (const [topic, count] of partitionCounts) {
    const subs = [...subscriptions].filter(([, ts]) => ts.includes(topic)).map(([m]) => m).sort();
    subs.forEach((m, i) => {
      const each = Math.floor(count / subs.length);
      const start = i * each + Math.min(i, count % subs.length);
      const length = each + (i < count % subs.length ? 1 : 0);
      if (length > 0) out.get(m)!.set(topic, Array.from({ length }, (_, k) => start + k));
    });
  }
  for (const [m, tp] of out) out.set(m, new Map([...tp].sort(([a], [b]) => (a < b ? -1 : 1))));
  return out;
}

test('range: without history it is exactly Kafka\'s RangeAssignor (the client\'s group leader relies on it)', () => {
  const arbIds = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 7 });
  fc.assert(fc.property(arbIds, fc.array(fc.integer({ min: 0, max: 13 }), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 28, maxLength: 28 }), (ids, topicCounts, bits) => {
    const names = topicCounts.map((_, i) => `t${i}`);
    const subscriptions = new Map(ids.map((id, m) => [id, names.filter((_, i) => bits[(m * 4 + i) % 28])]));
    const partitionCounts = new Map(names.map((n, i) => [n, topicCounts[i]!]));
    const members = [...subscriptions].map(([memberId, ts]) => ({ memberId, topics: new Set(ts) }));
    const got = rangeAssign({ members, partitionCounts, previous: new Map() });
    const want = kafkaRange(subscriptions, partitionCounts);
    for (const tp of got.values()) for (const [t, ps] of [...tp]) if (ps.length === 0) tp.delete(t);
    assert.deepEqual(got, want);
  }), { numRuns: 500 });
});
