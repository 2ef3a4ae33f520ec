import { defineRule } from '../rule.js';
import { K8S_SERVICE_DOC, MITRE_T1557, NSA_CISA_NETWORK, objectName, rec } from './shared.js';

export const rule = defineRule({
  id: 'service-external-ips',
  title: 'Service sets externalIPs (CVE-2020-8554)',
  category: 'network',
  severity: 'high',
  appliesTo: ['Service'],
  needs: 'object',
  cel: {
    matchKinds: ['Service'],
    validations: [
      {
        expression:
          '!has(object.spec) || !has(object.spec.externalIPs) || object.spec.externalIPs == null || size(object.spec.externalIPs) == 0',
        message: 'spec.externalIPs must not be set (CVE-2020-8554)',
      },
    ],
  },
  description:
    "The Service lists `spec.externalIPs`. kube-proxy then sends to this Service's pods all traffic that any pod or node sends to those addresses, whoever owns them: anyone who may create or update a Service can intercept traffic meant for any IP, another Service's cluster IP or an outside server included (CVE-2020-8554, unfixed by design in Kubernetes). Legitimate uses are rare and better served by a LoadBalancer.",
  remediation:
    'Remove `spec.externalIPs` and expose the Service with type LoadBalancer (or an Ingress/Gateway). Cluster-wide, turn on the `DenyServiceExternalIPs` admission plugin or an admission policy that allows externalIPs only from an allowlist.',
  references: [
    {
      title: 'CVE-2020-8554: man in the middle using LoadBalancer or ExternalIPs',
      url: 'https://github.com/kubernetes/kubernetes/issues/97076',
    },
    {
      title: 'Kubernetes: Service, external IPs',
      url: 'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips',
    },
    K8S_SERVICE_DOC,
    MITRE_T1557,
    NSA_CISA_NETWORK,
  ],
  check(obj) {
    const ips = rec(obj.raw.spec).externalIPs;
    if (ips === undefined || ips === null) return undefined;
    if (Array.isArray(ips)) {
      if (ips.length === 0) return undefined;
      const shown = ips.map((ip) => (typeof ip === 'string' ? ip : JSON.stringify(ip))).join(', ');
      return [
        {
          path: '/spec/externalIPs',
          message: `${objectName(obj)} claims externalIPs ${shown}: traffic any pod or node sends to ${ips.length === 1 ? 'that address' : 'those addresses'} goes to this Service's pods instead`,
        },
      ];
    }
    if (typeof ips === 'string' && ips === '') return undefined;
    return [
      {
        path: '/spec/externalIPs',
        message: `${objectName(obj)} sets externalIPs to ${JSON.stringify(ips)} (not a list of addresses)`,
      },
    ];
  },
});
