import type { PolicyRule, Subject } from './types.js';

/**
 * Kubernetes' default bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy,
 * v1.36), as data. It holds the user-facing roles (cluster-admin, admin, edit,
 * view with their aggregation), the discovery roles every authenticated user
 * has, and the system:* roles and bindings that matter for escalation analysis
 * (controllers that create pods, approve certificates, escalate roles, read
 * secrets). It is a subset: roles that only read or only touch their own
 * leases are left out, and a role may leave out rules that matter neither for
 * escalation nor for the identity rules (events, leases). It never grants
 * more than the real role, its bindings are the real ones, and the roles the
 * default bindings give to everyone are exact: test/integration/rbac-default-bindings.test.ts
 * checks all three against a real kube-apiserver.
 */
export interface BootstrapRole {
  name: string;
  labels?: Record<string, string>;
  /** Label selectors of an aggregated ClusterRole (matchLabels only, as upstream uses). */
  aggregateFrom?: Record<string, string>[];
  rules: PolicyRule[];
}

export interface BootstrapBinding {
  name: string;
  role: string;
  subjects: Subject[];
}

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames: string[] = []): PolicyRule {
  return { verbs, apiGroups, resources, resourceNames, nonResourceURLs: [] };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, apiGroups: [], resources: [], resourceNames: [], nonResourceURLs };
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const AGG = 'rbac.authorization.k8s.io/aggregate-to-';

