/** The authorizer's decisions (StandardAuthorizer's rules) and its ACL store, over an in-memory file system. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Authorizer } from '../../src/security/authorizer.js';
import { AclOperation as Op, PatternType, PermissionType, ResourceType, type AclBinding } from '../../src/security/acl.js';
import { MemoryFs } from '../../src/storage/fs.js';

function binding(resourceName: string, operation: number, permissionType: number = PermissionType.ALLOW, extra: Partial<AclBinding> = {}): AclBinding {
  return { resourceType: ResourceType.TOPIC, resourceName, patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permissionType, ...extra };
}

function authorizer(bindings: AclBinding[], opts: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {}): Authorizer {
  const fs = new MemoryFs();
  fs.mkdir('/d');
  const a = Authorizer.open(fs, '/d', { superUsers: opts.superUsers ?? [], allowEveryoneIfNoAclFound: opts.allowEveryoneIfNoAclFound ?? false });
  a.create(bindings);
  return a;
}

test('implied operations: READ, WRITE, DELETE, ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL implies everything', () => {
  for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
    assert.ok(authorizer([binding('t', op)]).authorize('User:alice', '1.2.3.4', Op.DESCRIBE, ResourceType.TOPIC, 't'));
  }
  assert.ok(!authorizer([binding('t', Op.CREATE)]).authorize('User:alice', 'h', Op.DESCRIBE, ResourceType.TOPIC, 't'));
  assert.ok(authorizer([binding('t', Op.ALTER_CONFIGS)]).authorize('User:alice', 'h', Op.DESCRIBE_CONFIGS, ResourceType.TOPIC, 't'));
  assert.ok(authorizer([binding('t', Op.ALL)]).authorize('User:alice', 'h', Op.DELETE, ResourceType.TOPIC, 't'));
  // DENY does not imply: a denied READ leaves DESCRIBE to the ALLOWs.
  assert.ok(authorizer([binding('t', Op.READ, PermissionType.DENY), binding('t', Op.DESCRIBE)]).authorize('User:alice', 'h', Op.DESCRIBE, ResourceType.TOPIC, 't'));
});

test('patterns, wildcards, hosts, super users and the no-ACL default', () => {
  const a = authorizer([
    binding('pay-', Op.READ, PermissionType.ALLOW, { patternType: PatternType.PREFIXED }),
    binding('*', Op.WRITE, PermissionType.ALLOW, { principal: 'User:*' }),
    binding('pay-secret', Op.ALL, PermissionType.DENY, { host: '10.0.0.9' }),
  ], { superUsers: ['User:root'] });
  assert.ok(a.authorize('User:alice', '10.0.0.1', Op.READ, ResourceType.TOPIC, 'pay-1'));
  assert.ok(!a.authorize('User:alice', '10.0.0.1', Op.READ, ResourceType.TOPIC, 'other'));
  assert.ok(a.authorize('User:zed', '10.0.0.1', Op.WRITE, ResourceType.TOPIC, 'anything'));
  assert.ok(a.authorize('User:alice', '10.0.0.1', Op.READ, ResourceType.TOPIC, 'pay-secret'));
  assert.ok(!a.authorize('User:alice', '10.0.0.9', Op.READ, ResourceType.TOPIC, 'pay-secret'));
  assert.ok(a.authorize('User:root', '10.0.0.9', Op.READ, ResourceType.TOPIC, 'pay-secret'));
  assert.ok(!a.authorize('User:alice', 'h', Op.READ, ResourceType.GROUP, 'g'));
  const open = authorizer([binding('named', Op.READ)], { allowEveryoneIfNoAclFound: true });
  assert.ok(open.authorize('User:bob', 'h', Op.READ, ResourceType.TOPIC, 'unnamed'));
  assert.ok(!open.authorize('User:bob', 'h', Op.READ, ResourceType.TOPIC, 'named'));
});

test('property: a matching DENY always wins, whatever ALLOWs exist', () => {
  const op = fc.constantFrom(Op.READ, Op.WRITE, Op.DESCRIBE, Op.ALL, Op.DELETE);
  const acl = fc.record({
    resourceName: fc.constantFrom('a', 'ab', '*', 'abc'),
    patternType: fc.constantFrom(PatternType.LITERAL, PatternType.PREFIXED),
    principal: fc.constantFrom('User:alice', 'User:*', 'User:bob'),
    host: fc.constantFrom('*', 'h1', 'h2'),
    operation: op,
    permissionType: fc.constantFrom(PermissionType.ALLOW, PermissionType.DENY),
  }).filter((b) => !(b.patternType === PatternType.PREFIXED && b.resourceName === '*'));
  fc.assert(fc.property(fc.array(acl, { maxLength: 12 }), fc.constantFrom('a', 'abc', 'x'), op, fc.constantFrom('h1', 'h2'), (acls, name, wanted, host) => {
    const bindings = acls.map((b) => ({ resourceType: ResourceType.TOPIC, ...b }));
    const decision = authorizer(bindings).authorize('User:alice', host, wanted, ResourceType.TOPIC, name);
    const applies = (b: AclBinding) => (b.patternType === PatternType.LITERAL ? b.resourceName === name || b.resourceName === '*' : name.startsWith(b.resourceName))
      && (b.principal === 'User:alice' || b.principal === 'User:*') && (b.host === '*' || b.host === host);
    const denied = bindings.some((b) => applies(b) && b.permissionType === PermissionType.DENY && (b.operation === wanted || b.operation === Op.ALL));
    if (denied) assert.equal(decision, false);
    if (decision) assert.ok(bindings.some((b) => applies(b) && b.permissionType === PermissionType.ALLOW));
  }), { numRuns: 300 });
});

test('the store persists and reloads; a corrupt file fails the open', () => {
  const fs = new MemoryFs();
  fs.mkdir('/d');
  const a = Authorizer.open(fs, '/d', { superUsers: [], allowEveryoneIfNoAclFound: false });
  a.create([binding('t', Op.READ), binding('t', Op.READ)]);
  assert.equal(a.size, 1);
  const b = Authorizer.open(fs, '/d', { superUsers: [], allowEveryoneIfNoAclFound: false });
  assert.ok(b.authorize('User:alice', 'h', Op.READ, ResourceType.TOPIC, 't'));
  const path = '/d/~security/acls.json';
  const fd = fs.open(path, 'rw');
  const bad = Buffer.from('{"version":1,"acls":[{"nope":1}]}');
  fs.ftruncate(fd, 0);
  fs.write(fd, bad, 0, bad.length, 0);
  fs.close(fd);
  assert.throws(() => Authorizer.open(fs, '/d', { superUsers: [], allowEveryoneIfNoAclFound: false }), /invalid ACL/);
});
