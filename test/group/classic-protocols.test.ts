// src/group/classic-protocols.ts: a classic group's common protocols, who may join, and the vote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsProtocols, commonProtocols, leaderMemberList, sameOffers, voteProtocol } from '../../src/group/classic-protocols.js';
import type { ClassicMember } from '../../src/group/classic-types.js';

const member = (memberId: string, names: string[]): ClassicMember => ({
  memberId, groupInstanceId: null, clientId: 'c', clientHost: 'h', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
  protocolType: 'consumer', protocols: names.map((name) => ({ name, metadata: Buffer.from(`${memberId}:${name}`) })), assignment: Buffer.alloc(0),
  supportsSkipAssignment: false,
});

test('the vote picks, among protocols every member offers, the one most members list first', () => {
  const members = [member('a', ['range', 'cooperative-sticky']), member('b', ['cooperative-sticky', 'range']), member('c', ['cooperative-sticky', 'roundrobin', 'range'])];
  assert.deepEqual([...commonProtocols(members)].sort(), ['cooperative-sticky', 'range']);
  assert.equal(voteProtocol(members), 'cooperative-sticky');
  assert.equal(voteProtocol([member('a', ['range'])]), 'range');
});

test('a joining member needs the group protocol type and one protocol in common', () => {
  const group = { members: new Map([['a', member('a', ['range'])]]), protocolType: 'consumer' };
  assert.equal(acceptsProtocols(group, 'consumer', [{ name: 'range', metadata: Buffer.alloc(0) }]), true);
  assert.equal(acceptsProtocols(group, 'consumer', [{ name: 'roundrobin', metadata: Buffer.alloc(0) }]), false);
  assert.equal(acceptsProtocols(group, 'connect', [{ name: 'range', metadata: Buffer.alloc(0) }]), false);
  assert.equal(acceptsProtocols({ members: new Map(), protocolType: null }, 'connect', [{ name: 'x', metadata: Buffer.alloc(0) }]), true);
  assert.equal(acceptsProtocols({ members: new Map(), protocolType: null }, '', [{ name: 'x', metadata: Buffer.alloc(0) }]), false);
});

test('offers compare by name, order and metadata; the leader sees each member with its chosen metadata', () => {
  const a = member('a', ['range', 'sticky']);
  assert.equal(sameOffers(a, a.protocols.map((p) => ({ ...p }))), true);
  assert.equal(sameOffers(a, [...a.protocols].reverse()), false);
  assert.equal(sameOffers(a, [a.protocols[0]!, { name: 'sticky', metadata: Buffer.from('other') }]), false);
  assert.deepEqual(leaderMemberList([a, member('b', ['range'])], 'range').map((m) => m.metadata.toString()), ['a:range', 'b:range']);
});
