/**
 * Principals as Kafka names them: `User:<name>`. PLAINTEXT and SSL without a client certificate are
 * `User:ANONYMOUS`; SASL gives the authenticated user name; mTLS the certificate subject in RFC 2253
 * form (`CN=alice,OU=eng,O=acme`), mapped by `ssl.principal.mapping.rules` as Kafka does.
 */
import { SecurityConfigError } from './listeners.js';

export const ANONYMOUS = 'User:ANONYMOUS';

export function userPrincipal(name: string): string {
  return `User:${name}`;
}

/**
 * Node's X509Certificate.subject lists the RDNs one per line in certificate order; RFC 2253 writes
 * them most specific first, comma-separated, with `,+"\<>;` escaped.
 */
export function rfc2253(subject: string): string {
  return subject.split('\n').filter((l) => l !== '').reverse().map((rdn) => {
    const eq = rdn.indexOf('=');
    if (eq < 0) return rdn;
    return `${rdn.slice(0, eq)}=${rdn.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1')}`;
  }).join(',');
}

interface Rule {
  pattern: RegExp;
  replacement: string;
  toCase: '' | 'L' | 'U';
}

/** `DEFAULT`, or `RULE:pattern/replacement/[LU]` entries separated by commas or newlines (operator-written, trusted). */
export class PrincipalMapper {
  private readonly rules: (Rule | 'DEFAULT')[] = [];

  constructor(spec: string) {
    const re = /\s*(DEFAULT|RULE:((?:\\.|[^\\/])+)\/((?:\\.|[^\\/])*)\/([LU]?))\s*(?:,|\n|$)/gy;
    let m: RegExpExecArray | null;
    let at = 0;
    while (at < spec.length && (m = re.exec(spec)) !== null) {
      if (m[1] === 'DEFAULT') this.rules.push('DEFAULT');
      else this.rules.push({ pattern: new RegExp(`^(?:${m[2]!})$`), replacement: m[3]!, toCase: m[4] as Rule['toCase'] });
      at = re.lastIndex;
      if (m[0] === '') break;
    }
    if (at < spec.trim().length || this.rules.length === 0) {
      throw new SecurityConfigError(`ssl.principal.mapping.rules: cannot parse '${spec.slice(at, at + 80)}'`);
    }
  }

  /** The principal name for a certificate subject (RFC 2253); the first matching rule wins. */
  map(dn: string): string {
    for (const rule of this.rules) {
      if (rule === 'DEFAULT') return dn;
      const m = rule.pattern.exec(dn);
      if (m === null) continue;
      const name = rule.replacement.replace(/\$(\d)/g, (_s, i: string) => m[Number(i)] ?? '');
      return rule.toCase === 'L' ? name.toLowerCase() : rule.toCase === 'U' ? name.toUpperCase() : name;
    }
    return dn;
  }
}
