// src/group/offset-rules.ts: which commits a group-less coordinator accepts (the rest is covered through the coordinator in offsets tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitError } from '../../src/group/offset-rules.js';
import type { CommitRequest } from '../../src/group/coordinator-api.js';

const req = (generationIdOrMemberEpoch: number, version: number): CommitRequest => ({
  groupId: 'g', generationIdOrMemberEpoch, memberId: '', groupInstanceId: null, version, topics: [],
});

test('a commit to an unknown group is a simple consumer\'s only with generation -1', () => {
  assert.equal(commitError(undefined, req(-1, 8)), 'NONE');
  assert.equal(commitError(undefined, req(3, 8)), 'ILLEGAL_GENERATION');
  assert.equal(commitError(undefined, req(3, 9)), 'GROUP_ID_NOT_FOUND', 'v9+ (KIP-848) names the missing group');
});
