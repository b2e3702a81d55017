/** Throwaway certificates made with openssl at test time: a CA, a broker certificate for 127.0.0.1/localhost, client certificates. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caCert: string;
  /** Broker key + chain in one PEM file (Kafka's ssl.keystore.type=PEM with ssl.keystore.location). */
  brokerKeystore: string;
  brokerKey: string;
  brokerCert: string;
  /** Issues a client certificate with the subject, e.g. '/O=acme/CN=alice'. */
  client(subject: string): { key: string; cert: string; keyPath: string; certPath: string };
  /** A certificate from another CA (not trusted by the broker). */
  foreign(subject: string): { key: string; cert: string };
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'minikafka-pki-'));
  const rsa = ['-newkey', 'rsa:2048', '-nodes'];
  openssl(['req', '-x509', ...rsa, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=minikafka test CA'], dir);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['req', ...rsa, '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=localhost'], dir);
  openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.pem', '-days', '2', '-extfile', 'san.ext'], dir);
  const brokerKey = join(dir, 'broker.key');
  const brokerCert = join(dir, 'broker.pem');
  const brokerKeystore = join(dir, 'broker-keystore.pem');
  writeFileSync(brokerKeystore, readFileSync(brokerKey, 'utf8') + readFileSync(brokerCert, 'utf8'));
  let n = 0;
  const issue = (subject: string, ca: string, caKey: string) => {
    const name = `client${n++}`;
    openssl(['req', ...rsa, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2'], dir);
    const keyPath = join(dir, `${name}.key`);
    const certPath = join(dir, `${name}.pem`);
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), keyPath, certPath };
  };
  let foreignReady = false;
  return {
    dir, caCert: join(dir, 'ca.pem'), brokerKeystore, brokerKey, brokerCert,
    client: (subject) => issue(subject, 'ca.pem', 'ca.key'),
    foreign(subject) {
      if (!foreignReady) {
        openssl(['req', '-x509', ...rsa, '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', '-subj', '/CN=other CA'], dir);
        foreignReady = true;
      }
      return issue(subject, 'other-ca.pem', 'other-ca.key');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
