import { cis, defineControlPlaneRule, flagDoc, forComponents, requireInList } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-deny-service-external-ips-missing',
  title: 'DenyServiceExternalIPs admission plugin is off',
  category: 'control-plane',
  severity: 'low',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['enable-admission-plugins'] },
  description:
    'Any user who may create Services can set spec.externalIPs and intercept traffic to those addresses (CVE-2020-8554) unless the DenyServiceExternalIPs plugin rejects them.',
  remediation:
    'Add `DenyServiceExternalIPs` to `--enable-admission-plugins` unless external IPs are needed and guarded by policy.',
  references: [cis('1.2.3', 'Ensure that the DenyServiceExternalIPs is set'), flagDoc('kube-apiserver')],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireInList(
        c,
        'enable-admission-plugins',
        'DenyServiceExternalIPs',
        'Services may claim external IPs (CVE-2020-8554)',
      );
    });
  },
});
