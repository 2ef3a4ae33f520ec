import type { KubeObject } from '../../model/kube-object.js';
import { defineRule, type RuleHit } from '../rule.js';
import { isRecord, MITRE_T1557, NSA_CISA_NETWORK, objectName, rec } from './shared.js';

/**
 * Annotations with which a controller terminates TLS without `spec.tls`
 * (a cloud certificate, or TLS passed through to the pods): they cover every host.
 */
const TLS_ANNOTATIONS: ReadonlyArray<{ key: string; covers: (v: string) => boolean; cel: string }> = [
  { key: 'alb.ingress.kubernetes.io/certificate-arn', covers: (v) => v !== '', cel: "!= ''" },
  { key: 'alb.ingress.kubernetes.io/listen-ports', covers: (v) => v.includes('HTTPS'), cel: ".contains('HTTPS')" },
  { key: 'ingress.gcp.kubernetes.io/pre-shared-cert', covers: (v) => v !== '', cel: "!= ''" },
  { key: 'networking.gke.io/managed-certificates', covers: (v) => v !== '', cel: "!= ''" },
  { key: 'appgw.ingress.kubernetes.io/appgw-ssl-certificate', covers: (v) => v !== '', cel: "!= ''" },
  { key: 'nginx.ingress.kubernetes.io/ssl-passthrough', covers: (v) => v === 'true', cel: "== 'true'" },
];

const GATEWAY_API = 'gateway.networking.k8s.io/';

/** A TLS host covers a rule host: the same name, or `*.suffix` for exactly one more label (certificate wildcards). */
function tlsCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const suffix = tlsHost.slice(1);
  return host.length > suffix.length && host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
}

