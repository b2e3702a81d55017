// src/storage/topic-names.ts: Kafka's topic-name rules and the directory names topics take.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOPIC_NAME_LENGTH_MAX, deletedDirName, topicDirName, topicMetricName, topicNameProblem } from '../../src/storage/topic-names.js';

test('topic names follow Kafka\'s rules', () => {
  for (const ok of ['a', 'orders.v1', 'A_b-9', 'x'.repeat(TOPIC_NAME_LENGTH_MAX)]) assert.equal(topicNameProblem(ok), undefined, ok);
  for (const bad of ['', '.', '..', 'x'.repeat(TOPIC_NAME_LENGTH_MAX + 1), 'a/b', 'a~b', 'é']) assert.ok(topicNameProblem(bad) !== undefined, bad);
});

test('directory names: reserved names get a suffix, a deleted dir fits in 255 bytes, metric names collide on . and _', () => {
  assert.equal(topicDirName('meta'), 'meta~topic');
  assert.equal(topicDirName('meta.properties'), 'meta.properties~topic');
  assert.equal(topicDirName('orders'), 'orders');
  const id = '5d0e2d3c-8f3a-4d5e-9a4b-0c1d2e3f4a5b';
  const long = deletedDirName('x'.repeat(TOPIC_NAME_LENGTH_MAX), id);
  assert.ok(long.length <= 255 && long.endsWith(`~${id}~deleted`));
  assert.equal(deletedDirName('t', id), `t~${id}~deleted`);
  assert.equal(topicMetricName('a.b_c'), topicMetricName('a_b.c'));
});
