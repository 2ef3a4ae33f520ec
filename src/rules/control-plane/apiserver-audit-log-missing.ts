import { defineRule } from '../rule.js';
import { cis, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineRule({
  id: 'apiserver-audit-log-missing',
  title: 'API server writes no audit log',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  description:
    'Without an audit log there is no record of who did what through the API: incidents cannot be investigated and compliance evidence is missing.',
  remediation: 'Set `--audit-log-path` (or an audit webhook) and `--audit-policy-file`.',
  references: [cis('1.2.16', 'Ensure that the --audit-log-path argument is set'), flagDoc('kube-apiserver')],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      if (c.flag('audit-webhook-config-file')) return undefined;
      return requireFlags(c, ['audit-log-path'], 'API requests are not audited');
    });
  },
});
