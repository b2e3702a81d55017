/**
 * Listeners as Kafka configures them: `listeners=NAME://host:port,...`, each name mapped to a security
 * protocol by `listener.security.protocol.map` (the four standard names map to themselves), each with
 * its own `advertised.listeners` entry, and its TLS settings from `listener.name.<name>.ssl.*` or the
 * broker-wide `ssl.*`. Node reads PEM (and PKCS12); Java keystores (JKS) are not supported.
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { MinikafkaError } from '../protocol/errors.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
const PROTOCOLS: ReadonlySet<string> = new Set(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);

export class SecurityConfigError extends MinikafkaError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

/** Reads one setting for a listener: its `listener.name.<name>.` override, else the broker-wide value. */
export type ListenerSettings = (listenerName: string, config: string) => string | undefined;

export interface ListenerSpec {
  /** As written in `listeners`, upper case (PLAINTEXT, SASL_SSL, or a custom name such as CLIENT). */
  name: string;
  protocol: SecurityProtocol;
  host: string;
  port: number;
  /** Set for SSL and SASL_SSL. */
  tls?: TlsServerSettings;
}

export interface TlsServerSettings {
  secureContext: SecureContextOptions;
  clientAuth: 'none' | 'requested' | 'required';
}

export function isSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

export function isTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

/** `NAME://host:port` entries; an empty host means every interface, as in Kafka. */
export function parseListenerList(value: string, configName: string): { name: string; host: string; port: number }[] {
  const out: { name: string; host: string; port: number }[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^(?:([A-Za-z0-9_]+):\/\/)?(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(entry);
    if (m === null) throw new SecurityConfigError(`${configName}: cannot parse '${entry}' (expected NAME://host:port)`);
    const name = (m[1] ?? 'PLAINTEXT').toUpperCase();
    if (out.some((l) => l.name === name)) throw new SecurityConfigError(`${configName}: listener name ${name} appears twice`);
    const host = m[2]!.replace(/^\[|\]$/g, '');
    out.push({ name, host: host === '' ? '0.0.0.0' : host, port: Number(m[3]) });
  }
  if (out.length === 0) throw new SecurityConfigError(`${configName}: no listener`);
  return out;
}

export function parseProtocolMap(value: string): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [name, protocol] = entry.split(':').map((s) => s.trim().toUpperCase());
    if (name === undefined || protocol === undefined || !PROTOCOLS.has(protocol)) {
      throw new SecurityConfigError(`listener.security.protocol.map: cannot parse '${entry}' (expected NAME:PROTOCOL)`);
    }
    map.set(name, protocol as SecurityProtocol);
  }
  return map;
}

export function listenerSpecs(listeners: string, protocolMap: string, settings: ListenerSettings): ListenerSpec[] {
  const map = parseProtocolMap(protocolMap);
  return parseListenerList(listeners, 'listeners').map(({ name, host, port }) => {
    const protocol = map.get(name);
    if (protocol === undefined) throw new SecurityConfigError(`listener ${name} has no entry in listener.security.protocol.map`);
    const spec: ListenerSpec = { name, protocol, host, port };
    if (isTls(protocol)) spec.tls = tlsSettings(name, (c) => settings(name, c) ?? '');
    return spec;
  });
}

function tlsSettings(listener: string, get: (config: string) => string): TlsServerSettings {
  const where = `listener ${listener}`;
  const ctx: SecureContextOptions = {};
  const type = get('ssl.keystore.type').toUpperCase();
  const location = get('ssl.keystore.location');
  const keyPassword = get('ssl.key.password');
  if (type === 'PKCS12') {
    if (location === '') throw new SecurityConfigError(`${where}: ssl.keystore.type=PKCS12 needs ssl.keystore.location`);
    ctx.pfx = readFile(location, 'ssl.keystore.location');
    ctx.passphrase = get('ssl.keystore.password');
  } else if (type === 'PEM') {
    if (location !== '') {
      // Kafka's PEM keystore file: the private key and the certificate chain in one file.
      const pem = readFile(location, 'ssl.keystore.location').toString('utf8');
      ctx.key = pem;
      ctx.cert = pem;
    } else {
      const key = get('ssl.keystore.key');
      const chain = get('ssl.keystore.certificate.chain');
      if (key === '' || chain === '') {
        throw new SecurityConfigError(`${where}: an SSL listener needs ssl.keystore.location, or ssl.keystore.key with ssl.keystore.certificate.chain`);
      }
      ctx.key = key;
      ctx.cert = chain;
    }
    if (keyPassword !== '') ctx.passphrase = keyPassword;
  } else {
    throw new SecurityConfigError(`${where}: ssl.keystore.type ${type} is not supported (PEM or PKCS12)`);
  }
  const trustType = get('ssl.truststore.type').toUpperCase();
  if (trustType !== 'PEM') throw new SecurityConfigError(`${where}: ssl.truststore.type ${trustType} is not supported (PEM)`);
  const trustLocation = get('ssl.truststore.location');
  const trustInline = get('ssl.truststore.certificates');
  if (trustLocation !== '') ctx.ca = readFile(trustLocation, 'ssl.truststore.location');
  else if (trustInline !== '') ctx.ca = trustInline;
  const clientAuth = get('ssl.client.auth').toLowerCase();
  if (clientAuth !== 'none' && clientAuth !== 'requested' && clientAuth !== 'required') {
    throw new SecurityConfigError(`${where}: ssl.client.auth must be none, requested or required, got '${clientAuth}'`);
  }
  if (clientAuth !== 'none' && ctx.ca === undefined) {
    throw new SecurityConfigError(`${where}: ssl.client.auth=${clientAuth} needs ssl.truststore.location or ssl.truststore.certificates`);
  }
  return { secureContext: ctx, clientAuth };
}

function readFile(path: string, config: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new SecurityConfigError(`${config}: cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
