/**
 * What runs the webhook in a cluster: namespace, service account, TLS,
 * Deployment, Service, PodDisruptionBudget, NetworkPolicies and the
 * ValidatingWebhookConfiguration. The output passes kubeprint's own rules
 * (a test scans it).
 */
import { stringify } from 'yaml';
import { RULES } from '../rules/registry.js';
import type { Rule } from '../rules/rule.js';
import { VERSION } from '../version.js';
import { generateWebhookTls } from './certs.js';
import { CACHED_RESOURCES } from './cluster-cache.js';

export interface ManifestOptions {
  namespace: string;
  /** The kubeprint image; pin it by digest (`…@sha256:…`). */
  image?: string;
  /** `generated`: a CA and serving certificate made now; `cert-manager`: Issuer + Certificate and CA injection. */
  tls: 'generated' | 'cert-manager';
  rules?: readonly Rule[];
  /** Let the webhook read the cluster (list/watch of the kinds cross-object rules need) and run with `--in-cluster`. */
  clusterAccess?: boolean;
  /** The config mounted at /config holds an `images` policy: the webhook reaches registries. */
  verifyImages?: boolean;
  /**
   * Where the API server's calls to the webhook come from (control-plane node
   * or control-plane network CIDRs): the only sources the ingress
   * NetworkPolicy admits. Without them it admits any source on the webhook
   * port (the API server's addresses differ per cluster).
   */
  apiserverCidrs?: readonly string[];
}

const NAME = 'kubeprint-webhook';
const PORT = 8443;

