import { at, cis, defineControlPlaneRule, flagDoc, forComponents, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-audit-log-missing',
  title: 'API server writes no audit log',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['audit-log-path', 'audit-webhook-config-file', 'audit-policy-file'] },
  description:
    'Without an audit log there is no record of who did what through the API: incidents cannot be investigated and compliance evidence is missing. The API server audits only with both a backend (`--audit-log-path` or `--audit-webhook-config-file`) and a policy (`--audit-policy-file`): without a policy it records no events at all, whatever backend is set.',
  remediation:
    'Set `--audit-policy-file` (a policy that records at least Metadata for every request) and `--audit-log-path` or `--audit-webhook-config-file`.',
  references: [
    cis('1.2.16', 'Ensure that the --audit-log-path argument is set'),
    cis('3.2.1', 'Ensure that a minimal audit policy is created'),
    {
      title: 'Kubernetes: Auditing (audit policy and backends)',
      url: 'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/',
    },
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      // An empty value turns the backend or the policy off, as an absent flag does.
      const set = (name: string) => {
        const f = c.flag(name);
        return f && (f.value ?? '').trim() !== '' ? f : undefined;
      };
      const backends = ['audit-log-path', 'audit-webhook-config-file'].map(set).filter((f) => f !== undefined);
      const policy = set('audit-policy-file');
      if (backends.length > 0 && policy) return undefined;
      if (backends.length > 0)
        return at(
          backends[0]!,
          `kube-apiserver has --${backends.map((f) => f.name).join(' and --')} but no --audit-policy-file: without a policy the API server records no events`,
        );
      const hit = policy
        ? `kube-apiserver has --audit-policy-file but neither --audit-log-path nor --audit-webhook-config-file: events are written nowhere`
        : 'kube-apiserver has no --audit-policy-file and neither --audit-log-path nor --audit-webhook-config-file: API requests are not audited';
      return missing(c, hit);
    });
  },
});
