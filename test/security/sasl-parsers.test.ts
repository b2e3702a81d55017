/** Property tests of the SASL servers on hostile input: arbitrary bytes, mangled SCRAM messages and tokens only ever fail as SaslAuthenticationError (answered SASL_AUTHENTICATION_FAILED), never throw anything else, and never authenticate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PlainServer } from '../../src/security/sasl/plain.js';
import { ScramServer } from '../../src/security/sasl/scram.js';
import { OAuthBearerServer, unsecuredJwsValidator } from '../../src/security/sasl/oauthbearer.js';
import { SaslAuthenticationError, type SaslServer } from '../../src/security/sasl/mechanism.js';
import { ScramCredentialStore, newCredential } from '../../src/security/scram-credentials.js';
import { MemoryFs } from '../../src/storage/fs.js';
import { clientProof, saltedPassword } from '../../src/protocol/scram.js';

function store(): ScramCredentialStore {
  const fs = new MemoryFs();
  fs.mkdir('/d');
  const s = ScramCredentialStore.open(fs, '/d');
  s.put('alice', 'SCRAM-SHA-256', newCredential('SCRAM-SHA-256', 'pw'));
  return s;
}

/** Feeds the tokens; returns the principal if one was granted, or 'failed'. */
function run(server: SaslServer, tokens: Buffer[]): string | undefined | 'failed' {
  let principal: string | undefined;
  for (const t of tokens) {
    try {
      const step = server.evaluate(t);
      if (step.principal !== undefined) principal = step.principal;
    } catch (err) {
      assert.ok(err instanceof SaslAuthenticationError, `unexpected ${String(err)}`);
      assert.ok(err.detail.length < 200, 'bounded detail');
      return 'failed';
    }
  }
  return principal;
}

const token = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.constantFrom('n,,n=alice,r=abc', 'n,,n=alice,r=', 'p=tls-unique,,n=alice,r=x', 'y,a=bob,n=alice,r=x', 'n,,n=al=2Cice,r=x', 'n,,n=a=ZZ,r=x', 'c=biws,r=abc,p=AAAA', 'c=biws,p=', '\u0000alice\u0000pw', 'n,,\u0001auth=Bearer a.b.\u0001\u0001').map((s) => Buffer.from(s)),
);

test('PLAIN, SCRAM and OAUTHBEARER servers fail cleanly on arbitrary token sequences', () => {
  const creds = store();
  fc.assert(fc.property(fc.array(token, { minLength: 1, maxLength: 4 }), (tokens) => {
    // Without the right password no sequence authenticates PLAIN or SCRAM.
    const plain = run(new PlainServer(new Map([['alice', 'secret']])), tokens);
    assert.ok(plain === 'failed' || plain === undefined, `PLAIN granted ${String(plain)}`);
    const scram = run(new ScramServer('SCRAM-SHA-256', creds), tokens);
    assert.ok(scram === 'failed' || scram === undefined, `SCRAM granted ${String(scram)}`);
    run(new OAuthBearerServer(unsecuredJwsValidator), tokens);
  }), { numRuns: 2000 });
});

test('SCRAM: a client-final message with a tampered proof or nonce never authenticates', () => {
  const creds = store();
  fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (suffix, proof) => {
    const server = new ScramServer('SCRAM-SHA-256', creds);
    const first = server.evaluate(Buffer.from('n,,n=alice,r=clientnonce')).response.toString();
    const nonce = /r=([^,]*)/.exec(first)![1]!;
    const result = run(server, [Buffer.from(`c=biws,r=${nonce}${suffix},p=${Buffer.from(proof).toString('base64')}`)]);
    assert.equal(result, 'failed');
  }), { numRuns: 500 });
});

test('SCRAM: text after a right proof is a malformed message, not a login (found by the SASL fuzzer)', () => {
  const creds = store();
  const cred = creds.get('alice', 'SCRAM-SHA-256')!;
  const salted = saltedPassword('SCRAM-SHA-256', 'pw', cred.salt, cred.iterations);
  for (const junk of ['', '=3Dc,r=q', ',x=y', '!']) {
    const server = new ScramServer('SCRAM-SHA-256', creds);
    const first = server.evaluate(Buffer.from('n,,n=alice,r=clientnonce')).response.toString();
    const nonce = /r=([^,]*)/.exec(first)![1]!;
    const withoutProof = `c=biws,r=${nonce}`;
    const proof = clientProof('SCRAM-SHA-256', salted, `n=alice,r=clientnonce,${first},${withoutProof}`).toString('base64');
    assert.equal(run(server, [Buffer.from(`${withoutProof},p=${proof}${junk}`)]), junk === '' ? 'User:alice' : 'failed', JSON.stringify(junk));
  }
});