export const BOOTSTRAP_CLUSTER_ROLES: readonly BootstrapRole[] = [
  {
    name: 'cluster-admin',
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])],
  },
  { name: 'admin', aggregateFrom: [{ [`${AGG}admin`]: 'true' }], rules: [] },
  { name: 'edit', labels: { [`${AGG}admin`]: 'true' }, aggregateFrom: [{ [`${AGG}edit`]: 'true' }], rules: [] },
  { name: 'view', labels: { [`${AGG}edit`]: 'true' }, aggregateFrom: [{ [`${AGG}view`]: 'true' }], rules: [] },
  {
    name: 'system:aggregate-to-admin',
    labels: { [`${AGG}admin`]: 'true' },
    rules: [
      rule([...READ, ...WRITE], ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { [`${AGG}edit`]: 'true' },
    rules: [
      rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [''], ['pods/eviction']),
      rule(
        WRITE,
        [''],
        [
          'configmaps',
          'events',
          'persistentvolumeclaims',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'secrets',
          'serviceaccounts',
          'services',
          'services/proxy',
        ],
      ),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(
        WRITE,
        ['apps'],
        [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'replicasets',
          'replicasets/scale',
          'statefulsets',
          'statefulsets/scale',
        ],
      ),
      rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
      rule(
        WRITE,
        ['extensions'],
        [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'ingresses',
          'networkpolicies',
          'replicasets',
          'replicasets/scale',
          'replicationcontrollers/scale',
        ],
      ),
      rule(WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(WRITE, ['coordination.k8s.io'], ['leases']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: { [`${AGG}view`]: 'true' },
    rules: [
      rule(
        READ,
        [''],
        [
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'configmaps',
          'bindings',
          'events',
          'limitranges',
          'namespaces/status',
          'pods/log',
          'pods/status',
          'replicationcontrollers/status',
          'resourcequotas',
          'resourcequotas/status',
          'namespaces',
        ],
      ),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(
        READ,
        ['apps'],
        [
          'controllerrevisions',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'statefulsets',
          'statefulsets/scale',
          'statefulsets/status',
        ],
      ),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
  },
  {
    name: 'system:discovery',
    rules: [
      urls(
        ['get'],
        [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      ),
    ],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:public-info-viewer',
    rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])],
  },
  {
    name: 'system:service-account-issuer-discovery',
    rules: [
      urls(
        ['get'],
        [
          '/.well-known/openid-configuration',
          '/.well-known/openid-configuration/',
          '/openid/v1/jwks',
          '/openid/v1/jwks/',
        ],
      ),
    ],
  },
  {
    name: 'system:node',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
      rule(READ, [''], ['services']),
      rule(['create', 'get', 'list', 'watch', 'patch', 'update'], [''], ['nodes']),
      rule(['patch', 'update'], [''], ['nodes/status']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(READ, [''], ['pods']),
      rule(['create', 'delete'], [''], ['pods']),
      rule(['update', 'patch'], [''], ['pods/status']),
      rule(['create'], [''], ['pods/eviction']),
      rule(READ, [''], ['configmaps', 'secrets']),
      rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes', 'endpoints', 'serviceaccounts']),
      rule(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
      rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['services', 'endpoints']),
      rule(['get'], [''], ['nodes']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
  {
    name: 'system:kube-controller-manager',
    rules: [
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      rule(['create'], [''], ['secrets', 'serviceaccounts']),
      rule(['delete'], [''], ['secrets']),
      rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
      rule(['update'], [''], ['secrets', 'serviceaccounts']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:kube-scheduler',
    rules: [
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(READ, [''], ['nodes']),
      rule(['get', 'list', 'watch', 'delete'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding', 'bindings']),
      rule(['patch', 'update'], [''], ['pods/status']),
    ],
  },
  {
    name: 'system:kube-dns',
    rules: [rule(['list', 'watch'], [''], ['endpoints', 'services'])],
  },
  {
    name: 'system:node-bootstrapper',
    rules: [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
    rules: [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])],
  },
  {
    name: 'system:auth-delegator',
    rules: [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ],
  },
  {
    name: 'system:monitoring',
    rules: [
      urls(
        ['get'],
        ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'],
      ),
    ],
  },
  // Controllers (controller_policy.go) whose rules can lead to more privilege.
  {
    name: 'system:controller:clusterrole-aggregation-controller',
    rules: [
      rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles']),
    ],
  },
  {
    name: 'system:controller:replicaset-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update'], ['apps', 'extensions'], ['replicasets']),
      rule(['update'], ['apps', 'extensions'], ['replicasets/status', 'replicasets/finalizers']),
      rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
    ],
  },
  {
    name: 'system:controller:daemon-set-controller',
    rules: [
      rule(READ, ['apps', 'extensions'], ['daemonsets']),
      rule(['update'], ['apps', 'extensions'], ['daemonsets/status', 'daemonsets/finalizers']),
      rule(['list', 'watch'], [''], ['nodes']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      rule(['create'], [''], ['pods/binding']),
      rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
    ],
  },
  {
    name: 'system:controller:job-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'patch'], ['batch'], ['jobs']),
      rule(['update'], ['batch'], ['jobs/status', 'jobs/finalizers']),
      rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    ],
  },
  {
    name: 'system:controller:statefulset-controller',
    rules: [
      rule(['list', 'watch'], [''], ['pods']),
      rule(READ, ['apps'], ['statefulsets']),
      rule(['update'], ['apps'], ['statefulsets/status', 'statefulsets/finalizers']),
      rule(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      rule(['get', 'create'], [''], ['persistentvolumeclaims']),
    ],
  },
  {
    name: 'system:controller:certificate-controller',
    rules: [
      rule(['get', 'list', 'watch', 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      rule(
        ['update'],
        ['certificates.k8s.io'],
        ['certificatesigningrequests/status', 'certificatesigningrequests/approval'],
      ),
      rule(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet']),
      rule(
        ['sign'],
        ['certificates.k8s.io'],
        ['signers'],
        [
          'kubernetes.io/kube-apiserver-client',
          'kubernetes.io/kube-apiserver-client-kubelet',
          'kubernetes.io/kubelet-serving',
          'kubernetes.io/legacy-unknown',
        ],
      ),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ],
  },
  {
    name: 'system:controller:generic-garbage-collector',
    rules: [rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*'])],
  },
  {
    name: 'system:controller:namespace-controller',
    rules: [
      rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
      rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      rule(['get', 'list', 'delete', 'deletecollection'], ['*'], ['*']),
    ],
  },
  {
    name: 'system:controller:expand-controller',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'patch'], [''], ['persistentvolumes']),
      rule(['update', 'patch'], [''], ['persistentvolumeclaims/status']),
      rule(READ, [''], ['persistentvolumeclaims']),
    ],
  },
  {
    name: 'system:controller:persistent-volume-binder',
    rules: [
      rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [''], ['persistentvolumes']),
      rule(['update'], [''], ['persistentvolumes/status']),
      rule(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      rule(['update'], [''], ['persistentvolumeclaims/status']),
      rule(['list', 'watch', 'get', 'create', 'delete'], [''], ['pods']),
      rule(READ, ['storage.k8s.io'], ['storageclasses']),
      rule(['list', 'watch'], [''], ['nodes']),
    ],
  },
  {
    name: 'system:controller:service-account-controller',
    rules: [rule(['create'], [''], ['serviceaccounts'])],
  },
];

/** Roles in kube-system (bootstrap namespace roles). */
export const BOOTSTRAP_NAMESPACE_ROLES: readonly (BootstrapRole & { namespace: string })[] = [
  {
    namespace: 'kube-system',
    name: 'extension-apiserver-authentication-reader',
    rules: [rule(READ, [''], ['configmaps'], ['extension-apiserver-authentication'])],
  },
  {
    namespace: 'kube-system',
    name: 'system::leader-locking-kube-controller-manager',
    rules: [rule(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leases', 'leasecandidates'])],
  },
  {
    namespace: 'kube-system',
    name: 'system::leader-locking-kube-scheduler',
    rules: [rule(['create', 'get', 'list', 'update', 'watch'], ['coordination.k8s.io'], ['leases', 'leasecandidates'])],
  },
  {
    namespace: 'kube-system',
    name: 'system:controller:bootstrap-signer',
    rules: [rule(READ, [''], ['secrets'])],
  },
  {
    namespace: 'kube-system',
    name: 'system:controller:token-cleaner',
    rules: [rule(['delete', 'get', 'list', 'watch'], [''], ['secrets'])],
  },
];

const CONTROLLERS = [
  'clusterrole-aggregation-controller',
  'replicaset-controller',
  'daemon-set-controller',
  'job-controller',
  'statefulset-controller',
  'certificate-controller',
  'generic-garbage-collector',
  'namespace-controller',
  'expand-controller',
  'persistent-volume-binder',
  'service-account-controller',
];

function sa(name: string): Subject {
  return { kind: 'ServiceAccount', namespace: 'kube-system', name };
}

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly BootstrapBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [{ kind: 'Group', name: 'system:masters' }] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  {
    name: 'system:public-info-viewer',
    role: 'system:public-info-viewer',
    subjects: [
      { kind: 'Group', name: 'system:authenticated' },
      { kind: 'Group', name: 'system:unauthenticated' },
    ],
  },
  {
    name: 'system:service-account-issuer-discovery',
    role: 'system:service-account-issuer-discovery',
    subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }],
  },
  { name: 'system:node-proxier', role: 'system:node-proxier', subjects: [{ kind: 'User', name: 'system:kube-proxy' }] },
  {
    name: 'system:kube-controller-manager',
    role: 'system:kube-controller-manager',
    subjects: [{ kind: 'User', name: 'system:kube-controller-manager' }],
  },
  {
    name: 'system:kube-scheduler',
    role: 'system:kube-scheduler',
    subjects: [{ kind: 'User', name: 'system:kube-scheduler' }],
  },
  { name: 'system:kube-dns', role: 'system:kube-dns', subjects: [sa('kube-dns')] },
  { name: 'system:monitoring', role: 'system:monitoring', subjects: [{ kind: 'Group', name: 'system:monitoring' }] },
  ...CONTROLLERS.map((c) => ({ name: `system:controller:${c}`, role: `system:controller:${c}`, subjects: [sa(c)] })),
];

export const BOOTSTRAP_ROLE_BINDINGS: readonly (BootstrapBinding & { namespace: string })[] = [
  {
    namespace: 'kube-system',
    name: 'system:controller:bootstrap-signer',
    role: 'system:controller:bootstrap-signer',
    subjects: [sa('bootstrap-signer')],
  },
  {
    namespace: 'kube-system',
    name: 'system:controller:token-cleaner',
    role: 'system:controller:token-cleaner',
    subjects: [sa('token-cleaner')],
  },
];

/** Names of the default ClusterRoles, so that a binding to `view` is not reported as a missing role. */
export const BOOTSTRAP_CLUSTER_ROLE_NAMES: ReadonlySet<string> = new Set(BOOTSTRAP_CLUSTER_ROLES.map((r) => r.name));

/** `namespace/name` of the default Roles (kube-system). */
export const BOOTSTRAP_ROLE_KEYS: ReadonlySet<string> = new Set(
  BOOTSTRAP_NAMESPACE_ROLES.map((r) => `${r.namespace}/${r.name}`),
);
