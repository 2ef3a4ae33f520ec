import type { KubeObject } from '../../model/kube-object.js';
import type { Severity } from '../../model/severity.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, inClusterHost, isFlux, isMap, specOf, text } from './flux.js';
import {
  FLUX_BUCKETS,
  FLUX_GIT_REPOSITORIES,
  FLUX_HELM_REPOSITORIES,
  FLUX_OCI_REPOSITORIES,
  FLUX_RFC_INSECURE_HTTP,
  MITRE_T1195,
  MITRE_T1557,
} from './flux-refs.js';

const isHttp = (url: string) => /^\s*http:\/\//i.test(url);

function hit(obj: KubeObject, url: string, path: string, how: string): RuleHit {
  const inside = url !== '' && inClusterHost(url);
  const severity: Severity = inside ? 'medium' : 'high';
  const where = url === '' ? '' : `: "${url.trim()}"${inside ? ' (a host inside the cluster)' : ''}`;
  return { path, severity, message: `${describeFlux(obj)} ${how}${where}` };
}

export const rule = defineRule({
  id: 'flux-source-insecure',
  title: 'Flux source fetched without TLS',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket'],
  needs: 'object',
  cel: {
    matchKinds: ['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket'],
    validations: [
      {
        expression:
          "!(object.kind in ['GitRepository', 'HelmRepository'] && has(object.spec.url) && object.spec.url.trim().lowerAscii().startsWith('http://'))",
        message: 'Flux sources must be fetched over https:// or ssh://, not http://',
      },
      {
        expression:
          "!(has(object.spec.insecure) && object.spec.insecure == true && (object.kind != 'HelmRepository' || (has(object.spec.type) && object.spec.type == 'oci')))",
        message: 'Flux sources must not set insecure: true (plain HTTP to the registry or object store)',
      },
      {
        expression:
          "!(object.kind == 'Bucket' && has(object.spec.sts) && has(object.spec.sts.endpoint) && object.spec.sts.endpoint.trim().lowerAscii().startsWith('http://'))",
        message: "a Bucket's security token service must be reached over https://",
      },
    ],
  },
  description:
    "A Flux source is fetched over plain HTTP: a GitRepository or HelmRepository whose `spec.url` is `http://…`, an OCIRepository, an OCI HelmRepository (`type: oci`) or a Bucket with `insecure: true` (source-controller then talks HTTP to the registry or object store), or a Bucket whose security token service (`spec.sts.endpoint`) is `http://…`. Anyone on the network path can then change the manifests, charts or artifacts Flux applies, and credentials sent with the request (the `secretRef`, STS passwords) travel in clear. A host inside the cluster (`*.svc`, `*.svc.cluster.local`) is reported at medium. `insecure` on an HTTP(S) HelmRepository is ignored by Flux and not reported. Flux's own `--insecure-allow-http=false` controller flag (RFC-0004) blocks all of these at run time.",
  remediation:
    "Use `https://` (with the server's CA in the `certSecretRef` when it is private) or `ssh://` for Git, and remove `insecure: true`; set `--insecure-allow-http=false` on source-controller so that an HTTP source fails instead of being fetched.",
  references: [
    FLUX_GIT_REPOSITORIES,
    FLUX_HELM_REPOSITORIES,
    FLUX_OCI_REPOSITORIES,
    FLUX_BUCKETS,
    FLUX_RFC_INSECURE_HTTP,
    MITRE_T1557,
    MITRE_T1195,
  ],
  check(obj) {
    if (!isFlux(obj)) return undefined;
    const spec = specOf(obj);
    if (!spec) return undefined;
    const hits: RuleHit[] = [];
    const url = text(spec.url);
    if ((obj.kind === 'GitRepository' || obj.kind === 'HelmRepository') && url && isHttp(url))
      hits.push(hit(obj, url, '/spec/url', 'is fetched over plain HTTP'));
    if (spec.insecure === true) {
      if (obj.kind === 'OCIRepository' || (obj.kind === 'HelmRepository' && spec.type === 'oci'))
        hits.push(hit(obj, url ?? '', '/spec/insecure', 'pulls from its registry over plain HTTP (insecure: true)'));
      else if (obj.kind === 'Bucket') {
        const endpoint = text(spec.endpoint) ?? '';
        hits.push(
          hit(
            obj,
            endpoint,
            '/spec/insecure',
            'reads its object store over plain HTTP (insecure: true), credentials included',
          ),
        );
      }
    }
    if (obj.kind === 'Bucket' && isMap(spec.sts)) {
      const sts = text(spec.sts.endpoint);
      if (sts && isHttp(sts))
        hits.push(hit(obj, sts, '/spec/sts/endpoint', 'fetches its temporary credentials over plain HTTP'));
    }
    return hits;
  },
});
