/** PasswordCheck (HTTP Basic's check of a Kafka user's password): PLAIN users, SCRAM credentials of both mechanisms, and the remembered success ending with the credential. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFs } from '../../src/storage/fs.js';
import { ScramCredentialStore, newCredential } from '../../src/security/scram-credentials.js';
import { PasswordCheck, matches } from '../../src/security/password-check.js';

function setup(plain: Array<Map<string, string>> = []) {
  const store = ScramCredentialStore.open(new MemoryFs(), '/data');
  return { store, check: new PasswordCheck(store, () => plain) };
}

test('PLAIN users of any listener, in constant-time comparison; wrong, empty and unknown are refused', async () => {
  const { check } = setup([new Map([['alice', 'alice-secret']]), new Map([['alice', 'other-listener'], ['dan', 'dan-secret']])]);
  assert.equal(check.hasUsers(), true);
  assert.equal(await check.verify('alice', 'alice-secret'), 'User:alice');
  assert.equal(await check.verify('alice', 'other-listener'), 'User:alice');
  assert.equal(await check.verify('dan', 'dan-secret'), 'User:dan');
  assert.equal(await check.verify('alice', 'alice-secre'), undefined);
  assert.equal(await check.verify('alice', ''), undefined);
  assert.equal(await check.verify('', 'alice-secret'), undefined);
  assert.equal(await check.verify('mallory', 'alice-secret'), undefined);
  assert.equal(await check.verify('alice', 'x'.repeat(5000)), undefined);
});

test('SCRAM-SHA-256 and -512 credentials: the derived StoredKey must match; a change or removal ends a remembered success', async () => {
  const { store, check } = setup();
  assert.equal(check.hasUsers(), false);
  store.put('bob', 'SCRAM-SHA-512', newCredential('SCRAM-SHA-512', 'bob-secret'));
  store.put('carol', 'SCRAM-SHA-256', newCredential('SCRAM-SHA-256', 'carol-secret', 8192));
  assert.equal(check.hasUsers(), true);
  assert.equal(await matches('SCRAM-SHA-512', store.get('bob', 'SCRAM-SHA-512')!, 'bob-secret'), true);
  assert.equal(await matches('SCRAM-SHA-512', store.get('bob', 'SCRAM-SHA-512')!, 'bob-secreT'), false);
  assert.equal(await check.verify('bob', 'bob-secret'), 'User:bob');
  assert.equal(await check.verify('bob', 'bob-secret'), 'User:bob', 'remembered');
  assert.equal(await check.verify('carol', 'carol-secret'), 'User:carol');
  assert.equal(await check.verify('carol', 'bob-secret'), undefined);
  assert.equal(await check.verify('nobody', 'bob-secret'), undefined);
  // A new password replaces the credential: the remembered success of the old one is gone.
  store.put('bob', 'SCRAM-SHA-512', newCredential('SCRAM-SHA-512', 'bob-new'));
  assert.equal(await check.verify('bob', 'bob-secret'), undefined);
  assert.equal(await check.verify('bob', 'bob-new'), 'User:bob');
  store.remove('bob', 'SCRAM-SHA-512');
  assert.equal(await check.verify('bob', 'bob-new'), undefined);
});
