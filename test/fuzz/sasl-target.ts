/**
 * Fuzz target: the broker's SASL servers (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER with Kafka's unsecured
 * validator) and the SCRAM message syntax (src/protocol/scram.ts) on hostile tokens.
 * Input: byte 0 picks the mechanism; the rest is the client's tokens separated by 0xFF 0xFF. In a SCRAM
 * token `%N` stands for the nonce the server just sent and `%P` for the right proof of user alice (password
 * "pw"), so mutations reach the last step and the success path, not only the first parse.
 * Oracle: a server throws nothing but SaslAuthenticationError, with a bounded detail and message; once it
 * failed or finished it accepts no further token; it grants a principal only to a right password (PLAIN:
 * a configured user's; SCRAM: only when the proof is %P for alice, with the nonce it sent) or to a well-formed
 * unexpired token (OAUTHBEARER: `User:<sub>`). Load it only after Coverage.start() (see engine.ts).
 */
import { PlainServer } from '../../src/security/sasl/plain.js';
import { ScramServer } from '../../src/security/sasl/scram.js';
import { OAuthBearerServer, unsecuredJwsValidator } from '../../src/security/sasl/oauthbearer.js';
import { SaslAuthenticationError, type SaslServer } from '../../src/security/sasl/mechanism.js';
import { ScramCredentialStore, newCredential } from '../../src/security/scram-credentials.js';
import { clientProof, escapeName, parseAttributes, saltedPassword, unescapeName, type ScramMechanism } from '../../src/protocol/scram.js';
import { MemoryFs } from '../../src/storage/fs.js';
import type { FuzzTarget, Mutator } from './engine.js';
import { OracleViolation } from './request-target.js';

const SEPARATOR = Buffer.from([0xff, 0xff]);
const TOKENS_MAX = 4;
const DETAIL_CHARS_MAX = 200;
const MESSAGE_CHARS_MAX = 300;
const NOW_MS = 1_700_000_000_000;
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;

const plainUsers = new Map([['alice', 'pw'], ['bob', 'b=,\u0000?']]);
const credentials = (() => {
  const fs = new MemoryFs();
  fs.mkdir('/d');
  const s = ScramCredentialStore.open(fs, '/d');
  for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    s.put('alice', m, newCredential(m, 'pw'));
    s.put('a,b=c', m, newCredential(m, 'pw'));
  }
  return s;
})();
/** alice's salted passwords, computed once (PBKDF2 is the slow part of a SCRAM step). */
const aliceSalted = new Map<ScramMechanism, Buffer>((['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).map((m) => {
  const c = credentials.get('alice', m)!;
  return [m, saltedPassword(m, 'pw', c.salt, c.iterations)];
}));

function split(input: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  while (out.length < TOKENS_MAX - 1) {
    const at = input.indexOf(SEPARATOR, from);
    if (at < 0) break;
    out.push(input.subarray(from, at));
    from = at + SEPARATOR.length;
  }
  out.push(input.subarray(from));
  return out;
}

/** The SCRAM client's last message with %N and %P filled in from the exchange so far. */
function fillScram(mechanism: ScramMechanism, token: string, clientFirstBare: string, serverFirst: string | undefined): { token: string; rightProof: boolean } {
  const nonce = serverFirst === undefined ? '' : parseAttributes(serverFirst).get('r') ?? '';
  let msg = token.replace(/%N/g, nonce);
  const at = msg.indexOf('%P');
  if (at < 0 || serverFirst === undefined) return { token: msg, rightProof: false };
  const withoutProof = msg.slice(0, at).replace(/,p=$/, '');
  const proof = clientProof(mechanism, aliceSalted.get(mechanism)!, `${clientFirstBare},${serverFirst},${withoutProof}`).toString('base64');
  msg = msg.slice(0, at) + proof + msg.slice(at + 2);
  return { token: msg, rightProof: msg.endsWith(`,p=${proof}`) && msg.slice(0, -proof.length - 3) === withoutProof };
}

