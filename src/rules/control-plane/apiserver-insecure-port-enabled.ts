import type { RuleHit } from '../rule.js';
import { at, cis, defineControlPlaneRule, flagDoc, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-insecure-port-enabled',
  title: 'API server serves an unauthenticated insecure port',
  category: 'control-plane',
  severity: 'critical',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['insecure-port', 'insecure-bind-address'] },
  description:
    'The insecure port (removed in Kubernetes 1.24) serves the API without TLS, authentication or authorization; anyone who reaches it is cluster-admin.',
  remediation:
    'Set `--insecure-port=0` and remove `--insecure-bind-address`, or upgrade to a release without the insecure port.',
  references: [
    cis('1.2.19 (v1.6)', 'Ensure that the --insecure-port argument is set to 0'),
    cis('1.2.18 (v1.6)', 'Ensure that the --insecure-bind-address argument is not set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      const hits: RuleHit[] = [];
      const port = c.flag('insecure-port');
      if (port && (port.value ?? '').trim() !== '0')
        hits.push(
          at(
            port,
            `kube-apiserver --insecure-port=${port.value ?? ''}: the API is served without authentication or authorization`,
          ),
        );
      const bind = c.flag('insecure-bind-address');
      if (bind)
        hits.push(
          at(
            bind,
            `kube-apiserver --insecure-bind-address=${bind.value ?? ''}: the insecure port listens beyond localhost`,
          ),
        );
      return hits;
    });
  },
});
