import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isFalse, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-anonymous-auth',
  title: 'API server accepts anonymous requests',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['anonymous-auth'] },
  description:
    'With --anonymous-auth true (the default) every request that carries no credentials is served as system:anonymous in group system:unauthenticated; any RBAC binding to those subjects, or to a broad group by mistake, is then open to the whole network.',
  remediation:
    'Set `--anonymous-auth=false` (health checks can use authenticated probes or the /livez and /readyz endpoints through a dedicated binding).',
  references: [cis('1.2.1', 'Ensure that the --anonymous-auth argument is set to false'), flagDoc('kube-apiserver')],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      const f = c.flag('anonymous-auth');
      if (!f)
        return missing(c, 'kube-apiserver has no --anonymous-auth=false: anonymous requests are allowed by default');
      if (isFalse(f.value)) return undefined;
      return at(
        f,
        `kube-apiserver --anonymous-auth=${f.value ?? 'true'}: requests without credentials are served as system:anonymous`,
      );
    });
  },
});
