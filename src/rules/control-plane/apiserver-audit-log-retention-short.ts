import type { RuleHit } from '../rule.js';
import { at, cis, defineControlPlaneRule, flagDoc, forComponents, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-audit-log-retention-short',
  title: 'Audit log retention below the CIS minimum',
  category: 'control-plane',
  severity: 'low',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['audit-log-path', 'audit-log-maxage', 'audit-log-maxbackup', 'audit-log-maxsize'] },
  description:
    'Audit logs rotated too soon are gone before an incident is noticed. CIS asks for 30 days, 10 backups and 100 MB files.',
  remediation:
    'Set `--audit-log-maxage=30`, `--audit-log-maxbackup=10` and `--audit-log-maxsize=100` (or ship the log elsewhere and say so in an exemption).',
  references: [
    cis('1.2.17', 'Ensure that the --audit-log-maxage argument is set to 30 or as appropriate'),
    cis('1.2.18', 'Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate'),
    cis('1.2.19', 'Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      if (!c.flag('audit-log-path')) return undefined;
      const hits: RuleHit[] = [];
      for (const [name, min] of [
        ['audit-log-maxage', 30],
        ['audit-log-maxbackup', 10],
        ['audit-log-maxsize', 100],
      ] as const) {
        const f = c.flag(name);
        const n = Number(f?.value);
        if (!f) hits.push(missing(c, `kube-apiserver has no --${name} (CIS: at least ${min})`));
        else if (!Number.isFinite(n) || n < min)
          hits.push(at(f, `kube-apiserver --${name}=${f.value ?? ''} is below ${min}`));
      }
      return hits;
    });
  },
});
