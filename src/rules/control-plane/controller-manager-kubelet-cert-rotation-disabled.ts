import { at, cis, defineControlPlaneRule, flagDoc, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'controller-manager-kubelet-cert-rotation-disabled',
  title: 'Kubelet serving-certificate rotation is disabled',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-controller-manager': ['feature-gates'] },
  featureGates: { 'kube-controller-manager': ['RotateKubeletServerCertificate'] },
  description:
    'With RotateKubeletServerCertificate=false kubelet serving certificates are not rotated and expire or stay valid long after compromise.',
  remediation: 'Remove `RotateKubeletServerCertificate=false` from `--feature-gates` (it is on by default).',
  references: [
    cis('1.3.6', 'Ensure that the RotateKubeletServerCertificate argument is set to true'),
    flagDoc('kube-controller-manager'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-controller-manager'], (c) => {
      const f = c
        .all('feature-gates')
        .find((o) => /(^|,)\s*RotateKubeletServerCertificate\s*=\s*false\b/i.test(o.value ?? ''));
      return f
        ? at(
            f,
            'kube-controller-manager --feature-gates RotateKubeletServerCertificate=false: kubelet serving certificates are not rotated',
          )
        : undefined;
    });
  },
});
