/**
 * The security configs, under Kafka's names. Each may also be set per listener as
 * `listener.name.<listener>.<config>` (listener names lower-cased, as Kafka does), and SASL's JAAS
 * config per listener and mechanism as `listener.name.<listener>.<mechanism>.sasl.jaas.config`.
 */

export const securityConfigDefs = {
  'listener.security.protocol.map': { kind: 'string', default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', doc: 'Listener name to security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)' },
  'ssl.keystore.type': { kind: 'string', default: 'PEM', doc: 'PEM (key and certificate chain in PEM) or PKCS12 (ssl.keystore.location, ssl.keystore.password); JKS is not supported' },
  'ssl.keystore.location': { kind: 'string', default: '', doc: 'File with the private key and certificate chain (PEM), or a PKCS12 file' },
  'ssl.keystore.password': { kind: 'password', default: '', doc: 'Password of a PKCS12 keystore' },
  'ssl.keystore.key': { kind: 'password', default: '', doc: 'Private key in PEM, inline (instead of ssl.keystore.location)' },
  'ssl.keystore.certificate.chain': { kind: 'string', default: '', doc: 'Certificate chain in PEM, inline (with ssl.keystore.key)' },
  'ssl.key.password': { kind: 'password', default: '', doc: 'Password of an encrypted private key' },
  'ssl.truststore.type': { kind: 'string', default: 'PEM', doc: 'PEM only: CA certificates that client certificates must chain to' },
  'ssl.truststore.location': { kind: 'string', default: '', doc: 'File with the CA certificates (PEM) trusted for client certificates' },
  'ssl.truststore.certificates': { kind: 'string', default: '', doc: 'CA certificates in PEM, inline' },
  'ssl.client.auth': { kind: 'string', default: 'none', doc: 'Client certificates on SSL listeners: none, requested or required (mTLS)' },
  'ssl.principal.mapping.rules': { kind: 'string', default: 'DEFAULT', doc: 'Maps a client certificate subject (RFC 2253) to a principal name: DEFAULT, or RULE:pattern/replacement/[LU] rules as Kafka' },
  'sasl.enabled.mechanisms': { kind: 'string', default: 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512', doc: 'SASL mechanisms served on SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER (Kafka default: GSSAPI, which minikafka does not have)' },
  'sasl.jaas.config': { kind: 'password', default: '', doc: 'PLAIN users as Kafka\'s JAAS line: org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";' },
  'sasl.server.max.receive.size': { kind: 'int', default: '524288', doc: 'Largest frame accepted before authentication completes' },
  'connection.failed.authentication.delay.ms': { kind: 'int', default: '100', doc: 'A failed authentication is answered after this delay, then the connection closes' },
  'connections.max.reauth.ms': { kind: 'long', default: '0', doc: 'SASL session lifetime told to clients (KIP-368); an expired session is closed at its next request. 0: no expiry' },
  'authorizer.class.name': { kind: 'string', default: '', doc: 'org.apache.kafka.metadata.authorizer.StandardAuthorizer (or kafka.security.authorizer.AclAuthorizer) turns ACLs on; empty: everything allowed' },
  'super.users': { kind: 'string', default: '', doc: 'Principals allowed everything, separated by ;, e.g. User:admin;User:CN=ops' },
  'allow.everyone.if.no.acl.found': { kind: 'bool', default: 'false', doc: 'With ACLs on: allow access to a resource no ACL names' },
} as const;

export const SENSITIVE_CONFIGS: ReadonlySet<string> = new Set(
  Object.entries(securityConfigDefs).filter(([, d]) => d.kind === 'password').map(([n]) => n),
);

/** Settings names Kafka lets a listener override. */
const LISTENER_SCOPED = new Set([
  'ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.keystore.key', 'ssl.keystore.certificate.chain',
  'ssl.key.password', 'ssl.truststore.type', 'ssl.truststore.location', 'ssl.truststore.certificates', 'ssl.client.auth',
  'ssl.principal.mapping.rules', 'sasl.enabled.mechanisms', 'connections.max.reauth.ms', 'sasl.server.max.receive.size',
]);

export function isListenerConfigName(name: string): boolean {
  const m = /^listener\.name\.([A-Za-z0-9_-]+)\.(.+)$/.exec(name);
  if (m === null) return false;
  const rest = m[2]!;
  return LISTENER_SCOPED.has(rest) || /^[A-Za-z0-9-]+\.sasl\.jaas\.config$/.test(rest);
}

/** Config names whose values never leave the broker (DescribeConfigs answers them as null, sensitive). */
export function isSensitiveConfig(name: string): boolean {
  return SENSITIVE_CONFIGS.has(name) || name.endsWith('sasl.jaas.config') || name.endsWith('.password');
}
