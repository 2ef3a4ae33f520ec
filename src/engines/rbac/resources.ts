/**
 * The built-in API resources kubeprint knows without discovery: their API
 * group and whether they are cluster-scoped. Used to turn `who-can get pods`
 * into a request; `resource.group` names anything else.
 */
const GROUPS: Record<string, readonly string[]> = {
  '': [
    'pods',
    'services',
    'secrets',
    'configmaps',
    'serviceaccounts',
    'namespaces',
    'nodes',
    'persistentvolumes',
    'persistentvolumeclaims',
    'endpoints',
    'events',
    'replicationcontrollers',
    'limitranges',
    'resourcequotas',
    'bindings',
    'podtemplates',
    'componentstatuses',
  ],
  apps: ['deployments', 'daemonsets', 'statefulsets', 'replicasets', 'controllerrevisions'],
  batch: ['jobs', 'cronjobs'],
  'rbac.authorization.k8s.io': ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
  'certificates.k8s.io': ['certificatesigningrequests', 'signers', 'clustertrustbundles'],
  'admissionregistration.k8s.io': [
    'mutatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
  ],
  'networking.k8s.io': ['networkpolicies', 'ingresses', 'ingressclasses'],
  policy: ['poddisruptionbudgets'],
  autoscaling: ['horizontalpodautoscalers'],
  'storage.k8s.io': ['storageclasses', 'csidrivers', 'csinodes', 'volumeattachments', 'csistoragecapacities'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  'coordination.k8s.io': ['leases'],
  'discovery.k8s.io': ['endpointslices'],
  'authentication.k8s.io': ['tokenreviews', 'selfsubjectreviews'],
  'authorization.k8s.io': [
    'subjectaccessreviews',
    'selfsubjectaccessreviews',
    'localsubjectaccessreviews',
    'selfsubjectrulesreviews',
  ],
  'scheduling.k8s.io': ['priorityclasses'],
  'node.k8s.io': ['runtimeclasses'],
  'apiregistration.k8s.io': ['apiservices'],
};

const CLUSTER_SCOPED = new Set([
  'namespaces',
  'nodes',
  'persistentvolumes',
  'componentstatuses',
  'clusterroles',
  'clusterrolebindings',
  'certificatesigningrequests',
  'signers',
  'clustertrustbundles',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'ingressclasses',
  'storageclasses',
  'csidrivers',
  'csinodes',
  'volumeattachments',
  'customresourcedefinitions',
  'tokenreviews',
  'selfsubjectreviews',
  'subjectaccessreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'priorityclasses',
  'runtimeclasses',
  'apiservices',
]);

const GROUP_OF = new Map<string, string>();
for (const [group, resources] of Object.entries(GROUPS)) for (const r of resources) GROUP_OF.set(r, group);

/** The API group of a built-in resource, or undefined when kubeprint does not know it. */
export function groupOfResource(resource: string): string | undefined {
  return GROUP_OF.get(resource);
}

export function isClusterScoped(resource: string): boolean {
  return CLUSTER_SCOPED.has(resource);
}

/** Resources of the given kind names, e.g. Deployment → deployments. */
export const KIND_RESOURCES: Record<string, { resource: string; group: string }> = {
  Pod: { resource: 'pods', group: '' },
  Deployment: { resource: 'deployments', group: 'apps' },
  StatefulSet: { resource: 'statefulsets', group: 'apps' },
  DaemonSet: { resource: 'daemonsets', group: 'apps' },
  ReplicaSet: { resource: 'replicasets', group: 'apps' },
  ReplicationController: { resource: 'replicationcontrollers', group: '' },
  Job: { resource: 'jobs', group: 'batch' },
  CronJob: { resource: 'cronjobs', group: 'batch' },
};
