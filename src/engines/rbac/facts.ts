import { annotationsOf, type KubeObject, labelsOf } from '../../model/kube-object.js';
import { type Workload, workloadOf } from '../../model/workload.js';

/** A workload and the service account its pods run as. */
export interface WorkloadIdentity {
  workload: Workload;
  namespace: string;
  serviceAccount: string;
  /** Pointer to the serviceAccountName field, or to the pod spec when it is not set. */
  serviceAccountPath: string;
  /** False only when the pod spec sets automountServiceAccountToken: false, or the pod spec does not say and the SA does. */
  automount: boolean;
  automountPath: string;
}

/**
 * What escalation and inventory need to know about the objects besides RBAC:
 * which service accounts exist or are used, by which workloads, their legacy
 * token Secrets, and the Pod Security level each namespace enforces.
 */
export class IdentityFacts {
  /** Service accounts by namespace: objects, names used by workloads, and `default` of every namespace seen. */
  readonly serviceAccounts = new Map<string, Set<string>>();
  readonly serviceAccountObjects = new Map<string, KubeObject>();
  readonly workloads: WorkloadIdentity[] = [];
  /** `ns/sa` → workloads that run as it. */
  readonly workloadsBySA = new Map<string, WorkloadIdentity[]>();
  /** `ns/sa` → Secrets of type kubernetes.io/service-account-token. */
  readonly tokenSecrets = new Map<string, KubeObject[]>();
  /** Namespace → `pod-security.kubernetes.io/enforce` label, for namespaces present as objects. */
  readonly enforce = new Map<string, string>();

  constructor(objects: readonly KubeObject[]) {
    const secrets: KubeObject[] = [];
    for (const o of objects) {
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') {
        this.addNamespace(o.name);
        const level = labelsOf(o.raw)['pod-security.kubernetes.io/enforce'];
        if (level) this.enforce.set(o.name, level);
      } else if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1') {
        const ns = o.namespace ?? 'default';
        this.addSA(ns, o.name);
        this.serviceAccountObjects.set(`${ns}/${o.name}`, o);
      } else if (o.kind === 'Secret' && o.apiVersion === 'v1') {
        secrets.push(o);
      }
    }
    for (const o of objects) {
      const w = workloadOf(o);
      if (!w) continue;
      const ns = o.namespace ?? 'default';
      const spec = w.podSpec;
      const explicit =
        typeof spec.serviceAccountName === 'string' && spec.serviceAccountName
          ? 'serviceAccountName'
          : typeof spec.serviceAccount === 'string' && spec.serviceAccount
            ? 'serviceAccount'
            : undefined;
      const sa = explicit ? (spec[explicit] as string) : 'default';
      const saObj = this.serviceAccountObjects.get(`${ns}/${sa}`);
      const podSays = spec.automountServiceAccountToken;
      const saSays = saObj?.raw.automountServiceAccountToken;
      const automount = typeof podSays === 'boolean' ? podSays : saSays !== false;
      const wi: WorkloadIdentity = {
        workload: w,
        namespace: ns,
        serviceAccount: sa,
        serviceAccountPath: explicit ? `${w.podSpecPath}/${explicit}` : w.podSpecPath,
        automount,
        automountPath: `${w.podSpecPath}${typeof podSays === 'boolean' ? '/automountServiceAccountToken' : ''}`,
      };
      this.workloads.push(wi);
      this.addSA(ns, sa);
      push(this.workloadsBySA, `${ns}/${sa}`, wi);
    }
    for (const s of secrets) {
      if (s.raw.type !== 'kubernetes.io/service-account-token') continue;
      const sa = annotationsOf(s.raw)['kubernetes.io/service-account.name'];
      if (!sa) continue;
      const ns = s.namespace ?? 'default';
      this.addSA(ns, sa);
      push(this.tokenSecrets, `${ns}/${sa}`, s);
    }
  }

  private addNamespace(ns: string): void {
    if (!this.serviceAccounts.has(ns)) this.serviceAccounts.set(ns, new Set(['default']));
  }

  private addSA(ns: string, name: string): void {
    this.addNamespace(ns);
    this.serviceAccounts.get(ns)?.add(name);
  }

  namespaces(): string[] {
    return [...this.serviceAccounts.keys()];
  }

  /** Service accounts of one namespace, or of every namespace for `*`. */
  serviceAccountsIn(scope: string): { namespace: string; name: string }[] {
    const out: { namespace: string; name: string }[] = [];
    const nss = scope === '*' ? this.namespaces() : [scope];
    for (const ns of nss) for (const name of this.serviceAccounts.get(ns) ?? []) out.push({ namespace: ns, name });
    return out;
  }

  /** True when the namespace enforces baseline or restricted Pod Security (so a privileged pod is rejected). */
  blocksPrivilegedPods(namespace: string): boolean {
    const level = this.enforce.get(namespace);
    return level === 'baseline' || level === 'restricted';
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
