import type { Finding, ScanResult } from '../../src/model/finding.js';
import type { ReportContext } from '../../src/report/reporter.js';
import type { RuleMeta } from '../../src/rules/rule.js';

/** A message with everything that output formats must escape: quotes, markup, a pipe, a mention, ESC. */
export const HOSTILE_MESSAGE = 'image "nginx:1.25|<b>x</b>" & \'tag\' by @admins `sh` [link](http://x) \u001b[31mred';

const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'web' };

export const RULES: RuleMeta[] = [
  {
    id: 'privileged-container',
    title: 'Container runs privileged',
    category: 'pod-security',
    severity: 'critical',
    description: 'A privileged container has every capability of the host.',
    remediation: 'Set securityContext.privileged to false.',
    references: [
      { title: 'CIS 5.2.1' },
      { title: 'Pod Security Standards', url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/' },
    ],
  },
  {
    id: 'image-digest-not-pinned',
    title: 'Image not pinned by digest',
    category: 'supply-chain',
    severity: 'high',
    description: 'A tag can be moved to other content.',
    remediation: 'Reference images by digest.',
    references: [{ title: 'SLSA', url: 'https://slsa.dev/' }],
  },
  {
    id: 'rbac-wildcard',
    title: 'Role grants wildcard access',
    category: 'identity',
    severity: 'high',
    description: 'Wildcards grant access to resources that do not exist yet.',
    remediation: 'List resources and verbs explicitly.',
    references: [],
  },
  {
    id: 'replicas-too-few',
    title: 'Fewer than two replicas',
    category: 'resilience',
    severity: 'low',
    description: 'One replica means downtime on every rollout.',
    remediation: 'Run at least two replicas.',
    references: [],
  },
  {
    id: 'namespace-without-default-deny',
    title: 'Namespace has no default-deny NetworkPolicy',
    category: 'network',
    severity: 'medium',
    description: 'Without a default deny every pod accepts traffic from anywhere.',
    remediation: 'Add a default-deny NetworkPolicy.',
    references: [],
  },
  {
    id: 'run-as-root',
    title: 'Container may run as root',
    category: 'pod-security',
    severity: 'high',
    description: 'Root in a container is root on the host after an escape.',
    remediation: 'Set runAsNonRoot: true.',
    references: [],
  },
  {
    id: 'pdb-missing',
    title: 'No PodDisruptionBudget',
    category: 'resilience',
    severity: 'medium',
    description: 'Without a budget, a drain can take every replica down.',
    remediation: 'Add a PodDisruptionBudget.',
    references: [],
  },
];

/**
 * Findings with and without objects, with and without lines and columns,
 * one without any source (cluster scan), one rule id that has no metadata
 * (`yaml-invalid`), and two exempted findings (config and annotation).
 */
export function sampleResult(): ScanResult {
  const findings: Finding[] = [
    {
      ruleId: 'privileged-container',
      severity: 'critical',
      category: 'pod-security',
      message: 'Container "web" runs privileged',
      object: web,
      path: '/spec/template/spec/containers/0/securityContext/privileged',
      source: { file: 'deploy/web.yaml', line: 30, column: 13 },
    },
    {
      ruleId: 'image-digest-not-pinned',
      severity: 'high',
      category: 'supply-chain',
      message: HOSTILE_MESSAGE,
      object: web,
      path: '/spec/template/spec/containers/0/image',
      source: { file: 'deploy/web.yaml', line: 21, column: 16 },
    },
    {
      ruleId: 'rbac-wildcard',
      severity: 'high',
      category: 'identity',
      message: 'ClusterRole grants * on *',
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin-all' },
      path: '/rules/0',
      source: { file: 'rbac.yaml', line: 7 },
    },
    {
      ruleId: 'replicas-too-few',
      severity: 'low',
      category: 'resilience',
      message: 'Deployment has 1 replica',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'api' },
      path: '/spec/replicas',
      source: { file: 'deploy/api.yaml' },
    },
    {
      ruleId: 'yaml-invalid',
      severity: 'info',
      category: 'governance',
      message: 'Unexpected end of document',
      source: { file: 'broken.yaml', line: 4, column: 2 },
    },
    {
      ruleId: 'namespace-without-default-deny',
      severity: 'medium',
      category: 'network',
      message: 'Namespace prod has no default-deny ingress policy',
      object: { apiVersion: 'v1', kind: 'Namespace', name: 'prod' },
      path: '',
    },
  ];
  const exempted: Finding[] = [
    {
      ruleId: 'run-as-root',
      severity: 'high',
      category: 'pod-security',
      message: 'Container "web" may run as root',
      object: web,
      path: '/spec/template/spec/containers/0',
      source: { file: 'deploy/web.yaml', line: 18, column: 9 },
      exemption: {
        via: 'config',
        reason: 'legacy image, migration tracked in PLAT-12',
        owner: 'team-web',
        expires: '2030-01-31',
      },
    },
    {
      ruleId: 'replicas-too-few',
      severity: 'low',
      category: 'resilience',
      message: 'Deployment has 1 replica',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dev', name: 'web' },
      path: '/spec/replicas',
      source: { file: 'deploy/dev/web.yaml', line: 9, column: 13 },
      exemption: { via: 'annotation', reason: 'dev runs one replica' },
    },
  ];
  return {
    findings,
    exempted,
    stats: { files: 4, objects: 9, skippedDocuments: 1, skippedFiles: 0, durationMs: 1234 },
  };
}

export function sampleContext(overrides: Partial<ReportContext> = {}): ReportContext {
  return { rules: RULES, color: false, failOn: 'high', showExempted: false, toolVersion: '0.1.0', ...overrides };
}

/** `n` findings of the given severity on distinct objects, for caps and folding. */
export function manyFindings(n: number, severity: Finding['severity']): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    ruleId: 'replicas-too-few',
    severity,
    category: 'resilience' as const,
    message: `Deployment app-${i} has 1 replica`,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'bulk', name: `app-${i}` },
    path: '/spec/replicas',
    source: { file: `bulk/app-${i}.yaml`, line: 8, column: 13 },
  }));
}
