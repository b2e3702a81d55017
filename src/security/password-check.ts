/**
 * Checks a user's name and password outside SASL (HTTP Basic on the REST proxy and console), against
 * the same users a Kafka client logs in as: PLAIN users of the JAAS config, compared in constant time
 * (as PlainServer does), and SCRAM credentials, verified as a SCRAM login would: the password is salted
 * with the stored salt and iterations, and H(HMAC(SaltedPassword, "Client Key")) must equal StoredKey.
 * Passwords are neither kept nor logged. The salting (PBKDF2, thousands of iterations) runs on libuv's
 * thread pool, never on the event loop; an unknown user costs a salting too, so timing does not say
 * whether a user exists. A success is remembered for a minute under a keyed digest (a random key of
 * this process; never the password), tied to the credential it matched: a changed or removed
 * credential ends it at once.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ScramCredential, ScramCredentialStore } from './scram-credentials.js';
import { hashName, SCRAM_ITERATIONS_MIN, serverKeys, type ScramMechanism } from '../protocol/scram.js';
import { userPrincipal } from './principal.js';

const pbkdf2Async = promisify(pbkdf2);
const MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256'];
const REMEMBERED_MS = 60_000;
const REMEMBERED_MAX = 1024;
/** Longer names or passwords are refused without work (Kafka's SCRAM and PLAIN tokens are at most 4 KiB). */
const FIELD_BYTES_MAX = 1024;

export class PasswordCheck {
  private readonly cacheKey = randomBytes(32);
  private readonly remembered = new Map<string, { credential: ScramCredential; user: string; mechanism: ScramMechanism; untilMs: number }>();
  private readonly dummySalt = randomBytes(32);

  /** `plainUsers`: user → password of every listener's JAAS config (a user may appear on several). */
  constructor(private readonly credentials: ScramCredentialStore, private readonly plainUsers: () => Iterable<ReadonlyMap<string, string>>) {}

  /** Whether any user could log in (PLAIN users configured, or SCRAM credentials stored). */
  hasUsers(): boolean {
    if (this.credentials.size > 0) return true;
    for (const users of this.plainUsers()) if (users.size > 0) return true;
    return false;
  }

  /** The principal (`User:<name>`) when the password is right, else undefined. */
  async verify(user: string, password: string): Promise<string | undefined> {
    if (user === '' || password === '' || Buffer.byteLength(user) > FIELD_BYTES_MAX || Buffer.byteLength(password) > FIELD_BYTES_MAX) return undefined;
    let plainOk = false;
    for (const users of this.plainUsers()) {
      const expected = users.get(user);
      // Every listener's entry is compared (no early exit), as digests: equal lengths, constant time.
      if (expected !== undefined && timingSafeEqual(digest(expected), digest(password))) plainOk = true;
    }
    if (plainOk) return userPrincipal(user);
    const key = createHmac('sha256', this.cacheKey).update(user).update('\u0000').update(password).digest('base64');
    const hit = this.remembered.get(key);
    if (hit !== undefined && hit.untilMs > Date.now() && this.credentials.get(hit.user, hit.mechanism) === hit.credential) return userPrincipal(user);
    if (hit !== undefined) this.remembered.delete(key);
    let found = false;
    for (const mechanism of MECHANISMS) {
      const credential = this.credentials.get(user, mechanism);
      if (credential === undefined) continue;
      found = true;
      if (await matches(mechanism, credential, password)) {
        this.remember(key, { credential, user, mechanism, untilMs: Date.now() + REMEMBERED_MS });
        return userPrincipal(user);
      }
    }
    // An unknown user is salted too: as slow as a wrong password.
    if (!found) await pbkdf2Async(password, this.dummySalt, SCRAM_ITERATIONS_MIN, 64, 'sha512');
    return undefined;
  }

  private remember(key: string, entry: { credential: ScramCredential; user: string; mechanism: ScramMechanism; untilMs: number }): void {
    if (this.remembered.size >= REMEMBERED_MAX) {
      const now = Date.now();
      for (const [k, e] of this.remembered) if (e.untilMs <= now) this.remembered.delete(k);
      // Still full: the oldest entry goes (Maps iterate in insertion order).
      if (this.remembered.size >= REMEMBERED_MAX) this.remembered.delete(this.remembered.keys().next().value!);
    }
    this.remembered.set(key, entry);
  }
}

/** The SCRAM check of a password against a stored credential (RFC 5802: StoredKey = H(ClientKey)). */
export async function matches(mechanism: ScramMechanism, credential: ScramCredential, password: string): Promise<boolean> {
  const hash = hashName(mechanism);
  const salted = await pbkdf2Async(Buffer.from(password.normalize('NFKC'), 'utf8'), credential.salt, credential.iterations, hash === 'sha256' ? 32 : 64, hash);
  const derived = serverKeys(mechanism, salted);
  return derived.storedKey.length === credential.storedKey.length && timingSafeEqual(derived.storedKey, credential.storedKey);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
