import { defineRule } from '../rule.js';
import { kindName, nsLabel, nsOf, rec, shown } from './shared.js';

export const rule = defineRule({
  id: 'statefulset-headless-service-missing',
  title: 'StatefulSet has no headless governing Service',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['StatefulSet'],
  needs: 'scope',
  description:
    'A StatefulSet gives each pod a stable DNS name (`<pod>.<serviceName>.<namespace>.svc`) only through the headless Service named by spec.serviceName, which you must create. Without it, or when that Service has a cluster IP, the per-pod names do not resolve and clustered software (databases, brokers, consensus stores) cannot find its peers, so replicas fail to form a cluster or fail over. Only Services in the same scan scope are considered.',
  remediation:
    'Create the governing Service in the same namespace, named as spec.serviceName, headless and selecting the pods: `apiVersion: v1, kind: Service, metadata: {name: db}, spec: {clusterIP: None, selector: {app: db}, ports: [{name: db, port: 5432}]}`.',
  references: [
    {
      title: 'Kubernetes: StatefulSets, limitations and stable network ID',
      url: 'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id',
    },
    {
      title: 'Kubernetes: Headless Services',
      url: 'https://kubernetes.io/docs/concepts/services-networking/service/#headless-services',
    },
  ],
  check(obj, ctx) {
    const name = rec(obj.raw.spec).serviceName;
    // serviceName is optional: without it no per-pod DNS names are asked for.
    if (typeof name !== 'string' || name === '') return undefined;
    const ns = nsOf(obj);
    const services = ctx.scope.find('Service', name, ns);
    if (services.some((s) => rec(s.raw.spec).clusterIP === 'None')) return undefined;
    const first = services[0];
    if (!first) {
      return [
        {
          message: `${kindName(obj)} has serviceName "${name}" but there is no Service "${name}" in ${nsLabel(ns)}`,
          path: '/spec/serviceName',
        },
      ];
    }
    const ip = rec(first.raw.spec).clusterIP;
    const seen = ip === undefined || ip === null ? 'no clusterIP, so it gets one' : `clusterIP ${shown(ip)}`;
    return [
      {
        message: `${kindName(obj)} has serviceName "${name}" but Service "${name}" is not headless (${seen}; it needs clusterIP: None)`,
        path: '/spec/serviceName',
      },
    ];
  },
});
