import type { Finding } from '../model/finding.js';
import { SEVERITIES, type Severity } from '../model/severity.js';

/**
 * Rules that judge one fact about a pod from different sides: a bare
 * Deployment fails four restricted Pod Security checks because it has no
 * securityContext, and three service-account rules because it runs with the
 * namespace's default token. Each keeps its rule id (configuration and
 * exemptions name it); the human reports show the findings of one group on
 * one object as one cause, its rule ids listed.
 */
export interface CauseGroup {
  readonly id: string;
  /** What the findings have in common, as a reader scanning the table wants it named. */
  readonly title: string;
  /** Rule ids, in the order they are listed. */
  readonly rules: readonly string[];
}

export const CAUSE_GROUPS: readonly CauseGroup[] = [
  {
    id: 'security-context',
    title: 'securityContext not hardened',
    rules: [
      'pss-run-as-non-root',
      'pss-run-as-user',
      'pss-allow-privilege-escalation',
      'pss-capabilities-restricted',
      'pss-seccomp-profile-restricted',
      'pss-proc-mount-restricted',
      'readonly-root-filesystem',
      'run-as-root-group',
    ],
  },
  {
    id: 'service-account-token',
    title: 'service account and its token',
    rules: ['default-service-account', 'automount-service-account-token', 'token-mounted-without-permissions'],
  },
  {
    id: 'probes',
    title: 'health probes missing or wrong',
    rules: ['readiness-probe-missing', 'liveness-probe-missing', 'liveness-equals-readiness'],
  },
  {
    id: 'resources',
    title: 'resource requests or limits missing',
    rules: ['resource-requests-missing', 'memory-limit-missing'],
  },
  {
    id: 'image-pinning',
    title: 'image not pinned',
    rules: ['image-tag-latest', 'image-digest-not-pinned', 'image-pull-policy-not-always'],
  },
  {
    id: 'default-deny',
    title: 'no default-deny NetworkPolicy',
    rules: ['namespace-without-default-deny-ingress', 'namespace-without-default-deny-egress'],
  },
];

const GROUP_OF = new Map<string, CauseGroup>(CAUSE_GROUPS.flatMap((g) => g.rules.map((r) => [r, g] as const)));

/** One line of a human report: a finding alone, or the findings of one group on one object. */
export interface Cause {
  /** The findings, in the group's rule order (one for a finding alone). */
  findings: Finding[];
  /** Set when two or more findings of a group were joined. */
  group: CauseGroup | undefined;
  /** The worst severity among the findings. */
  severity: Severity;
  /** The topmost finding: where to start reading. */
  first: Finding;
  /** The JSON pointer the findings share (`/spec/template/spec`), or the finding's own path. */
  path: string | undefined;
}

/**
 * The findings about one object (one table block), as causes in order of
 * first appearance: findings of a CAUSE_GROUPS group join the group's cause;
 * every other finding is a cause of its own.
 */
export function causesOf(findings: readonly Finding[]): Cause[] {
  const byGroup = new Map<CauseGroup, Finding[]>();
  const order: Array<Finding | CauseGroup> = [];
  for (const f of findings) {
    const g = GROUP_OF.get(f.ruleId);
    if (!g) {
      order.push(f);
      continue;
    }
    let list = byGroup.get(g);
    if (!list) {
      byGroup.set(g, (list = []));
      order.push(g);
    }
    list.push(f);
  }
  return order.map((x) => {
    if (!('rules' in x)) return single(x);
    const list = byGroup.get(x) ?? [];
    if (list.length === 1 && list[0]) return single(list[0]);
    const first = list[0] as Finding;
    const sorted = [...list].sort((a, b) => x.rules.indexOf(a.ruleId) - x.rules.indexOf(b.ruleId));
    return {
      findings: sorted,
      group: x,
      severity: worst(list),
      first,
      path: commonPointer(list.map((f) => f.path)),
    };
  });
}

function single(f: Finding): Cause {
  return { findings: [f], group: undefined, severity: f.severity, first: f, path: f.path };
}

function worst(findings: readonly Finding[]): Severity {
  let best = SEVERITIES.length - 1;
  for (const f of findings) best = Math.min(best, SEVERITIES.indexOf(f.severity));
  return SEVERITIES[best] ?? 'info';
}

/** The longest pointer every path starts with (segment-wise); undefined when a finding has no path. */
export function commonPointer(paths: ReadonlyArray<string | undefined>): string | undefined {
  let common: string[] | undefined;
  for (const p of paths) {
    if (p === undefined) return undefined;
    const segs = p === '' ? [] : p.slice(1).split('/');
    if (!common) {
      common = segs;
      continue;
    }
    let i = 0;
    while (i < common.length && i < segs.length && common[i] === segs[i]) i++;
    common = common.slice(0, i);
  }
  return common ? (common.length === 0 ? '' : `/${common.join('/')}`) : undefined;
}