/** A Gateway listener hostname covers another: the same name, or `*.suffix` for any name below it (Gateway API). */
function listenerCovers(tlsHost: string, host: string): boolean {
  return tlsHost === host || (tlsHost.startsWith('*.') && host.endsWith(tlsHost.slice(1)));
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const WILDCARD_ONE_LABEL =
  "(h.startsWith('*.') && r.host.endsWith(h.substring(1)) && size(r.host) > size(h) - 1 && !r.host.substring(0, size(r.host) - size(h) + 1).contains('.'))";
const INGRESS_ANNOTATED = TLS_ANNOTATIONS.map(
  (a) => `('${a.key}' in object.metadata.annotations && object.metadata.annotations['${a.key}'] ${a.cel})`,
).join(' || ');
const RULE_COVERED =
  "has(object.spec.tls) && object.spec.tls.exists(t, !has(t.hosts) || size(t.hosts) == 0 || (has(r.host) && r.host != '' && t.hosts.exists(h, h == r.host || " +
  `${WILDCARD_ONE_LABEL})))`;

export const rule = defineRule({
  id: 'ingress-tls-missing',
  title: 'Ingress host or Gateway listener served without TLS',
  category: 'network',
  severity: 'medium',
  appliesTo: ['Ingress', 'Gateway'],
  needs: 'object',
  cel: {
    matchKinds: ['Ingress', 'Gateway'],
    validations: [
      {
        expression: `object.kind != 'Ingress' || (has(object.metadata.annotations) && (${INGRESS_ANNOTATED})) || (has(object.spec.rules) && size(object.spec.rules) > 0 ? object.spec.rules.all(r, ${RULE_COVERED}) : (has(object.spec.tls) && size(object.spec.tls) > 0))`,
        message: 'every host of the Ingress must be covered by a spec.tls entry',
      },
      {
        expression: `object.kind != 'Gateway' || !object.apiVersion.startsWith('${GATEWAY_API}') || !has(object.spec.listeners) || object.spec.listeners.all(l, !has(l.protocol) || l.protocol != 'HTTP' || object.spec.listeners.exists(t, has(t.protocol) && t.protocol in ['HTTPS', 'TLS'] && (!has(l.hostname) || !has(t.hostname) || t.hostname == l.hostname || (t.hostname.startsWith('*.') && l.hostname.endsWith(t.hostname.substring(1))))))`,
        message: 'every HTTP listener of the Gateway must have an HTTPS or TLS listener for its hostname',
      },
    ],
  },
  description:
    'A host of this Ingress (a `rules[].host`) is not listed in any `spec.tls` entry, so the controller serves it over plain HTTP only: credentials, cookies and data cross the network readable and changeable by anyone on the path. A `tls` entry without `hosts` covers every host; a wildcard `*.example.com` covers exactly one more label (`shop.example.com`, not `example.com` nor `a.b.example.com`), as certificates do. A rule without a host answers any name and is covered only by a `tls` entry without hosts. TLS configured by controller annotations (an AWS certificate ARN or HTTPS listen port, a GCE pre-shared or managed certificate, an Application Gateway certificate, NGINX SSL passthrough) counts. For a Gateway API Gateway, an HTTP listener is reported when no HTTPS or TLS listener serves its hostname.',
  remediation:
    'Add a `spec.tls` entry listing the host with the Secret of its certificate (cert-manager can issue it: annotate the Ingress with `cert-manager.io/cluster-issuer`), and redirect HTTP to HTTPS. For a Gateway, add an HTTPS listener with `tls.certificateRefs` for the hostname and keep the HTTP listener for the redirect only.',
  references: [
    { title: 'Kubernetes: Ingress, TLS', url: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls' },
    {
      title: 'Gateway API: TLS configuration',
      url: 'https://gateway-api.sigs.k8s.io/guides/tls/',
    },
    {
      title: 'Gatekeeper library: HTTPS only (k8shttpsonly)',
      url: 'https://open-policy-agent.github.io/gatekeeper-library/website/validation/httpsonly',
    },
    NSA_CISA_NETWORK,
    MITRE_T1557,
    { title: 'MITRE ATT&CK T1040 (Network Sniffing)', url: 'https://attack.mitre.org/techniques/T1040/' },
  ],
  check(obj) {
    if (obj.kind === 'Gateway') return obj.apiVersion.startsWith(GATEWAY_API) ? gatewayHits(obj) : undefined;
    const annotations = rec(rec(obj.raw.metadata).annotations);
    if (
      TLS_ANNOTATIONS.some((a) => {
        const v = annotations[a.key];
        return typeof v === 'string' && a.covers(v);
      })
    )
      return undefined;
    const spec = rec(obj.raw.spec);
    const name = objectName(obj);
    const tls = Array.isArray(spec.tls) ? spec.tls.filter(isRecord) : [];
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    if (rules.length === 0)
      return tls.length > 0
        ? undefined
        : [{ path: '/spec', message: `${name} has no spec.tls: its default backend is served over plain HTTP only` }];
    // a tls entry without hosts takes the controller's default certificate for every host
    if (tls.some((t) => !Array.isArray(t.hosts) || t.hosts.length === 0)) return undefined;
    const tlsHosts = tls.flatMap((t) => (t.hosts as unknown[]).filter((h): h is string => typeof h === 'string'));
    const none = tls.length === 0 ? 'the Ingress has no spec.tls' : 'no spec.tls entry lists it';
    const hits: RuleHit[] = [];
    rules.forEach((r, i) => {
      const host = str(rec(r).host);
      if (host === undefined) {
        hits.push({
          path: `/spec/rules/${i}`,
          message: `${name} rule ${i} has no host (it answers any name) and is served over plain HTTP: ${tls.length === 0 ? 'the Ingress has no spec.tls' : 'only a spec.tls entry without hosts would cover it'}`,
        });
        return;
      }
      if (tlsHosts.some((h) => tlsCovers(h, host))) return;
      hits.push({ path: `/spec/rules/${i}/host`, message: `${name} serves host "${host}" over plain HTTP: ${none}` });
    });
    return hits;
  },
});

function gatewayHits(obj: KubeObject): RuleHit[] {
  const listeners = Array.isArray(rec(obj.raw.spec).listeners) ? (rec(obj.raw.spec).listeners as unknown[]) : [];
  const secure = listeners
    .map(rec)
    .filter((l) => l.protocol === 'HTTPS' || l.protocol === 'TLS')
    .map((l) => str(l.hostname));
  const hits: RuleHit[] = [];
  listeners.forEach((raw, i) => {
    const l = rec(raw);
    if (l.protocol !== 'HTTP') return;
    const host = str(l.hostname);
    if (secure.some((s) => host === undefined || s === undefined || listenerCovers(s, host))) return;
    const label = `listener ${str(l.name) ?? i}${host ? ` for "${host}"` : ''} (port ${String(l.port ?? '?')})`;
    hits.push({
      path: `/spec/listeners/${i}/protocol`,
      message: `${objectName(obj)} ${label} serves plain HTTP and ${secure.length === 0 ? 'the Gateway has no HTTPS or TLS listener' : 'no HTTPS or TLS listener serves its hostname'}`,
    });
  });
  return hits;
}
