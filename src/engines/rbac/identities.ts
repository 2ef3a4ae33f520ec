import { annotationsOf, type KubeObject, labelsOf } from '../../model/kube-object.js';
import { matchesSelector, parseLabelSelector } from '../../model/selector.js';
import type { RbacEngine } from './engine.js';
import { isFullWildcard } from './match.js';
import type { TechniqueId } from './techniques.js';

export type CloudIdentity =
  | { provider: 'aws'; roleArn: string }
  | { provider: 'gcp'; serviceAccount: string }
  | { provider: 'azure'; clientId: string; tenantId: string | undefined }
  | { provider: 'spiffe'; clusterSpiffeId: string; spiffeIdTemplate: string };

export interface IdentityEntry {
  namespace: string;
  name: string;
  /** The ServiceAccount object, when it is among the inputs. */
  object: KubeObject | undefined;
  workloads: { kind: string; name: string; automount: boolean }[];
  /** The ServiceAccount's own automountServiceAccountToken (undefined when unset: true by default). */
  automount: boolean | undefined;
  /** True when any workload running as it mounts the token. */
  tokenMounted: boolean;
  legacyTokenSecrets: string[];
  /** Bindings that name the account; `default` marks the API server's own (kube-system's controller accounts). */
  bindings: { kind: string; namespace: string | undefined; name: string; role: string; default: boolean }[];
  /**
   * Its effective rules beyond the defaults every service account holds through
   * its groups (discovery, self-reviews, issuer discovery), which `defaultRules` counts.
   */
  permissions: { rules: number; clusterWide: boolean; wildcard: boolean; namespaces: string[]; defaultRules: number };
  escalation: TechniqueId[];
  cloud: CloudIdentity[];
}

/**
 * Every service account of the inputs (objects, accounts workloads run as,
 * accounts with token Secrets; a namespace's `default` only when something
 * uses or binds it), with its workloads, tokens, bindings, effective
 * permissions and the cloud identity it federates to.
 */
export function identityInventory(engine: RbacEngine, objects: readonly KubeObject[]): IdentityEntry[] {
  const { policy, facts, escalation } = engine;
  const spiffe = objects.filter((o) => o.kind === 'ClusterSPIFFEID' && o.apiVersion.startsWith('spire.spiffe.io/'));
  const nsLabels = new Map<string, Record<string, string>>();
  for (const o of objects) if (o.kind === 'Namespace') nsLabels.set(o.name, labelsOf(o.raw));
  const out: IdentityEntry[] = [];
  for (const ns of facts.namespaces().sort()) {
    for (const { name } of facts.serviceAccountsIn(ns).sort((a, b) => a.name.localeCompare(b.name))) {
      const key = `${ns}/${name}`;
      const object = facts.serviceAccountObjects.get(key);
      const used = facts.workloadsBySA.get(key) ?? [];
      const bindings = policy.bindings.filter((b) =>
        b.subjects.some(
          (s) => s.subject.kind === 'ServiceAccount' && s.subject.namespace === ns && s.subject.name === name,
        ),
      );
      const tokens = facts.tokenSecrets.get(key) ?? [];
      if (!object && used.length === 0 && bindings.length === 0 && tokens.length === 0) continue;
      const all = policy.grantsForSubject({ kind: 'ServiceAccount', namespace: ns, name });
      const grants = all.filter((g) => !policy.isBaselineGrant(g));
      const annotations = object ? annotationsOf(object.raw) : {};
      const cloud: CloudIdentity[] = [];
      const arn = annotations['eks.amazonaws.com/role-arn'];
      if (arn) cloud.push({ provider: 'aws', roleArn: arn });
      const gsa = annotations['iam.gke.io/gcp-service-account'];
      if (gsa) cloud.push({ provider: 'gcp', serviceAccount: gsa });
      const azure = annotations['azure.workload.identity/client-id'];
      if (azure)
        cloud.push({ provider: 'azure', clientId: azure, tenantId: annotations['azure.workload.identity/tenant-id'] });
      for (const c of spiffe) {
        const spec = (c.raw.spec ?? {}) as Record<string, unknown>;
        const pod = parseLabelSelector(spec.podSelector);
        const nsSel = parseLabelSelector(spec.namespaceSelector);
        if (!pod.ok || !nsSel.ok) continue;
        const labels = { 'kubernetes.io/metadata.name': ns, ...(nsLabels.get(ns) ?? {}) };
        if (!matchesSelector(nsSel.selector, labels)) continue;
        if (!used.some((w) => matchesSelector(pod.selector, w.workload.podLabels))) continue;
        const template = typeof spec.spiffeIDTemplate === 'string' ? spec.spiffeIDTemplate : '';
        cloud.push({
          provider: 'spiffe',
          clusterSpiffeId: c.name,
          spiffeIdTemplate: template
            .replace(/\{\{\s*\.PodMeta\.Namespace\s*\}\}/g, ns)
            .replace(/\{\{\s*\.PodSpec\.ServiceAccountName\s*\}\}/g, name),
        });
      }
      out.push({
        namespace: ns,
        name,
        object,
        workloads: used.map((w) => ({ kind: w.workload.kind, name: w.workload.object.name, automount: w.automount })),
        automount:
          typeof object?.raw.automountServiceAccountToken === 'boolean'
            ? object.raw.automountServiceAccountToken
            : undefined,
        tokenMounted: used.some((w) => w.automount),
        legacyTokenSecrets: tokens.map((t) => t.name),
        bindings: bindings.map((b) => ({
          kind: b.kind,
          namespace: b.namespace,
          name: b.name,
          role: `${b.roleRef.kind}/${b.roleRef.name}`,
          default: b.bootstrap,
        })),
        permissions: {
          rules: grants.length,
          clusterWide: grants.some((g) => g.scope === '*'),
          wildcard: grants.some((g) => isFullWildcard(g.rule)),
          namespaces: [...new Set(grants.filter((g) => g.scope !== '*').map((g) => g.scope))].sort(),
          defaultRules: all.length - grants.length,
        },
        escalation: escalation.pathsFrom(`ServiceAccount:${ns}:${name}`).map((p) => p.technique),
        cloud,
      });
    }
  }
  return out;
}
