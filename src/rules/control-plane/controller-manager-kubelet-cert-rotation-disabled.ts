import { at, cis, defineControlPlaneRule, type FlagOccurrence, flagDoc, forComponents, isFalse } from './flags.js';

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
      // `--feature-gates` holds `[component:]Gate=bool` pairs (`kube:` is the default component); repeated
      // flags add up and the last setting of a gate wins.
      let last: { f: FlagOccurrence; value: string } | undefined;
      for (const f of c.all('feature-gates'))
        for (const pair of (f.value ?? '').split(',')) {
          const m = /^\s*(?:kube:)?RotateKubeletServerCertificate\s*=\s*(\S*)\s*$/.exec(pair);
          if (m) last = { f, value: m[1] ?? '' };
        }
      return last && isFalse(last.value)
        ? at(
            last.f,
            'kube-controller-manager --feature-gates RotateKubeletServerCertificate=false: kubelet serving certificates are not rotated',
          )
        : undefined;
    });
  },
});
