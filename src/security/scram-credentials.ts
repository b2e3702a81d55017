/**
 * SCRAM credentials (RFC 5802), stored salted: per user and mechanism the salt, the iteration count,
 * StoredKey = H(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key").
 * Neither the password nor the salted password is kept. Persisted as one JSON file written atomically:
 *   <data dir>/~security/scram-credentials.json
 *   {"version":1,"users":{"<user>":{"SCRAM-SHA-512":{"salt","storedKey","serverKey" (base64),"iterations"}}}}
 * ('~' cannot start a topic name, so the directory is never taken for a topic.) The SCRAM math is src/protocol/scram.ts.
 */
import { randomBytes } from 'node:crypto';
import { writeFileAtomic, type StorageFs } from '../storage/fs.js';
import { MinikafkaError } from '../protocol/errors.js';
import { SCRAM_ITERATIONS_MIN, saltedPassword, serverKeys, type ScramMechanism } from '../protocol/scram.js';

export const SECURITY_DIR = '~security';
const FILE = 'scram-credentials.json';

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

/** The stored form from a salted password (what AlterUserScramCredentials carries). */
export function credentialFromSalted(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  return { salt, iterations, ...serverKeys(mechanism, salted) };
}

export function newCredential(mechanism: ScramMechanism, password: string, iterations = SCRAM_ITERATIONS_MIN): ScramCredential {
  const salt = randomBytes(32);
  return credentialFromSalted(mechanism, saltedPassword(mechanism, password, salt, iterations), salt, iterations);
}

export class CredentialStoreError extends MinikafkaError {
  constructor(message: string) {
    super('CORRUPT_CREDENTIALS', message);
  }
}

export class ScramCredentialStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();

  private constructor(private readonly fs: StorageFs, private readonly dir: string) {}

  /** Loads the store; a file that does not parse is an error (credentials are never silently dropped). */
  static open(fs: StorageFs, dataDir: string): ScramCredentialStore {
    const store = new ScramCredentialStore(fs, `${dataDir}/${SECURITY_DIR}`);
    const path = `${store.dir}/${FILE}`;
    if (!fs.exists(path)) return store;
    let doc: { version?: number; users?: Record<string, Record<string, { salt: string; storedKey: string; serverKey: string; iterations: number }>> };
    try {
      doc = JSON.parse(fs.readFile(path).toString('utf8'));
    } catch (err) {
      throw new CredentialStoreError(`${path}: ${(err as Error).message}`);
    }
    if (doc.version !== 1 || typeof doc.users !== 'object' || doc.users === null) throw new CredentialStoreError(`${path}: not a version 1 credentials file`);
    for (const [user, mechs] of Object.entries(doc.users)) {
      for (const [mech, c] of Object.entries(mechs)) {
        if ((mech !== 'SCRAM-SHA-256' && mech !== 'SCRAM-SHA-512') || typeof c?.salt !== 'string' || typeof c.storedKey !== 'string'
          || typeof c.serverKey !== 'string' || !Number.isInteger(c.iterations)) {
          throw new CredentialStoreError(`${path}: bad entry for a user`);
        }
        store.put(user, mech, {
          salt: Buffer.from(c.salt, 'base64'), storedKey: Buffer.from(c.storedKey, 'base64'),
          serverKey: Buffer.from(c.serverKey, 'base64'), iterations: c.iterations,
        });
      }
    }
    return store;
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  /** Users and their mechanisms with iteration counts, sorted by user. */
  list(): { user: string; mechanisms: { mechanism: ScramMechanism; iterations: number }[] }[] {
    return [...this.users.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([user, m]) => ({
      user, mechanisms: [...m.entries()].map(([mechanism, c]) => ({ mechanism, iterations: c.iterations })),
    }));
  }

  has(user: string): boolean {
    return this.users.has(user);
  }

  /** Users with at least one credential. */
  get size(): number {
    return this.users.size;
  }

  /** Sets without persisting: call save() after a batch of changes. */
  put(user: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    let m = this.users.get(user);
    if (m === undefined) this.users.set(user, (m = new Map()));
    m.set(mechanism, credential);
  }

  /** Removes without persisting; false when there was nothing to remove. */
  remove(user: string, mechanism: ScramMechanism): boolean {
    const m = this.users.get(user);
    if (m === undefined || !m.delete(mechanism)) return false;
    if (m.size === 0) this.users.delete(user);
    return true;
  }

  /** Writes the whole store atomically (fsynced): a crash leaves the old or the new file. */
  save(): void {
    const users: Record<string, Record<string, object>> = {};
    for (const [user, m] of this.users) {
      users[user] = {};
      for (const [mech, c] of m) {
        users[user]![mech] = { salt: c.salt.toString('base64'), storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64'), iterations: c.iterations };
      }
    }
    this.fs.mkdir(this.dir);
    writeFileAtomic(this.fs, `${this.dir}/${FILE}`, JSON.stringify({ version: 1, users }));
  }
}
