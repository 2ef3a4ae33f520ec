import { cis, defineControlPlaneRule, flagDoc, forbidInList, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-namespace-lifecycle-disabled',
  title: 'NamespaceLifecycle admission plugin is disabled',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['disable-admission-plugins'] },
  description:
    'NamespaceLifecycle rejects objects in terminating or non-existent namespaces; without it objects can be created in namespaces that are being deleted and escape their cleanup.',
  remediation: 'Remove `NamespaceLifecycle` from `--disable-admission-plugins`.',
  references: [
    cis('1.2.13', 'Ensure that the admission control plugin NamespaceLifecycle is set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return forbidInList(
        c,
        'disable-admission-plugins',
        'NamespaceLifecycle',
        'objects can be created in terminating namespaces',
      );
    });
  },
});
