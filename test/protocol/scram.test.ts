/** src/protocol/scram.ts: RFC 7677's SCRAM-SHA-256 example exchange, the server's check of a proof, saslname escapes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientProof, decodeBase64Strict, escapeName, parseAttributes, proofMatches, saltedPassword, serverFinalMatches, serverKeys, serverSignature, unescapeName,
} from '../../src/protocol/scram.js';

// RFC 7677 section 3: user "user", password "pencil".
const clientFirstBare = 'n=user,r=rOprNGfwEbeRWgbNEkqO';
const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const withoutProof = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;

test('RFC 7677 example: the client proof and the server signature', () => {
  const attrs = parseAttributes(serverFirst);
  const salted = saltedPassword('SCRAM-SHA-256', 'pencil', Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')));
  assert.equal(clientProof('SCRAM-SHA-256', salted, authMessage).toString('base64'), 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  assert.equal(serverSignature('SCRAM-SHA-256', serverKeys('SCRAM-SHA-256', salted).serverKey, authMessage).toString('base64'), '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
});

test('the server accepts the right proof from its stored key and refuses a wrong or short one', () => {
  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    const salted = saltedPassword(mechanism, 'secret', Buffer.from('salt'), 4096);
    const { storedKey } = serverKeys(mechanism, salted);
    const proof = clientProof(mechanism, salted, authMessage);
    assert.equal(proofMatches(mechanism, storedKey, authMessage, proof), true);
    const wrong = clientProof(mechanism, saltedPassword(mechanism, 'Secret', Buffer.from('salt'), 4096), authMessage);
    assert.equal(proofMatches(mechanism, storedKey, authMessage, wrong), false);
    assert.equal(proofMatches(mechanism, storedKey, authMessage, proof.subarray(1)), false);
    assert.equal(proofMatches(mechanism, storedKey, `${authMessage}x`, proof), false);
  }
});

test('saslname escapes round-trip; a stray = escape is refused; the first attribute of a name wins', () => {
  for (const name of ['plain', 'a=b,c', '==,,', '=2C']) assert.equal(unescapeName(escapeName(name)), name);
  assert.equal(escapeName('a=b,c'), 'a=3Db=2Cc');
  assert.equal(unescapeName('a=4Fb'), undefined);
  assert.equal(unescapeName('a='), undefined);
  assert.deepEqual([...parseAttributes('r=x=y,s=1,r=2,bad,=,q')], [['r', 'x=y'], ['s', '1']]);
});

test('strict base64: padding and alphabet are checked, nothing may trail (Node\'s decoder would skip it)', () => {
  assert.deepEqual(decodeBase64Strict('cGVuY2ls'), Buffer.from('pencil'));
  assert.deepEqual(decodeBase64Strict('cGVuY2lsMQ=='), Buffer.from('pencil1'));
  assert.deepEqual(decodeBase64Strict(''), Buffer.alloc(0));
  for (const bad of ['cGVuY2ls=', 'cGVuY2lsMQ==x', 'cGVuY2lsMQ==,e=x', 'cGVu Y2ls', 'cGVuY2l', 'cGVuY2ls_-', 'cGVuY2lsMQ']) {
    assert.equal(decodeBase64Strict(bad), undefined, bad);
  }
});

test('the client checks the server-final message exactly: the right v= passes, trailing text or an e= does not', () => {
  const attrs = parseAttributes(serverFirst);
  const salted = saltedPassword('SCRAM-SHA-256', 'pencil', Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')));
  const { serverKey } = serverKeys('SCRAM-SHA-256', salted);
  const right = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';
  assert.equal(serverFinalMatches('SCRAM-SHA-256', serverKey, authMessage, right), true);
  for (const bad of [`${right}junk`, `${right},x=1`, 'e=invalid-proof', right.slice(0, -4), '', 'v=']) {
    assert.equal(serverFinalMatches('SCRAM-SHA-256', serverKey, authMessage, bad), false, bad);
  }
});
