/**
 * SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka uses it: the mechanisms and their wire codes
 * (AlterUserScramCredentials), the key derivation, proofs and signatures, and the message syntax.
 * Pure: no I/O, so the client (src/client/sasl.ts, admin.ts) and the broker (src/security) share it.
 *   SaltedPassword = PBKDF2(HMAC-H, NFKC(password), salt, iterations)
 *   ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey), ServerKey = HMAC(SaltedPassword, "Server Key")
 *   AuthMessage = client-first-bare "," server-first "," client-final-without-proof
 *   ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage), ServerSignature = HMAC(ServerKey, AuthMessage)
 */
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
/** AlterUserScramCredentials' and DescribeUserScramCredentials' mechanism codes. */
export const SCRAM_MECHANISM_CODES: Readonly<Record<number, ScramMechanism>> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };
export const SCRAM_CODE_OF: Readonly<Record<ScramMechanism, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
/** Kafka's bounds on SCRAM iterations (a client also refuses a server asking for more: it would spin). */
export const SCRAM_ITERATIONS_MIN = 4096;
export const SCRAM_ITERATIONS_MAX = 16384;

export function hashName(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const hash = hashName(mechanism);
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, hash === 'sha256' ? 32 : 64, hash);
}

const hmac = (mechanism: ScramMechanism, key: Buffer, data: string): Buffer => createHmac(hashName(mechanism), key).update(data).digest();
const h = (mechanism: ScramMechanism, data: Buffer): Buffer => createHash(hashName(mechanism)).update(data).digest();

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** What a server keeps of a salted password: StoredKey and ServerKey. */
export function serverKeys(mechanism: ScramMechanism, salted: Buffer): { storedKey: Buffer; serverKey: Buffer } {
  return { storedKey: h(mechanism, hmac(mechanism, salted, 'Client Key')), serverKey: hmac(mechanism, salted, 'Server Key') };
}

/** The client's proof for an exchange. */
export function clientProof(mechanism: ScramMechanism, salted: Buffer, authMessage: string): Buffer {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return xor(clientKey, hmac(mechanism, h(mechanism, clientKey), authMessage));
}

/** The server's side of a proof: does it show the ClientKey whose hash is storedKey? */
export function proofMatches(mechanism: ScramMechanism, storedKey: Buffer, authMessage: string, proof: Buffer): boolean {
  const signature = hmac(mechanism, storedKey, authMessage);
  if (proof.length !== signature.length) return false;
  return timingSafeEqual(h(mechanism, xor(proof, signature)), storedKey);
}

export function serverSignature(mechanism: ScramMechanism, serverKey: Buffer, authMessage: string): Buffer {
  return hmac(mechanism, serverKey, authMessage);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Base64 as RFC 4648 writes it, or undefined. Node's decoder stops at padding and skips junk, which
 * would let text trail a proof or a signature; both sides of SCRAM decode with this.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** The client's check of server-final-message: exactly `v=<base64 ServerSignature>` (an `e=` is a refusal). */
export function serverFinalMatches(mechanism: ScramMechanism, serverKey: Buffer, authMessage: string, serverFinal: string): boolean {
  if (!serverFinal.startsWith('v=')) return false;
  const got = decodeBase64Strict(serverFinal.slice(2));
  const expected = serverSignature(mechanism, serverKey, authMessage);
  return got !== undefined && got.length === expected.length && timingSafeEqual(got, expected);
}

/** `k=v,k=v`: attribute names are one letter; values may hold '=' but not ','. The first of a name wins. */
export function parseAttributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of s.split(',')) {
    if (part.length < 2 || part[1] !== '=') continue;
    if (!out.has(part[0]!)) out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** saslname: ',' is sent as =2C and '=' as =3D. */
export function escapeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The inverse of escapeName; undefined for any other '=' escape. */
export function unescapeName(s: string): string | undefined {
  let bad = false;
  const out = s.replace(/=(2C|3D|.{0,2})/g, (_m, code: string) => {
    if (code === '2C') return ',';
    if (code === '3D') return '=';
    bad = true;
    return '';
  });
  return bad ? undefined : out;
}
