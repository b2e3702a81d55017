/**
 * `minikafka start --tls-self-signed`: a throwaway CA and a broker certificate (for localhost and
 * 127.0.0.1) made with openssl into `<data dir>/~security/tls/`, reused on later starts. For
 * development only: the CA key sits next to the data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecurityConfigError } from './listeners.js';
import { SECURITY_DIR } from './scram-credentials.js';

export interface SelfSignedFiles {
  /** The CA certificate clients trust. */
  caCert: string;
  /** Broker key and certificate chain in one PEM file (ssl.keystore.location). */
  keystore: string;
}

export function ensureSelfSignedCertificates(dataDir: string, hostnames: readonly string[] = ['localhost']): SelfSignedFiles {
  const dir = join(dataDir, SECURITY_DIR, 'tls');
  const files = { caCert: join(dir, 'ca.crt'), keystore: join(dir, 'broker.pem') };
  if (existsSync(files.caCert) && existsSync(files.keystore)) return files;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const run = (args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    } catch (err) {
      throw new SecurityConfigError(`--tls-self-signed needs openssl: ${((err as Error).message ?? '').slice(0, 200)}`);
    }
  };
  const san = ['DNS:localhost', 'IP:127.0.0.1', ...hostnames.filter((h) => h !== 'localhost').map((h) => (/^[\d.]+$/.test(h) ? `IP:${h}` : `DNS:${h}`))];
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=${[...new Set(san)].join(',')}\n`);
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '825', '-subj', '/CN=minikafka development CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'broker.key', '-out', 'broker.csr']);
  run(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '825', '-extfile', 'san.ext', '-out', 'broker.crt']);
  writeFileSync(files.keystore, readFileSync(join(dir, 'broker.key'), 'utf8') + readFileSync(join(dir, 'broker.crt'), 'utf8'), { mode: 0o600 });
  return files;
}
