/**
 * Client security for every CLI command: `--command-config FILE` reads a Kafka client properties file
 * as Kafka's tools do (security.protocol, sasl.mechanism, sasl.jaas.config or sasl.username/password,
 * ssl.truststore.location or ssl.ca.location, ssl.keystore.location or ssl.certificate.location +
 * ssl.key.location, PEM only); the flags below override it.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { readPropertiesFile } from '../broker/config.js';
import type { ClientOptions, SaslOptions } from '../client/index.js';
import { UsageError, option, type ParsedArgs } from './args.js';
import type { OptionSpec } from './command.js';

export const securityOptions: OptionSpec[] = [
  { name: 'command-config', arg: 'FILE', help: 'Kafka client properties (security.protocol, sasl.*, ssl.*), as Kafka\'s tools take' },
  { name: 'security-protocol', arg: 'P', help: 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL' },
  { name: 'sasl-mechanism', arg: 'M', help: 'PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER' },
  { name: 'sasl-username', arg: 'U', help: 'SASL user (PLAIN, SCRAM)' },
  { name: 'sasl-password', arg: 'P', help: 'SASL password (or $MINIKAFKA_SASL_PASSWORD)' },
  { name: 'ssl-ca', arg: 'FILE', help: 'CA certificates (PEM) that the broker\'s certificate must chain to' },
];

/** `ssl` and `sasl` client options from the properties file and the flags; empty when neither says anything. */
export function securityClientOptions(args: ParsedArgs): Pick<ClientOptions, 'ssl' | 'sasl'> {
  const file = option(args, 'command-config');
  const props: Record<string, string> = file === undefined ? {} : readPropertiesFile(file);
  const protocol = (option(args, 'security-protocol') ?? props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) throw new UsageError(`unknown security protocol '${protocol}'`);
  const out: Pick<ClientOptions, 'ssl' | 'sasl'> = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const tls: TlsOptions = {};
    const ca = option(args, 'ssl-ca') ?? props['ssl.truststore.location'] ?? props['ssl.ca.location'];
    if (ca !== undefined) tls.ca = readFileSync(ca);
    const keystore = props['ssl.keystore.location'];
    if (keystore !== undefined) tls.key = tls.cert = readFileSync(keystore);
    if (props['ssl.certificate.location'] !== undefined) tls.cert = readFileSync(props['ssl.certificate.location']);
    if (props['ssl.key.location'] !== undefined) tls.key = readFileSync(props['ssl.key.location']);
    const keyPassword = props['ssl.key.password'];
    if (keyPassword !== undefined) tls.passphrase = keyPassword;
    out.ssl = tls;
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') out.sasl = sasl(args, props);
  return out;
}

function sasl(args: ParsedArgs, props: Record<string, string>): SaslOptions {
  const mechanism = (option(args, 'sasl-mechanism') ?? props['sasl.mechanism'] ?? props['sasl.mechanisms'] ?? 'PLAIN').toUpperCase();
  const jaas = props['sasl.jaas.config'] ?? '';
  const fromJaas = (key: string): string | undefined => new RegExp(`\\b${key}\\s*=\\s*"((?:\\\\.|[^"\\\\])*)"`).exec(jaas)?.[1];
  if (mechanism === 'OAUTHBEARER') {
    const token = props['sasl.oauthbearer.token'] ?? process.env['MINIKAFKA_OAUTHBEARER_TOKEN'];
    if (token === undefined) throw new UsageError('OAUTHBEARER needs sasl.oauthbearer.token in --command-config or $MINIKAFKA_OAUTHBEARER_TOKEN');
    return { mechanism: 'oauthbearer', token };
  }
  const username = option(args, 'sasl-username') ?? props['sasl.username'] ?? fromJaas('username');
  const password = option(args, 'sasl-password') ?? process.env['MINIKAFKA_SASL_PASSWORD'] ?? props['sasl.password'] ?? fromJaas('password');
  if (username === undefined || password === undefined) throw new UsageError(`SASL ${mechanism} needs a user name and password (--sasl-username, --sasl-password, or --command-config)`);
  const m = mechanism.toLowerCase();
  if (m !== 'plain' && m !== 'scram-sha-256' && m !== 'scram-sha-512') throw new UsageError(`unsupported SASL mechanism '${mechanism}'`);
  return { mechanism: m, username, password };
}
