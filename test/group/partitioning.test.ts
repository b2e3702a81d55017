import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaStringHashCode, offsetsPartitionFor } from '../../src/group/partitioning.js';

test('group → partition is abs(String.hashCode) % n as in Kafka', () => {
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648); // Integer.MIN_VALUE: Utils.abs gives 0
  assert.equal(offsetsPartitionFor('polygenelubricants', 50), 0);
  assert.equal(offsetsPartitionFor('hello', 50), 99162322 % 50);
});