export function runSasl(input: Buffer): void {
  const mechanism = MECHANISMS[(input[0] ?? 0) % MECHANISMS.length]!;
  const tokens = split(input.subarray(1));
  const server: SaslServer = mechanism === 'PLAIN' ? new PlainServer(plainUsers)
    : mechanism === 'OAUTHBEARER' ? new OAuthBearerServer(unsecuredJwsValidator, () => NOW_MS)
      : new ScramServer(mechanism, credentials);
  let clientFirstBare = '';
  let serverFirst: string | undefined;
  let ended = false;
  for (const [i, raw] of tokens.entries()) {
    let token = raw;
    let rightProof = false;
    if (mechanism === 'SCRAM-SHA-256' || mechanism === 'SCRAM-SHA-512') {
      const text = raw.toString('utf8');
      if (i === 0) clientFirstBare = /^[ny],(a=[^,]*)?,(.*)$/s.exec(text)?.[2] ?? '';
      else {
        const filled = fillScram(mechanism, text, clientFirstBare, serverFirst);
        token = Buffer.from(filled.token, 'utf8');
        rightProof = filled.rightProof;
      }
    }
    let step;
    try {
      step = server.evaluate(token);
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw new OracleViolation(`${mechanism} threw ${(err as Error).name}: ${(err as Error).message}`);
      if (err.detail.length > DETAIL_CHARS_MAX || err.message.length > MESSAGE_CHARS_MAX) throw new OracleViolation(`${mechanism}: unbounded error text (${err.detail.length}/${err.message.length} chars)`);
      // After an OAUTHBEARER refusal challenge the exchange fails; any failure ends it.
      ended = true;
      continue;
    }
    if (ended) throw new OracleViolation(`${mechanism} accepted a token after it failed or finished`);
    if (step.principal === undefined) {
      if (i === 0 && mechanism.startsWith('SCRAM')) serverFirst = step.response.toString('utf8');
      continue;
    }
    ended = true;
    checkGrant(mechanism, step.principal, token, rightProof, clientFirstBare);
  }
}

function checkGrant(mechanism: (typeof MECHANISMS)[number], principal: string, token: Buffer, rightProof: boolean, clientFirstBare: string): void {
  if (mechanism === 'PLAIN') {
    const [, user, password] = token.toString('utf8').split('\u0000');
    if (plainUsers.get(user!) !== password || principal !== `User:${user}`) throw new OracleViolation(`PLAIN granted ${principal} to a wrong password`);
    return;
  }
  if (mechanism === 'OAUTHBEARER') {
    if (!principal.startsWith('User:') || principal.length <= 5) throw new OracleViolation(`OAUTHBEARER granted ${principal}`);
    return;
  }
  const user = unescapeName(parseAttributes(clientFirstBare).get('n') ?? '');
  if (!rightProof || user !== 'alice' || principal !== 'User:alice') throw new OracleViolation(`${mechanism} granted ${principal} without alice's proof`);
}

const SEP = '\xff\xff';
function seed(mechanism: number, ...tokens: string[]): Buffer {
  return Buffer.concat([Buffer.from([mechanism]), ...tokens.flatMap((t, i) => (i === 0 ? [Buffer.from(t, 'utf8')] : [SEPARATOR, Buffer.from(t, 'utf8')]))]);
}

const jws = (claims: object) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

export const saslSeeds: Buffer[] = [
  seed(0, '\u0000alice\u0000pw'), seed(0, 'alice\u0000alice\u0000pw'), seed(0, '\u0000bob\u0000nope'), seed(0, '\u0000alice\u0000pw', 'again'),
  seed(1, 'n,,n=alice,r=abc', 'c=biws,r=%N,p=%P'), seed(2, 'n,,n=alice,r=abc', 'c=biws,r=%N,p=%P'),
  seed(2, 'n,a=alice,n=alice,r=x', 'c=bixhPWFsaWNlLA==,r=%N,p=%P'), seed(1, `n,,n=${escapeName('a,b=c')},r=q`, 'c=biws,r=%N,p=AAAA'),
  seed(1, 'y,,n=alice,r=abc', 'c=eSws,r=%N,p=%P', 'c=biws,r=%N,p=%P'), seed(2, 'n,,n=nobody,r=abc'), seed(1, 'p=tls-unique,,n=alice,r=x'),
  seed(3, `n,,\x01auth=Bearer ${jws({ sub: 'frank', exp: NOW_MS / 1000 + 60 })}\x01\x01`),
  seed(3, `n,,\x01auth=Bearer ${jws({ sub: 'frank', exp: NOW_MS / 1000 - 60 })}\x01\x01`, '\x01'),
  seed(3, 'n,a=x,\x01host=h\x01auth=Bearer a.b.\x01\x01'),
  // Found by this target: text after a right proof was taken (Node's lenient base64); see test/security/sasl-parsers.test.ts.
  Buffer.from('016e2c2c6e3d616c6963652c723d616263ffff633d626977732c723d254e2c703d25503d3344632c723d71ffff633d626977732c72e469941235003d254e2c703d41414141', 'hex'),
];

/** Puts a placeholder or a SCRAM attribute where the fuzzer would not guess one. */
const attribute: Mutator = (input, rng) => {
  const piece = rng.pick(['%N', '%P', ',p=', ',r=', 'n,,', 'c=biws', '=2C', '=3D', '\x01', '\x01\x01', '\u0000', 'auth=Bearer ', ',i=', SEP]);
  const at = 1 + rng.below(Math.max(1, input.length - 1));
  return Buffer.concat([input.subarray(0, at), Buffer.from(piece, 'latin1'), input.subarray(at)]);
};

export const saslTarget: FuzzTarget = {
  name: 'sasl',
  includeScript: (url) => /\/dist\/src\/(security\/sasl\/[a-z]+|protocol\/scram)\.js$/.test(url),
  seeds: saslSeeds,
  maxInputBytes: 1024,
  mutators: [attribute],
  run: runSasl,
};
