import type { KubeObject } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import type { Severity } from '../../model/severity.js';
import { defineRule, type RuleHit } from '../rule.js';
import { appSpecOf, describeApp, isMap, isTemplated, sourcesOf } from './argo-app.js';
import { ARGO_PRIVATE_REPOS, ARGO_SECURITY, MITRE_T1195, MITRE_T1557 } from './argo-refs.js';

/** `http://…` or `git://…`: fetched without TLS, so anyone on the path can change what gets deployed. */
export function insecureScheme(url: string): 'http' | 'git' | undefined {
  const m = /^\s*(http|git):\/\//i.exec(url);
  return m?.[1] ? (m[1].toLowerCase() as 'http' | 'git') : undefined;
}

/** A host inside the cluster (`*.svc`, `*.svc.cluster.local`): plain text on the pod network, not the internet. */
function inCluster(url: string): boolean {
  const host = /^\s*[a-z]+:\/\/(?:[^@/]*@)?([^/:]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  return /\.svc(\.cluster\.local)?\.?$/.test(host);
}

function hitFor(url: string, path: string, what: string): RuleHit | undefined {
  if (isTemplated(url)) return undefined;
  const scheme = insecureScheme(url);
  if (!scheme) return undefined;
  const severity: Severity = inCluster(url) ? 'medium' : 'high';
  const how =
    scheme === 'git'
      ? 'the unauthenticated git:// protocol (no TLS, no server identity)'
      : inCluster(url)
        ? 'plain HTTP inside the cluster'
        : 'plain HTTP';
  return { path, severity, message: `${what} is fetched over ${how}: "${url.trim()}"` };
}

/** ApplicationSet generators, nested ones (matrix, merge) included, with their pointers. */
function* generators(list: unknown, at: string): Generator<{ gen: Record<string, unknown>; at: string }> {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    const gen = list[i];
    if (!isMap(gen)) continue;
    const here = join(at, i);
    yield { gen, at: here };
    for (const combo of ['matrix', 'merge']) {
      const c = gen[combo];
      if (isMap(c)) yield* generators(c.generators, join(here, combo, 'generators'));
    }
  }
}

function generatorHits(obj: KubeObject): RuleHit[] {
  const spec = obj.raw.spec;
  if (!isMap(spec)) return [];
  const hits: RuleHit[] = [];
  for (const { gen, at } of generators(spec.generators, '/spec/generators')) {
    const git = gen.git;
    if (isMap(git) && typeof git.repoURL === 'string') {
      const h = hitFor(
        git.repoURL,
        join(at, 'git', 'repoURL'),
        `ApplicationSet "${obj.name}" git generator's repository`,
      );
      if (h) hits.push(h);
    }
    // SCM provider and pull request generators send their tokens to `api`
    for (const kind of ['scmProvider', 'pullRequest']) {
      const g = gen[kind];
      if (!isMap(g)) continue;
      for (const [provider, conf] of Object.entries(g)) {
        if (!isMap(conf)) continue;
        if (typeof conf.api === 'string') {
          const h = hitFor(
            conf.api,
            join(at, kind, provider, 'api'),
            `ApplicationSet "${obj.name}" ${kind} generator's ${provider} API (with its token)`,
          );
          if (h) hits.push(h);
        }
        if (conf.insecure === true)
          hits.push({
            path: join(at, kind, provider, 'insecure'),
            message: `ApplicationSet "${obj.name}" ${kind} generator skips TLS verification of the ${provider} API (insecure: true), where it sends its token`,
          });
      }
    }
  }
  return hits;
}

export const rule = defineRule({
  id: 'argocd-source-insecure-transport',
  title: 'Argo CD source fetched over plain HTTP or git://',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'object',
  description:
    "An Application's source (`repoURL` of `spec.source`, each of `spec.sources`, or the source hydrator's dry source), a Helm value file given by URL, an ApplicationSet template's source, or an ApplicationSet git generator's repository is fetched over `http://` or `git://`; or an ApplicationSet SCM-provider or pull-request generator talks to its API over `http://` or with `insecure: true`. Without TLS anyone on the network path can change the manifests Argo CD applies (and `git://` has no authentication at all), and credentials sent with the request travel in clear. A host inside the cluster (`*.svc`, `*.svc.cluster.local`) is reported at medium. Templated URLs (`{{...}}`) are not judged.",
  remediation:
    "Use `https://` (with the repository's certificate in Argo CD's TLS settings when it is private) or SSH (`ssh://git@host/org/repo.git`), and OCI registries over HTTPS; remove `insecure: true` and trust the API's CA instead.",
  references: [ARGO_PRIVATE_REPOS, ARGO_SECURITY, MITRE_T1557, MITRE_T1195],
  check(obj) {
    const app = appSpecOf(obj);
    const hits: RuleHit[] = [];
    if (app) {
      for (const { source, at, label } of sourcesOf(app)) {
        if (typeof source.repoURL === 'string') {
          const h = hitFor(source.repoURL, join(at, 'repoURL'), `${describeApp(obj, app)} ${label}`);
          if (h) hits.push(h);
        }
        const helm = source.helm;
        if (isMap(helm) && Array.isArray(helm.valueFiles))
          helm.valueFiles.forEach((f, i) => {
            if (typeof f !== 'string') return;
            const h = hitFor(f, join(at, 'helm', 'valueFiles', i), `${describeApp(obj, app)} value file`);
            if (h) hits.push(h);
          });
      }
    }
    if (obj.kind === 'ApplicationSet' && obj.apiVersion.startsWith('argoproj.io/')) hits.push(...generatorHits(obj));
    return hits;
  },
});
