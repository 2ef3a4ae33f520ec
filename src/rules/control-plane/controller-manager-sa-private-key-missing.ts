import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'controller-manager-sa-private-key-missing',
  title: 'No key to sign service-account tokens',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-controller-manager': ['service-account-private-key-file'] },
  description:
    'Without --service-account-private-key-file the controller manager cannot sign service-account tokens, and the keys cannot be rotated deliberately.',
  remediation:
    "Set `--service-account-private-key-file` to the private key matching the API server's `--service-account-key-file`.",
  references: [
    cis('1.3.4', 'Ensure that the --service-account-private-key-file argument is set as appropriate'),
    flagDoc('kube-controller-manager'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-controller-manager'], (c) => {
      return requireFlags(
        c,
        ['service-account-private-key-file'],
        'service-account tokens are not signed with a managed key',
      );
    });
  },
});
