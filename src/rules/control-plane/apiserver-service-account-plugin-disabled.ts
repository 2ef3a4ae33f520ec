import { cis, defineControlPlaneRule, flagDoc, forbidInList, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-service-account-plugin-disabled',
  title: 'ServiceAccount admission plugin is disabled',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['disable-admission-plugins'] },
  description:
    'The ServiceAccount plugin assigns service accounts and mounts their tokens consistently; disabling it lets pods name arbitrary service accounts unchecked.',
  remediation: 'Remove `ServiceAccount` from `--disable-admission-plugins`.',
  references: [
    cis('1.2.12', 'Ensure that the admission control plugin ServiceAccount is set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return forbidInList(
        c,
        'disable-admission-plugins',
        'ServiceAccount',
        'service-account assignment is not enforced',
      );
    });
  },
});