/** Kind → its API group and resource, for the webhook's rules. */
const RESOURCES: Record<string, { group: string; resource: string }> = {
  Pod: { group: '', resource: 'pods' },
  ReplicationController: { group: '', resource: 'replicationcontrollers' },
  PodTemplate: { group: '', resource: 'podtemplates' },
  Namespace: { group: '', resource: 'namespaces' },
  Service: { group: '', resource: 'services' },
  ServiceAccount: { group: '', resource: 'serviceaccounts' },
  Secret: { group: '', resource: 'secrets' },
  ConfigMap: { group: '', resource: 'configmaps' },
  PersistentVolume: { group: '', resource: 'persistentvolumes' },
  PersistentVolumeClaim: { group: '', resource: 'persistentvolumeclaims' },
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
  HorizontalPodAutoscaler: { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { group: 'policy', resource: 'poddisruptionbudgets' },
  NetworkPolicy: { group: 'networking.k8s.io', resource: 'networkpolicies' },
  Ingress: { group: 'networking.k8s.io', resource: 'ingresses' },
  Gateway: { group: 'gateway.networking.k8s.io', resource: 'gateways' },
  Role: { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  ClusterRole: { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  ClusterRoleBinding: { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  Rollout: { group: 'argoproj.io', resource: 'rollouts' },
  Application: { group: 'argoproj.io', resource: 'applications' },
  ApplicationSet: { group: 'argoproj.io', resource: 'applicationsets' },
  AppProject: { group: 'argoproj.io', resource: 'appprojects' },
  GitRepository: { group: 'source.toolkit.fluxcd.io', resource: 'gitrepositories' },
  OCIRepository: { group: 'source.toolkit.fluxcd.io', resource: 'ocirepositories' },
  HelmRepository: { group: 'source.toolkit.fluxcd.io', resource: 'helmrepositories' },
  HelmChart: { group: 'source.toolkit.fluxcd.io', resource: 'helmcharts' },
  Bucket: { group: 'source.toolkit.fluxcd.io', resource: 'buckets' },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', resource: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', resource: 'helmreleases' },
};

const WORKLOAD_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Rollout',
  'PodTemplate',
];

/** The webhook rules (one per API group) for every kind some rule applies to. */
export function webhookRules(rules: readonly Rule[] = RULES): Array<Record<string, unknown>> {
  const kinds = new Set<string>();
  for (const r of rules) {
    const ks =
      r.appliesTo === 'workloads' ? WORKLOAD_KINDS : r.appliesTo === '*' ? Object.keys(RESOURCES) : r.appliesTo;
    for (const k of ks) if (RESOURCES[k]) kinds.add(k);
  }
  const byGroup = new Map<string, string[]>();
  for (const k of [...kinds].sort()) {
    const res = RESOURCES[k];
    if (!res) continue;
    const list = byGroup.get(res.group) ?? [];
    list.push(res.resource);
    byGroup.set(res.group, list);
  }
  return [...byGroup.entries()].map(([group, resources]) => ({
    apiGroups: [group],
    apiVersions: ['*'],
    operations: ['CREATE', 'UPDATE'],
    resources: resources.sort(),
    scope: '*',
  }));
}

/**
 * The objects, in apply order.
 *
 * @throws KubeprintError INTERNAL when `tls: 'generated'` and openssl is missing
 */
export function admissionManifests(opts: ManifestOptions): Array<Record<string, unknown>> {
  const ns = opts.namespace;
  const image = opts.image ?? `ghcr.io/kubeprint/kubeprint:${VERSION}`;
  const pinned = image.includes('@sha256:');
  const labels = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'kubeprint' };
  const host = `${NAME}.${ns}.svc`;
  const out: Array<Record<string, unknown>> = [];

  out.push({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  });
  // Least privilege: without cluster access the webhook reads nothing from the
  // API server, so its identity has no bindings and no token is mounted; with
  // it, it may only list and watch the kinds its cross-object rules read.
  const access = opts.clusterAccess === true;
  out.push({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: NAME, namespace: ns, labels },
    automountServiceAccountToken: false,
  });
  if (access) {
    const byGroup = new Map<string, string[]>();
    for (const r of CACHED_RESOURCES) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r.resource]);
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: NAME, labels },
      rules: [...byGroup].map(([group, resources]) => ({
        apiGroups: [group],
        resources: resources.sort(),
        verbs: ['list', 'watch'],
      })),
    });
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: ns }],
    });
  }
  out.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${NAME}-config`, namespace: ns, labels },
    data: {
      'kubeprint.yaml': [
        '# .kubeprint.yaml for the webhook: per-rule mode (enforce, warn, audit), severities, exemptions.',
        '# rules:',
        '#   readiness-probe-missing: {mode: enforce}',
        '# Exemption annotations (kubeprint.dev/exempt) are not honoured at admission unless allowed here:',
        '# admission:',
        '#   annotationExemptions:',
        '#     rules: [readiness-probe-missing]',
        '#     users: ["system:serviceaccount:argocd:argocd-application-controller"]',
        'apiVersion: kubeprint.dev/v1alpha1',
        'kind: Config',
        '',
      ].join('\n'),
    },
  });

  let caBundle: string | undefined;
  const webhookAnnotations: Record<string, string> = {};
  if (opts.tls === 'generated') {
    const tls = generateWebhookTls([host, `${NAME}.${ns}.svc.cluster.local`, `${NAME}.${ns}`, NAME], 825);
    caBundle = Buffer.from(tls.caCert).toString('base64');
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${NAME}-tls`, namespace: ns, labels },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(tls.cert).toString('base64'), 'tls.key': Buffer.from(tls.key).toString('base64') },
    });
  } else {
    out.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: `${NAME}-selfsigned`, namespace: ns, labels },
      spec: { selfSigned: {} },
    });
    out.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: NAME, namespace: ns, labels },
      spec: {
        secretName: `${NAME}-tls`,
        dnsNames: [host, `${NAME}.${ns}.svc.cluster.local`],
        issuerRef: { name: `${NAME}-selfsigned`, kind: 'Issuer' },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      },
    });
    webhookAnnotations['cert-manager.io/inject-ca-from'] = `${ns}/${NAME}`;
  }

  const probe = (path: string) => ({
    httpGet: { path, port: PORT, scheme: 'HTTPS' },
    periodSeconds: 5,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  // Outbound connections: the API server (cluster access) and registries (image verification).
  const outbound = access || opts.verifyImages === true;
  // Exemptions, each with its reason (the annotation carries one reason for all its rules).
  const exempt: string[] = [];
  const reasons: string[] = [];
  if (!outbound) {
    exempt.push('egress-denied-without-dns');
    reasons.push('the webhook makes no outbound connection, so all egress (DNS included) is denied on purpose');
  }
  if (!pinned) {
    exempt.push('image-digest-not-pinned');
    reasons.push('the default image is tagged with this kubeprint release; pass --image IMAGE@sha256:... to pin it');
  }
  const deploymentAnnotations: Record<string, string> = {};
  if (exempt.length > 0) {
    deploymentAnnotations['kubeprint.dev/exempt'] = exempt.join(',');
    deploymentAnnotations['kubeprint.dev/exempt-reason'] = reasons.join('; ');
  }
  out.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: NAME,
      namespace: ns,
      labels,
      annotations: deploymentAnnotations,
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: access,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels },
            },
          ],
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'webhook',
              image,
              imagePullPolicy: 'Always',
              args: [
                'admission',
                'serve',
                '--tls-cert=/tls/tls.crt',
                '--tls-key=/tls/tls.key',
                `--port=${PORT}`,
                '--config=/config/kubeprint.yaml',
                '--drain-seconds=20',
                ...(access ? ['--in-cluster'] : []),
              ],
              ports: [{ name: 'https', containerPort: PORT, protocol: 'TCP' }],
              readinessProbe: probe('/readyz'),
              livenessProbe: { ...probe('/healthz'), periodSeconds: 10 },
              // a judging worker thread beside the server's, and reviews of up to 4 MiB in flight
              resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '512Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'tls', mountPath: '/tls', readOnly: true },
                { name: 'config', mountPath: '/config', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'tls', secret: { secretName: `${NAME}-tls` } },
            { name: 'config', configMap: { name: `${NAME}-config` } },
          ],
        },
      },
    },
  });
  out.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace: ns, labels },
    spec: { selector: labels, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
  });
  out.push({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: NAME, namespace: ns, labels },
    spec: { minAvailable: 1, selector: { matchLabels: labels } },
  });
  out.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: ns, labels },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  // The API server is not a pod: no pod or namespace selector can name it.
  // With the control plane's CIDRs, only they reach the webhook port; without,
  // any source does (the API server calls from the host network of
  // control-plane nodes, or from a managed control plane, whose addresses
  // differ per cluster). docs/admission.md says what each setup needs.
  const cidrs = opts.apiserverCidrs ?? [];
  out.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: `${NAME}-ingress`,
      namespace: ns,
      labels,
      ...(cidrs.length === 0
        ? {
            annotations: {
              'kubeprint.dev/exempt': 'workload-exposed-to-cluster-or-internet',
              'kubeprint.dev/exempt-reason':
                'the API server calls the webhook from addresses outside the pod network that differ per cluster (host network, managed control planes) and were not given (admission manifests --apiserver-cidr); only the webhook port is open',
            },
          }
        : {}),
    },
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress'],
      ingress: [
        {
          ...(cidrs.length > 0 ? { from: cidrs.map((cidr) => ({ ipBlock: { cidr } })) } : {}),
          ports: [{ port: PORT, protocol: 'TCP' }],
        },
      ],
    },
  });

  if (outbound) {
    // DNS, and HTTPS to the API server (443 at its Service, 6443 at its endpoints,
    // which NetworkPolicies see after the Service's address translation) and to
    // registries, whose addresses differ per cluster and registry
    out.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${NAME}-egress`, namespace: ns, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
          {
            ports: [
              { port: 443, protocol: 'TCP' },
              { port: 6443, protocol: 'TCP' },
            ],
          },
        ],
      },
    });
  }

  const notOwnNamespaces = {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', ns] }],
  };
  const rules = webhookRules(opts.rules);
  const webhook = (name: string, path: string, failurePolicy: 'Fail' | 'Ignore', timeoutSeconds: number) => ({
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy,
    matchPolicy: 'Equivalent',
    timeoutSeconds,
    namespaceSelector: notOwnNamespaces,
    rules,
    clientConfig: {
      service: { name: NAME, namespace: ns, path, port: 443 },
      ...(caBundle ? { caBundle } : {}),
    },
  });
  out.push({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: 'kubeprint',
      labels,
      ...(Object.keys(webhookAnnotations).length ? { annotations: webhookAnnotations } : {}),
    },
    webhooks: [
      webhook('enforce.kubeprint.dev', '/validate', 'Fail', 5),
      webhook('advisory.kubeprint.dev', '/validate/advisory', 'Ignore', 3),
    ],
  });
  return out;
}

/** Objects as one multi-document YAML stream. */
export function manifestsYaml(objects: ReadonlyArray<Record<string, unknown>>): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}
