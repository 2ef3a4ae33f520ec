import type { RuleHit } from '../rule.js';
import { at, cis, defineControlPlaneRule, flagDoc, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'control-plane-weak-tls',
  title: 'Control-plane component allows weak TLS',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: {
    'kube-apiserver': ['tls-min-version', 'tls-cipher-suites'],
    'kube-controller-manager': ['tls-min-version', 'tls-cipher-suites'],
    'kube-scheduler': ['tls-min-version', 'tls-cipher-suites'],
    etcd: ['cipher-suites'],
  },
  description:
    'TLS 1.0/1.1 and cipher suites with RC4, 3DES, NULL or export ciphers, CBC with SHA-256, or static RSA key exchange (`TLS_RSA_WITH_*`, no forward secrecy: a stolen server key decrypts every recorded session) are broken or discouraged; a component that allows them lets a network attacker downgrade connections or read them later.',
  remediation:
    'Set `--tls-min-version=VersionTLS12` (or 13) and a `--tls-cipher-suites` (etcd: `--cipher-suites`) list of ECDHE suites with AEAD ciphers only (`TLS_ECDHE_*_WITH_AES_*_GCM_*`, `TLS_ECDHE_*_WITH_CHACHA20_POLY1305*`).',
  references: [
    cis('1.2.29', 'Ensure that the API Server only makes use of Strong Cryptographic Ciphers'),
    cis('2.x', 'etcd TLS configuration'),
    flagDoc('kube-apiserver'),
    flagDoc('kube-controller-manager'),
    flagDoc('kube-scheduler'),
    flagDoc('etcd'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'], (c) => {
      const hits: RuleHit[] = [];
      // etcd's --tls-min-version accepts only TLS1.2 and TLS1.3; the Kubernetes components take VersionTLS10..13.
      const min = c.component === 'etcd' ? undefined : c.flag('tls-min-version');
      if (min && /^VersionTLS1[01]$/.test((min.value ?? '').trim()))
        hits.push(at(min, `${c.component} --tls-min-version=${min.value ?? ''} allows TLS versions below 1.2`));
      const name = c.component === 'etcd' ? 'cipher-suites' : 'tls-cipher-suites';
      const f = c.flag(name);
      const weak = c.list(name).flatMap((s) => {
        const why = weakness(s);
        return why ? [`${s} (${why})`] : [];
      });
      if (f && weak.length > 0) hits.push(at(f, `${c.component} --${name} allows weak suites: ${weak.join(', ')}`));
      return hits;
    });
  },
});

/** Why a cipher suite (IANA / Go name) is weak, or undefined when it is not. */
export function weakness(suite: string): string | undefined {
  if (/NULL/.test(suite)) return 'no encryption';
  if (/EXPORT/.test(suite)) return 'export-grade';
  if (/RC4/.test(suite)) return 'RC4 is broken';
  if (/3DES/.test(suite)) return '3DES: 64-bit blocks (Sweet32)';
  // TLS_RSA_WITH_*: the client encrypts the session key to the server's RSA key, so
  // whoever later obtains that key decrypts every recorded session.
  if (/^TLS_RSA_WITH_/.test(suite)) return 'static RSA key exchange: no forward secrecy';
  if (/_CBC_SHA256$/.test(suite)) return 'CBC with SHA-256: timing side channels (Lucky13)';
  return undefined;
}
