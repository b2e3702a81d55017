/** KIP-848 regex subscriptions (ConsumerGroupHeartbeat v1 SubscribedTopicRegex): RE2 semantics, full match, linear time, bounded length. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../broker/harness.js';
import { WireClient } from '../broker/wire-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';

async function createTopics(client: WireClient, names: string[]): Promise<void> {
  const res = await client.request(19, 7, { topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 1000 });
  for (const t of res.topics) assert.equal(t.errorCode, ErrorCode.NONE, t.name);
}

let groupSeq = 0;

/** Joins a fresh group with the regex; the error code and the names of the topics assigned. */
async function joinWithRegex(broker: TestBroker, client: WireClient, regex: string): Promise<{ errorCode: number; topics: string[]; memberId: string; memberEpoch: number; groupId: string }> {
  const groupId = `g${groupSeq++}`;
  const res = await client.request(68, 1, {
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
    assert.ok(joinMs < 2000, `join answered in ${joinMs.toFixed(0)} ms`);
    started = performance.now();
    for (let i = 0; i < 20; i++) {
      const hb = await client.request(68, 1, { groupId: joined.groupId, memberId: joined.memberId, memberEpoch: joined.memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null });
      assert.equal(hb.errorCode, ErrorCode.NONE);
    }
    const heartbeatsMs = performance.now() - started;
    assert.ok(heartbeatsMs < 2000, `20 heartbeats answered in ${heartbeatsMs.toFixed(0)} ms`);
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
      ['.*', ['Foo.1', 'bar', 'foo', 'foobar', 'xfoo']],
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
