/** KIP-848 regex subscriptions (ConsumerGroupHeartbeat v1 SubscribedTopicRegex): RE2 semantics, full match, linear time, bounded length. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { execFileSync } from 'node:child_process';
import { compileTopicRegex, MatchBudget, topicRegexCharsMax } from '../../src/group/topic-regex.js';
import { ApiKey } from '../../src/protocol/generated/index.js';

async function createTopics(client: WireClient, names: string[]): Promise<void> {
  const res = await client.request(ApiKey.CreateTopics, 7, { topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 1000 });
  for (const t of res.topics) assert.equal(t.errorCode, ErrorCode.NONE, t.name);
}

let groupSeq = 0;

/** Joins a fresh group with the regex; the error code and the names of the topics assigned. */
async function joinWithRegex(broker: TestBroker, client: WireClient, regex: string): Promise<{ errorCode: number; topics: string[]; memberId: string; memberEpoch: number; groupId: string }> {
  const groupId = `g${groupSeq++}`;
  const res = await client.request(ApiKey.ConsumerGroupHeartbeat, 1, {
    groupId, memberId: `member-${groupId}`, memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000,
    subscribedTopicNames: null, subscribedTopicRegex: regex, serverAssignor: null, topicPartitions: [],
  });
  const topics = (res.assignment?.topicPartitions ?? []).map((tp: { topicId: string }) => broker.state.store.topicById(tp.topicId)!.name).sort();
  return { errorCode: res.errorCode, topics, memberId: res.memberId, memberEpoch: res.memberEpoch, groupId };
}

// Regexes ran on JavaScript's backtracking RegExp: `(a+)+b` against a topic named with 33 `a`s froze
// the broker for ~45 s, again on every heartbeat (Kafka uses RE2J, linear time).
test('a catastrophic-backtracking regex against a 33-a topic is answered within a bound, on join and on later heartbeats', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopics(client, ['a'.repeat(33), 'aaab']);
    let started = performance.now();
    const joined = await joinWithRegex(broker, client, '(a+)+b');
    const joinMs = performance.now() - started;
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.deepEqual(joined.topics, ['aaab']);
    assert.ok(joinMs < 10_000, `join answered in ${joinMs.toFixed(0)} ms (the backtracking engine took 143 s)`);
    started = performance.now();
    for (let i = 0; i < 20; i++) {
      const hb = await client.request(ApiKey.ConsumerGroupHeartbeat, 1, { groupId: joined.groupId, memberId: joined.memberId, memberEpoch: joined.memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null });
      assert.equal(hb.errorCode, ErrorCode.NONE);
    }
    const heartbeatsMs = performance.now() - started;
    assert.ok(heartbeatsMs < 10_000, `20 heartbeats answered in ${heartbeatsMs.toFixed(0)} ms`);
  } finally {
    client.close();
    await broker.close();
  }
});

// JavaScript RegExp accepted what RE2J (Kafka) refuses (backreferences, lookaround) and had no length
// bound; RE2 syntax and a full match of the topic name are what Kafka's regex subscriptions mean.
test('regex subscriptions: full match of the name, anchors, RE2 syntax; invalid or over-long regexes get INVALID_REGULAR_EXPRESSION', async () => {
  assert.equal(ErrorCode.INVALID_REGULAR_EXPRESSION, 128);
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopics(client, ['foo', 'foobar', 'xfoo', 'bar', 'Foo.1']);
    const cases: Array<[string, string[]]> = [
      ['foo', ['foo']],
      ['foo.*', ['foo', 'foobar']],
      ['.*foo', ['foo', 'xfoo']],
      ['^foo$', ['foo']],
      ['^fo', []],
      ['bar|foo', ['bar', 'foo']],
      ['(?i)foo\\.1', ['Foo.1']],
      ['[a-z]+', ['bar', 'foo', 'foobar', 'xfoo']],
      // Internal topics match too, as on Kafka (the first join created __consumer_offsets).
      ['.*', ['Foo.1', '__consumer_offsets', 'bar', 'foo', 'foobar', 'xfoo']],
    ];
    for (const [regex, expected] of cases) {
      const r = await joinWithRegex(broker, client, regex);
      assert.equal(r.errorCode, ErrorCode.NONE, regex);
      assert.deepEqual(r.topics, expected, regex);
    }
    for (const bad of ['(', 'a**', '(a)\\1', '(?=f)foo', 'foo(?!bar)', 'x'.repeat(1001)]) {
      const r = await joinWithRegex(broker, client, bad);
      assert.equal(r.errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION, bad.slice(0, 20));
    }
    assert.equal((await joinWithRegex(broker, client, 'f'.repeat(1000))).errorCode, ErrorCode.NONE, 'a regex of 1000 chars is allowed');
  } finally {
    client.close();
    await broker.close();
  }
});

