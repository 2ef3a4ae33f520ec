import { cis, defineControlPlaneRule, flagDoc, forComponents, requireInList } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-event-rate-limit-missing',
  title: 'EventRateLimit admission plugin is off',
  category: 'control-plane',
  severity: 'low',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['enable-admission-plugins'] },
  description: 'Without EventRateLimit a misbehaving client or node can flood the API server and etcd with events.',
  remediation:
    'Add `EventRateLimit` to `--enable-admission-plugins` and configure limits in `--admission-control-config-file`.',
  references: [
    cis('1.2.9', 'Ensure that the admission control plugin EventRateLimit is set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireInList(
        c,
        'enable-admission-plugins',
        'EventRateLimit',
        'event floods reach the API server and etcd',
      );
    });
  },
});
