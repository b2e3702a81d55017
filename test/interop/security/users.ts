/** Test helpers shared by the security interop suites. */
import assert from 'node:assert/strict';
import { WireClient } from '../../broker/wire-client.js';
import { saltedPassword } from '../../../src/protocol/scram.js';
import { ApiKey } from '../../../src/protocol/generated/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { startTestBroker, type TestBroker } from '../../broker/harness.js';
import { makeTestPki, type TestPki } from '../../security/certs.js';

/** The way an operator adds a user: AlterUserScramCredentials with the salted password, both mechanisms. */
export async function addScramUser(bootstrapServer: string, user: string, password: string): Promise<void> {
  const c = await WireClient.connect(bootstrapServer);
  const salt = Buffer.from('0123456789abcdef');
  const res = await c.request(ApiKey.AlterUserScramCredentials, 0, {
    deletions: [],
    upsertions: (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).map((m, i) => ({
      name: user, mechanism: i + 1, iterations: 4096, salt, saltedPassword: saltedPassword(m, password, salt, 4096),
    })),
  });
  c.close();
  assert.equal(res.results[0].errorCode, ErrorCode.NONE);
}


/** The three modes every client suite runs, on one broker: mTLS, SASL_PLAINTEXT with PLAIN, SASL_SSL with SCRAM-SHA-512. */
export interface SecuredBroker {
  broker: TestBroker;
  pki: TestPki;
  /** The bootstrap address of the listener named SSL (mTLS, ssl.client.auth=required), SASL_PLAINTEXT or SASL_SSL. */
  at(listener: 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'): string;
  /** A client certificate the broker trusts (subject CN=<name>,O=acme). */
  clientCert: { key: string; cert: string; keyPath: string; certPath: string };
  plain: { user: string; password: string };
  scram: { user: string; password: string };
  close(): Promise<void>;
}

export async function startSecuredBroker(name: string): Promise<SecuredBroker> {
  const pki = makeTestPki();
  const plain = { user: `${name}-plain`, password: `${name}-plain-secret` };
  const scram = { user: `${name}-scram`, password: `${name}-scram-secret` };
  const broker = await startTestBroker({
    'listeners': 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': pki.brokerKeystore,
    'ssl.truststore.location': pki.caCert,
    'listener.name.ssl.ssl.client.auth': 'required',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${plain.user}="${plain.password}";`,
    'connection.failed.authentication.delay.ms': 10,
  });
  await addScramUser(broker.bootstrap, scram.user, scram.password);
  return {
    broker, pki, plain, scram,
    at: (listener) => broker.listeners.find((l) => l.name === listener)!.bootstrap,
    clientCert: pki.client(`/O=acme/CN=${name}`),
    async close() {
      await broker.close();
      pki.remove();
    },
  };
}
