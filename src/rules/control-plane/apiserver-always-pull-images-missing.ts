import { cis, defineControlPlaneRule, flagDoc, forComponents, requireInList } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-always-pull-images-missing',
  title: 'AlwaysPullImages admission plugin is off',
  category: 'control-plane',
  severity: 'low',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['enable-admission-plugins'] },
  description:
    'On multi-tenant nodes a pod can run a private image already pulled by another tenant without holding its pull credentials unless AlwaysPullImages forces a pull (and so a credential check).',
  remediation: 'Add `AlwaysPullImages` to `--enable-admission-plugins` on multi-tenant clusters.',
  references: [
    cis('1.2.11', 'Ensure that the admission control plugin AlwaysPullImages is set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireInList(
        c,
        'enable-admission-plugins',
        'AlwaysPullImages',
        'cached private images run without a credential check',
      );
    });
  },
});
