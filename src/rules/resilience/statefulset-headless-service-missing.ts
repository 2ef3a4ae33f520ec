import { type KubeObject, stringMap } from '../../model/kube-object.js';
import { matchesMapSelector } from '../../model/selector.js';
import { defineRule } from '../rule.js';
import { formatLabels, isRecord, kindName, nsLabel, nsOf, rec, shown } from './shared.js';

export const rule = defineRule({
  id: 'statefulset-headless-service-missing',
  title: 'StatefulSet has no headless governing Service that selects its pods',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['StatefulSet'],
  needs: 'scope',
  description:
    'A StatefulSet gives each pod a stable DNS name (`<pod>.<serviceName>.<namespace>.svc`) only through the headless Service named by spec.serviceName, which you must create. Without it, when that Service has a cluster IP, or when its selector is missing, empty or does not match the pod template labels (no endpoints, so no per-pod DNS records), the per-pod names do not resolve and clustered software (databases, brokers, consensus stores) cannot find its peers, so replicas fail to form a cluster or fail over. Only Services in the same scan scope are considered.',
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
    const sts = kindName(obj);
    const podLabels = ctx.workload?.podLabels ?? {};
    const judged = services.map((s) => ({ service: s, ...judge(s, podLabels) }));
    if (judged.some((j) => j.headless && j.selects)) return undefined;
    // Report on the Service closest to right: headless first.
    const best = judged.find((j) => j.headless) ?? judged[0];
    if (!best)
      return [
        {
          message: `${sts} has serviceName "${name}" but there is no Service "${name}" in ${nsLabel(ns)}`,
          path: '/spec/serviceName',
        },
      ];
    const problems: string[] = [];
    if (!best.headless) {
      const ip = rec(best.service.raw.spec).clusterIP;
      const seen = ip === undefined || ip === null ? 'no clusterIP, so it gets one' : `clusterIP ${shown(ip)}`;
      problems.push(`is not headless (${seen}; it needs clusterIP: None)`);
    }
    if (!best.selects) problems.push(best.why);
    return [
      {
        message: `${sts} has serviceName "${name}" but Service "${name}" ${problems.join(', and it ')}`,
        path: '/spec/serviceName',
      },
    ];
  },
});

/** Whether a Service is headless and selects the pods (a Service's selector is a plain map; empty selects nothing). */
function judge(
  service: KubeObject,
  podLabels: Record<string, string>,
): { headless: boolean; selects: boolean; why: string } {
  const spec = rec(service.raw.spec);
  const headless = spec.clusterIP === 'None';
  const raw = spec.selector;
  if (raw === undefined || raw === null)
    return {
      headless,
      selects: false,
      why: 'has no selector, so no endpoints (and no per-pod DNS records) are made for the pods',
    };
  if (!isRecord(raw)) return { headless, selects: false, why: 'has a selector that is not a map of labels' };
  const selector = stringMap(raw);
  if (Object.keys(selector).length === 0)
    return { headless, selects: false, why: 'has an empty selector, which selects no pods' };
  if (matchesMapSelector(selector, podLabels)) return { headless, selects: true, why: '' };
  const labels = formatLabels(podLabels);
  return {
    headless,
    selects: false,
    why: `has selector ${formatLabels(selector)}, which does not match the StatefulSet's pods (${labels === '' ? 'they have no labels' : `they carry ${labels}`})`,
  };
}
