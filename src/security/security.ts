/**
 * The broker's security services: per listener the SASL mechanisms and PLAIN users, the SCRAM
 * credential store, the authorizer (when `authorizer.class.name` is set), and the certificate-subject
 * mapping for mTLS. Built once at start-up from config; a bad setting fails the start.
 */
import type { StorageFs } from '../storage/fs.js';
import { SecurityConfigError, type ListenerSettings, type ListenerSpec } from './listeners.js';
import { isKnownMechanism, type SaslServer } from './sasl/mechanism.js';
import { PlainServer, plainUsersFromJaas } from './sasl/plain.js';
import { ScramServer } from './sasl/scram.js';
import { OAuthBearerServer, unsecuredJwsValidator, type OAuthBearerValidator } from './sasl/oauthbearer.js';
import { ScramCredentialStore } from './scram-credentials.js';
import { Authorizer } from './authorizer.js';
import { PrincipalMapper } from './principal.js';
import { PasswordCheck } from './password-check.js';
import { assert } from '../invariant.js';

export const AUTHORIZER_CLASS_NAMES: ReadonlySet<string> = new Set([
  'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'kafka.security.authorizer.AclAuthorizer',
]);

export interface SecurityOptions {
  /** Replaces the unsecured (development-only) OAUTHBEARER validator. */
  oauthBearerValidator?: OAuthBearerValidator;
}

interface ListenerSecurity {
  mechanisms: string[];
  plainUsers: Map<string, string>;
  principalMapper: PrincipalMapper;
  reauthMs: number;
  preAuthFrameBytesMax: number;
}

export class Security {
  private readonly perListener = new Map<string, ListenerSecurity>();
  /** Names of listeners the broker adds for itself (not in `listeners`): their PLAIN users are no one's login. */
  private readonly internal = new Set<string>();
  /** Name and password checks outside SASL (HTTP Basic), against the PLAIN users and SCRAM credentials. */
  readonly passwords: PasswordCheck;

  private constructor(
    readonly credentials: ScramCredentialStore,
    readonly authorizer: Authorizer | undefined,
    private readonly oauthValidator: OAuthBearerValidator,
  ) {
    this.passwords = new PasswordCheck(credentials, () => [...this.perListener].filter(([name]) => !this.internal.has(name)).map(([, l]) => l.plainUsers));
  }

  static open(listeners: readonly ListenerSpec[], settings: ListenerSettings, fs: StorageFs, dataDir: string, options: SecurityOptions = {}): Security {
    const global = (name: string): string => settings('', name) ?? '';
    const authorizerClass = global('authorizer.class.name').trim();
    if (authorizerClass !== '' && !AUTHORIZER_CLASS_NAMES.has(authorizerClass)) {
      throw new SecurityConfigError(`authorizer.class.name: ${authorizerClass} is not supported (use org.apache.kafka.metadata.authorizer.StandardAuthorizer)`);
    }
    const authorizer = authorizerClass === '' ? undefined : Authorizer.open(fs, dataDir, {
      superUsers: global('super.users').split(';').map((s) => s.trim()).filter((s) => s !== ''),
      allowEveryoneIfNoAclFound: global('allow.everyone.if.no.acl.found') === 'true',
    });
    const security = new Security(ScramCredentialStore.open(fs, dataDir), authorizer, options.oauthBearerValidator ?? unsecuredJwsValidator);
    for (const l of listeners) {
      const get = (name: string): string => settings(l.name, name) ?? '';
      const mechanisms = get('sasl.enabled.mechanisms').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
      for (const m of mechanisms) {
        if (!isKnownMechanism(m)) throw new SecurityConfigError(`sasl.enabled.mechanisms: ${m} is not supported (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER)`);
      }
      const jaas = settings(l.name, 'plain.sasl.jaas.config') ?? get('sasl.jaas.config');
      security.perListener.set(l.name, {
        mechanisms,
        plainUsers: plainUsersFromJaas(jaas),
        principalMapper: new PrincipalMapper(get('ssl.principal.mapping.rules') || 'DEFAULT'),
        reauthMs: Number(get('connections.max.reauth.ms') || '0'),
        preAuthFrameBytesMax: Number(get('sasl.server.max.receive.size') || '524288'),
      });
    }
    return security;
  }

  /**
   * A loopback listener of the broker's own (the HTTP listener's REST consumer instances): SASL/PLAIN
   * only, its users the live map given (user → a secret the broker minted, never a user's password).
   */
  addInternalListener(name: string, plainUsers: Map<string, string>): void {
    assert(!this.perListener.has(name), () => `listener ${name} exists`);
    this.internal.add(name);
    this.perListener.set(name, { mechanisms: ['PLAIN'], plainUsers, principalMapper: new PrincipalMapper('DEFAULT'), reauthMs: 0, preAuthFrameBytesMax: 524288 });
  }

  private listener(name: string): ListenerSecurity {
    const l = this.perListener.get(name);
    assert(l !== undefined, () => `no security settings for listener ${name}`);
    return l;
  }

  enabledMechanisms(listener: string): string[] {
    return this.listener(listener).mechanisms;
  }

  /** A server for one exchange, or undefined when the mechanism is not enabled on the listener. */
  saslServer(listener: string, mechanism: string): SaslServer | undefined {
    if (!this.listener(listener).mechanisms.includes(mechanism)) return undefined;
    switch (mechanism) {
      case 'PLAIN': return new PlainServer(this.listener(listener).plainUsers);
      case 'SCRAM-SHA-256':
      case 'SCRAM-SHA-512': return new ScramServer(mechanism, this.credentials);
      case 'OAUTHBEARER': return new OAuthBearerServer(this.oauthValidator);
      default: return undefined;
    }
  }

  principalForCertificate(listener: string, subjectRfc2253: string): string {
    return `User:${this.listener(listener).principalMapper.map(subjectRfc2253)}`;
  }

  reauthMs(listener: string): number {
    return this.listener(listener).reauthMs;
  }

  preAuthFrameBytesMax(listener: string): number {
    return this.listener(listener).preAuthFrameBytesMax;
  }
}
