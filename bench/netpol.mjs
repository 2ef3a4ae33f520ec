// Benchmark of the NetworkPolicy reachability engine on a generated cluster:
// 5,400 pods (Deployments) in 600 namespaces with 13,700 NetworkPolicies.
// Prints the wall time and peak RSS of the full connectivity computation.
// Run: npm run bench:netpol (builds first; reads dist/).
import { performance } from 'node:perf_hooks';
import { connectivity } from '../dist/engines/netpol/index.js';
import { toKubeObject } from '../dist/model/kube-object.js';

const NAMESPACES = 600;
const PODS_PER_NS = 9;
const POLICIES = 13_700;
const TIERS = ['frontend', 'backend', 'db'];

function generate() {
  const raw = [];
  let policies = 0;
  const np = (ns, name, spec) => {
    policies++;
    raw.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
  };
  const perNs = Math.floor(POLICIES / NAMESPACES);
  let extra = POLICIES - perNs * NAMESPACES;
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `ns-${n}`;
    const team = `team-${n % 40}`;
    raw.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { team, env: n % 3 ? 'prod' : 'dev' } },
    });
    for (let i = 0; i < PODS_PER_NS; i++) {
      const tier = TIERS[i % 3];
      raw.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${i}`, namespace: ns },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: `app-${i}` } },
          template: {
            metadata: { labels: { app: `app-${i}`, tier, team } },
            spec: {
              containers: [
                {
                  name: 'c',
                  image: 'x',
                  ports: [
                    { name: 'http', containerPort: 8080 },
                    { name: 'metrics', containerPort: 9090 },
                  ],
                },
              ],
            },
          },
        },
      });
    }
    const want = perNs + (extra-- > 0 ? 1 : 0);
    const start = policies;
    np(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    np(ns, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [{ protocol: 'UDP', port: 53 }],
        },
      ],
    });
    let k = 0;
    while (policies - start < want) {
      const i = k % PODS_PER_NS;
      const kind = Math.floor(k / PODS_PER_NS) % 5;
      const app = { matchLabels: { app: `app-${i}` } };
      if (kind === 0)
        np(ns, `in-${k}`, {
          podSelector: app,
          ingress: [
            { from: [{ podSelector: { matchLabels: { tier: TIERS[(i + 2) % 3] } } }], ports: [{ port: 'http' }] },
          ],
        });
      else if (kind === 1)
        np(ns, `out-${k}`, {
          podSelector: app,
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: { matchLabels: { tier: TIERS[(i + 1) % 3] } } }], ports: [{ port: 8080 }] }],
        });
      else if (kind === 2)
        np(ns, `team-${k}`, {
          podSelector: app,
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: `team-${(n + 1) % 40}` } },
                  podSelector: { matchLabels: { tier: 'frontend' } },
                },
              ],
              ports: [{ port: 8080, endPort: 8090 }],
            },
          ],
        });
      else if (kind === 3)
        np(ns, `ext-${k}`, {
          podSelector: app,
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ ipBlock: { cidr: `10.${n % 250}.0.0/16`, except: [`10.${n % 250}.${i}.0/24`] } }],
              ports: [{ port: 443 }],
            },
          ],
        });
      else
        np(ns, `mon-${k}`, {
          podSelector: app,
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
                  podSelector: { matchLabels: { app: 'app-0' } },
                },
              ],
              ports: [{ port: 'metrics' }],
            },
          ],
        });
      k++;
    }
  }
  return { objects: raw.map((r) => toKubeObject(r, undefined, 'bench')), policies };
}

const t0 = performance.now();
const { objects, policies } = generate();
const t1 = performance.now();
const { connections, problems } = connectivity(objects);
const t2 = performance.now();
const pods = objects.filter((o) => o.kind === 'Deployment').length;
const rssMiB = process.resourceUsage().maxRSS / 1024;
console.log(`netpol bench: ${pods} workloads, ${NAMESPACES} namespaces, ${policies} NetworkPolicies`);
console.log(`  generate input      ${((t1 - t0) / 1000).toFixed(2)} s`);
console.log(
  `  full connectivity   ${((t2 - t1) / 1000).toFixed(2)} s  (${connections.length} allowed connections, ${problems.length} problems)`,
);
console.log(`  peak RSS            ${rssMiB.toFixed(0)} MiB`);
