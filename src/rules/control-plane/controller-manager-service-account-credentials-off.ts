import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isTrue, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'controller-manager-service-account-credentials-off',
  title: "Controllers share the controller manager's credentials",
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-controller-manager': ['use-service-account-credentials'] },
  description:
    "Without --use-service-account-credentials every controller acts with the controller manager's own, broad identity instead of a per-controller service account with least privilege.",
  remediation: 'Set `--use-service-account-credentials=true`.',
  references: [
    cis('1.3.3', 'Ensure that the --use-service-account-credentials argument is set to true'),
    flagDoc('kube-controller-manager'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-controller-manager'], (c) => {
      const f = c.flag('use-service-account-credentials');
      if (!f)
        return missing(
          c,
          'kube-controller-manager has no --use-service-account-credentials=true: controllers share one broad identity',
        );
      return isTrue(f.value ?? 'true')
        ? undefined
        : at(
            f,
            `kube-controller-manager --use-service-account-credentials=${f.value ?? ''}: controllers share one broad identity`,
          );
    });
  },
});