// The regex was never matched against internal topics, while Kafka's coordinator matches it against
// every topic of the metadata image (GroupMetadataManager.refreshRegularExpressions): franz-go's
// Test848RegexBrokerResolves expects `__consumer_offsets` assigned when the regex names it.
test('a regex subscription matches internal topics too, as Kafka does: __consumer_offsets is assigned when the regex names it', async () => {
  const broker = await startTestBroker();
  const client = await WireClient.connect(broker.bootstrap);
  try {
    await createTopics(client, ['orders']);
    const found = await client.request(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['some-group'] });
    assert.equal(found.coordinators[0].errorCode, ErrorCode.NONE);
    assert.ok(broker.state.store.topic('__consumer_offsets') !== undefined, 'FindCoordinator created __consumer_offsets');
    const named = await joinWithRegex(broker, client, '__consumer_offsets|orders');
    assert.equal(named.errorCode, ErrorCode.NONE);
    assert.deepEqual(named.topics, ['__consumer_offsets', 'orders']);
    const prefix = await joinWithRegex(broker, client, '__.*');
    assert.deepEqual(prefix.topics, ['__consumer_offsets']);
    const plain = await joinWithRegex(broker, client, 'ord.*');
    assert.deepEqual(plain.topics, ['orders']);
  } finally {
    client.close();
    await broker.close();
  }
});

test('compileTopicRegex: full match, cache, bounds on length and program size', () => {
  const r = compileTopicRegex('foo.*');
  assert.ok(r.ok);
  assert.equal(compileTopicRegex('foo.*'), r, 'compiled once, then cached');
  assert.deepEqual(['foo', 'foobar', 'xfoo', 'fo'].filter((n) => r.ok && r.regex.matches(n)), ['foo', 'foobar']);
  assert.equal(compileTopicRegex('x'.repeat(topicRegexCharsMax)).ok, true);
  const long = compileTopicRegex('x'.repeat(topicRegexCharsMax + 1));
  assert.ok(!long.ok && long.message.length < 200, 'the message does not echo an over-long regex');
  const complex = compileTopicRegex('(?:[a-z]{1000}){1}[a-z]{1000}[a-z]{1000}');
  assert.ok(!complex.ok && /too complex/.test(complex.message), 'a program over the instruction bound is refused');
  const bad = compileTopicRegex('(?<=a)b|(');
  assert.ok(!bad.ok && /not a valid regular expression/.test(bad.message));
});

test('MatchBudget: once the time is spent, unmatched names wait for a later call; known names are always answered', () => {
  const compiled = compileTopicRegex('t[0-9]+');
  assert.ok(compiled.ok);
  const names = Array.from({ length: 50 }, (_, i) => `t${i}`);
  let fakeNow = 0;
  const spent = new MatchBudget(10, () => fakeNow);
  fakeNow = 100; // the budget is gone before the first name
  assert.deepEqual(spent.filter(compiled.regex, names), ['t0'], 'at least one name is matched per budget');
  assert.ok(spent.exhausted);
  const fresh = new MatchBudget(10, () => 0);
  assert.equal(fresh.filter(compiled.regex, names).length, 50);
  assert.equal(fresh.exhausted, false);
  const later = new MatchBudget(10, () => 1e9);
  assert.equal(later.filter(compiled.regex, names).length, 50, 'cached results need no budget');
});

test('re2js is not loaded by a broker that sees no regex subscription', async () => {
  const script = `
    import { createRequire } from 'node:module';
    const { startBroker } = await import(${JSON.stringify(new URL('../../src/broker/broker.js', import.meta.url).href)});
    const { createLogger } = await import(${JSON.stringify(new URL('../../src/broker/logger.js', import.meta.url).href)});
    const b = await startBroker({ host: '127.0.0.1', port: 0, logger: createLogger('error', () => {}) });
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('re2js'));
    await b.close();
    process.stdout.write(String(loaded));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(out, 'false');
});
