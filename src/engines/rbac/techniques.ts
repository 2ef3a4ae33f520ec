/** The escalation techniques kubeprint recognises, with their MITRE ATT&CK ids where one exists. */
export const TECHNIQUE_IDS = [
  'wildcard-all',
  'pod-create',
  'privileged-pod',
  'pod-exec',
  'secret-read',
  'token-create',
  'rbac-bind',
  'rbac-escalate',
  'impersonate',
  'node-proxy',
  'csr-approve',
  'webhook-config',
  'hostpath-pv',
  'namespace-psa',
] as const;

export type TechniqueId = (typeof TECHNIQUE_IDS)[number];

export interface Technique {
  id: TechniqueId;
  title: string;
  /** MITRE ATT&CK (Containers / Enterprise) technique id. */
  attack: string | undefined;
  /** What the permission lets one do. */
  description: string;
}

export const TECHNIQUES: Record<TechniqueId, Technique> = {
  'wildcard-all': {
    id: 'wildcard-all',
    title: '`*` verbs on `*` resources in `*` API groups',
    attack: 'T1078.004',
    description: 'holds every permission in its scope: cluster-admin when bound cluster-wide',
  },
  'pod-create': {
    id: 'pod-create',
    title: 'Create or patch pods or pod controllers',
    attack: 'T1610',
    description: 'runs a pod as any service account of the namespace and takes its token',
  },
  'privileged-pod': {
    id: 'privileged-pod',
    title: 'Run a privileged pod and escape to the node',
    attack: 'T1611',
    description:
      'creates a privileged or hostPath pod (the namespace enforces no baseline/restricted Pod Security) and takes over the node, its kubelet credentials and every token mounted there',
  },
  'pod-exec': {
    id: 'pod-exec',
    title: 'Exec or attach into running pods',
    attack: 'T1609',
    description: 'runs commands in running pods and reads their service account tokens',
  },
  'secret-read': {
    id: 'secret-read',
    title: 'Read Secrets',
    attack: 'T1552.007',
    description: 'reads Secrets, including legacy service account token Secrets',
  },
  'token-create': {
    id: 'token-create',
    title: 'Create service account tokens',
    attack: 'T1528',
    description: 'mints tokens (serviceaccounts/token) for service accounts and acts as them',
  },
  'rbac-bind': {
    id: 'rbac-bind',
    title: 'Bind roles (bind verb)',
    attack: 'T1098',
    description: 'binds roles it does not hold itself, such as cluster-admin',
  },
  'rbac-escalate': {
    id: 'rbac-escalate',
    title: 'Escalate roles (escalate verb)',
    attack: 'T1098',
    description: 'writes rules it does not hold into roles, including those bound to itself',
  },
  impersonate: {
    id: 'impersonate',
    title: 'Impersonate users, groups or service accounts',
    attack: 'T1078',
    description: 'acts as other users, groups (system:masters) or service accounts',
  },
  'node-proxy': {
    id: 'node-proxy',
    title: 'Kubelet API through nodes/proxy',
    attack: 'T1609',
    description: 'reaches the kubelet API and runs commands in any pod on any node',
  },
  'csr-approve': {
    id: 'csr-approve',
    title: 'Approve certificate signing requests',
    attack: 'T1649',
    description: 'approves client certificates, e.g. one in group system:masters',
  },
  'webhook-config': {
    id: 'webhook-config',
    title: 'Change admission webhook configurations',
    attack: undefined,
    description: 'sends every admitted object (Secrets, pods) to its own webhook, which can read or mutate them',
  },
  'hostpath-pv': {
    id: 'hostpath-pv',
    title: 'Create hostPath PersistentVolumes',
    attack: 'T1611',
    description: 'creates a PersistentVolume on a node path and mounts the node filesystem',
  },
  'namespace-psa': {
    id: 'namespace-psa',
    title: 'Patch namespaces (lower Pod Security labels)',
    attack: 'T1562.001',
    description: 'removes the Pod Security enforcement of a namespace so privileged pods are admitted',
  },
};
