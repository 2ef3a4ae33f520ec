import { defineRule, type RuleHit } from '../rule.js';
import { at, cis, flagDoc, forComponents } from './flags.js';

export const rule = defineRule({
  id: 'control-plane-weak-tls',
  title: 'Control-plane component allows weak TLS',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  description:
    'TLS 1.0/1.1 and cipher suites with RC4, 3DES or CBC with SHA-256 are broken or discouraged; a component that allows them lets a network attacker downgrade connections.',
  remediation:
    'Set `--tls-min-version=VersionTLS12` (or 13) and a `--tls-cipher-suites` (etcd: `--cipher-suites`) list of AEAD suites only.',
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
      const min = c.flag('tls-min-version');
      if (min && /^VersionTLS1[01]$/.test((min.value ?? '').trim()))
        hits.push(at(min, `${c.component} --tls-min-version=${min.value ?? ''} allows TLS versions below 1.2`));
      for (const name of ['tls-cipher-suites', 'cipher-suites']) {
        const f = c.flag(name);
        const weak = c.list(name).filter((s) => /RC4|3DES|_CBC_SHA256$|NULL|EXPORT/.test(s));
        if (f && weak.length > 0) hits.push(at(f, `${c.component} --${name} allows weak suites: ${weak.join(', ')}`));
      }
      return hits;
    });
  },
});
