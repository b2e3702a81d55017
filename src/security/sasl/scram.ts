/**
 * SCRAM-SHA-256/512 server (RFC 5802, RFC 7677), as Kafka's ScramSaslServer: client-first
 * `n,[a=authzid],n=user,r=cnonce[,ext]`, server-first `r=cnonce+snonce,s=salt,i=iterations`,
 * client-final `c=biws,r=nonce,p=proof`, server-final `v=signature`. No channel binding (`p=` is
 * refused). An unknown user fails at the first message with the same words as a wrong proof.
 */
import { randomBytes } from 'node:crypto';
import type { ScramCredentialStore } from '../scram-credentials.js';
import { decodeBase64Strict, parseAttributes, proofMatches, serverSignature, unescapeName, type ScramMechanism } from '../../protocol/scram.js';
import { SaslAuthenticationError, type SaslServer, type SaslStep } from './mechanism.js';
import { userPrincipal } from '../principal.js';

const SCRAM_MESSAGE_BYTES_MAX = 4096;
const FAILED = 'Authentication failed during authentication due to invalid credentials with SASL mechanism';

export class ScramServer implements SaslServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';
  private user = '';

  constructor(readonly mechanism: ScramMechanism, private readonly credentials: ScramCredentialStore) {}

  evaluate(token: Buffer): SaslStep {
    if (token.length > SCRAM_MESSAGE_BYTES_MAX) this.fail(`message of ${token.length} bytes`);
    const msg = token.toString('utf8');
    if (this.state === 'first') return this.first(msg);
    if (this.state === 'final') return this.final(msg);
    return this.fail('token after completion');
  }

  private first(msg: string): SaslStep {
    // gs2-header: "n," or "y," then an optional "a=authzid", then ","
    const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(msg);
    if (m === null) return this.fail(msg.startsWith('p=') ? 'channel binding requested' : 'malformed client-first message');
    this.gs2Header = `${m[1]},${m[2] ?? ''},`;
    this.clientFirstBare = m[3]!;
    const attrs = parseAttributes(this.clientFirstBare);
    const user = attrs.get('n');
    const cnonce = attrs.get('r');
    if (user === undefined || cnonce === undefined || cnonce === '' || attrs.has('m')) return this.fail('client-first message lacks n= or r=');
    const name = unescapeName(user);
    if (name === undefined) return this.fail('bad user name escape');
    const authzid = m[2]?.slice(2);
    if (authzid !== undefined && authzid !== '' && unescapeName(authzid) !== name) return this.fail('authzid differs from user');
    this.user = name;
    const cred = this.credentials.get(name, this.mechanism);
    if (cred === undefined) return this.fail('unknown user');
    // The server's part: 32 fresh random characters, alphanumeric as Kafka's.
    this.nonce = cnonce + randomBytes(24).toString('base64url').replace(/[-_]/g, 'A');
    this.serverFirst = `r=${this.nonce},s=${cred.salt.toString('base64')},i=${cred.iterations}`;
    this.state = 'final';
    return { response: Buffer.from(this.serverFirst, 'utf8') };
  }

  private final(msg: string): SaslStep {
    this.state = 'done';
    const proofAt = msg.lastIndexOf(',p=');
    if (proofAt < 0) return this.fail('client-final message lacks p=');
    const withoutProof = msg.slice(0, proofAt);
    const attrs = parseAttributes(withoutProof);
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) return this.fail('channel binding attribute mismatch');
    // RFC 5802 wants the nonce equal. librdkafka before 2.6.1 (Debian's 2.0.2 among them) sends its own
    // nonce once more in front (confluentinc/librdkafka#4895); Kafka 3.8.1-3.9 accepts a nonce that ends
    // with the server's, and so do we, or those clients could not log in.
    const nonce = attrs.get('r');
    if (nonce === undefined || !nonce.endsWith(this.nonce)) return this.fail('nonce mismatch');
    // Strict base64 (Node's decoder stops at padding and skips junk, which would let text trail a proof).
    const proofText = msg.slice(proofAt + 3);
    const proof = decodeBase64Strict(proofText);
    if (proof === undefined) return this.fail('proof is not base64');
    const cred = this.credentials.get(this.user, this.mechanism);
    if (cred === undefined) return this.fail('user removed during authentication');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    if (!proofMatches(this.mechanism, cred.storedKey, authMessage, proof)) return this.fail('wrong proof');
    const signature = serverSignature(this.mechanism, cred.serverKey, authMessage);
    return { response: Buffer.from(`v=${signature.toString('base64')}`, 'utf8'), principal: userPrincipal(this.user) };
  }

  private fail(detail: string): never {
    this.state = 'done';
    throw new SaslAuthenticationError(`${FAILED} ${this.mechanism}`, detail);
  }
}
