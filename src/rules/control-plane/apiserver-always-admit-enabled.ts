import { cis, defineControlPlaneRule, flagDoc, forbidInList, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-always-admit-enabled',
  title: 'AlwaysAdmit admission plugin is on',
  category: 'control-plane',
  severity: 'critical',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['enable-admission-plugins'] },
  description:
    'AlwaysAdmit admits every request regardless of the other admission plugins; it is deprecated and defeats admission control.',
  remediation: 'Remove `AlwaysAdmit` from `--enable-admission-plugins`.',
  references: [
    cis('1.2.10', 'Ensure that the admission control plugin AlwaysAdmit is not set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return forbidInList(c, 'enable-admission-plugins', 'AlwaysAdmit', 'admission control is bypassed');
    });
  },
});
