/**
 * Every fixture of every gitops rule (Argo CD and Flux, src/rules/gitops/fixtures/**)
 * is a valid object for the real API server: a kube-apiserver on loopback gets
 * the real Argo CD and Flux CRDs from the corpora (gitops/crds), then each
 * document of each fixture file is sent as a server-side apply with
 * `dryRun=All` and `fieldValidation=Strict` (nothing is stored; unknown or
 * mistyped fields are errors, not silently pruned). Fail fixtures must be
 * wrong by policy, never by schema: a rule that only fires on objects the API
 * server rejects tests nothing real.
 *
 * Not objects, and not sent: `config.yaml` / `.kubeprint.yaml` (kubeprint's
 * config), kustomize's own files (`kustomize.config.k8s.io`), Helm chart
 * templates and values, documents without apiVersion and kind. A
 * SOPS-encrypted document is sent without its `sops` metadata, as Flux
 * applies it once decrypted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';
import { corpus } from '../helpers/corpora.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(REPO, 'src/rules/gitops/fixtures');
const NOT_OBJECTS = new Set(['config.yaml', '.kubeprint.yaml', 'kustomization.yaml', 'kustomization.yml']);

/** YAML files under a folder, Helm charts (a folder with Chart.yaml) left out. */
function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  if (entries.includes('Chart.yaml')) return [];
  const out: string[] = [];
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name) && !NOT_OBJECTS.has(name)) out.push(path);
  }
  return out;
}

interface Doc {
  index: number;
  raw: Record<string, unknown>;
}

function objectsOf(file: string): { docs: Doc[]; errors: string[] } {
  const docs: Doc[] = [];
  const errors: string[] = [];
  parseAllDocuments(readFileSync(file, 'utf8')).forEach((d, index) => {
    if (d.errors.length) {
      errors.push(`document ${index}: ${d.errors[0]?.message.split('\n')[0]}`);
      return;
    }
    const raw = d.toJS() as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return;
    const r = raw as Record<string, unknown>;
    if (typeof r.apiVersion !== 'string' || typeof r.kind !== 'string') return;
    if (r.apiVersion.startsWith('kustomize.config.k8s.io/')) return;
    // a SOPS-encrypted document reaches the API server decrypted: its sops metadata goes, its (string) values stay
    if (r.sops && typeof r.sops === 'object') delete r.sops;
    docs.push({ index, raw: r });
  });
  return { docs, errors };
}

const FILES = yamlFiles(FIXTURES);
const crds = corpus('gitops/crds');
const missing = controlPlaneMissing() ?? (crds.present ? undefined : `${crds.path} is missing`);
if (missing) console.warn(`gitops fixture validation skipped: ${missing}`);

interface Resource {
  plural: string;
  namespaced: boolean;
}

describe.skipIf(missing !== undefined)('gitops rule fixtures on a real API server', () => {
  let cp: ControlPlane;
  const discovery = new Map<string, Map<string, Resource> | string>();

  function call(
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<{ status: number; body: string }> {
    const url = new URL(path, cp.server);
    return new Promise((res, rej) => {
      const req = request(
        url,
        {
          method,
          ca: readFileSync(join(cp.dir, 'ca.crt')),
          cert: readFileSync(join(cp.dir, 'admin.crt')),
          key: readFileSync(join(cp.dir, 'admin.key')),
          headers: body === undefined ? {} : { 'content-type': contentType },
          timeout: 30_000,
        },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => {
            text += c;
          });
          r.on('end', () => res({ status: r.statusCode ?? 0, body: text }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
      req.on('error', rej);
      req.end(body);
    });
  }

  /** kind → plural and scope for one apiVersion, from the API server's discovery. */
  async function resourcesOf(apiVersion: string): Promise<Map<string, Resource> | string> {
    let known = discovery.get(apiVersion);
    if (known === undefined) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const r = await call('GET', path);
      if (r.status !== 200) known = `the API server does not serve ${apiVersion} (${r.status})`;
      else {
        const list = JSON.parse(r.body) as { resources: Array<{ name: string; kind: string; namespaced: boolean }> };
        known = new Map(
          list.resources
            .filter((x) => !x.name.includes('/'))
            .map((x) => [x.kind, { plural: x.name, namespaced: x.namespaced }] as const),
        );
      }
      discovery.set(apiVersion, known);
    }
    return known;
  }

  /** Why the API server rejects the object (server-side apply, dry run, strict field validation), or undefined. */
  async function rejection(raw: Record<string, unknown>): Promise<string | undefined> {
    const apiVersion = raw.apiVersion as string;
    const kind = raw.kind as string;
    const resources = await resourcesOf(apiVersion);
    if (typeof resources === 'string') return resources;
    const res = resources.get(kind);
    if (!res) return `no resource of kind ${kind} in ${apiVersion}`;
    const md = (raw.metadata ?? {}) as { name?: string; namespace?: string; generateName?: string };
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = res.namespaced ? `/namespaces/${encodeURIComponent(md.namespace ?? 'default')}` : '';
    const query = 'dryRun=All&fieldValidation=Strict&fieldManager=kubeprint';
    const r =
      typeof md.name === 'string' && md.name !== ''
        ? await call(
            'PATCH',
            `${base}${ns}/${res.plural}/${encodeURIComponent(md.name)}?${query}&force=true`,
            JSON.stringify(raw),
            'application/apply-patch+yaml',
          )
        : await call('POST', `${base}${ns}/${res.plural}?${query}`, JSON.stringify(raw));
    if (r.status >= 200 && r.status < 300) return undefined;
    try {
      return `${r.status}: ${(JSON.parse(r.body) as { message?: string }).message ?? r.body}`;
    } catch {
      return `${r.status}: ${r.body.slice(0, 500)}`;
    }
  }

  beforeAll(async () => {
    cp = await startControlPlane();
    // the CRDs are too large for client-side apply's last-applied annotation
    for (const dir of ['argo-cd', 'flux']) await cp.kubectl(['create', '-f', join(crds.path, dir)]);
    // kubectl wait fails at once on a CRD whose status the API server has not written yet: ask again
    for (let attempt = 1; ; attempt++) {
      try {
        await cp.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=120s']);
        break;
      } catch (err) {
        if (attempt >= 30) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    // namespaces the fixtures live in, created for real so that dry runs inside them resolve
    const namespaces = new Set<string>();
    for (const f of FILES)
      for (const { raw } of objectsOf(f).docs) {
        const ns = (raw.metadata as { namespace?: unknown } | undefined)?.namespace;
        if (typeof ns === 'string' && ns !== '' && ns !== 'default') namespaces.add(ns);
      }
    for (const ns of namespaces)
      await cp.kubectl(['create', 'namespace', ns]).catch((err: Error) => {
        if (!/AlreadyExists/.test(err.message)) throw err;
      });
  }, 240_000);

  afterAll(async () => {
    await cp?.stop();
  });

  it('has fixtures for the Argo CD and Flux rules', () => {
    const rel = FILES.map((f) => relative(FIXTURES, f));
    expect(rel.some((f) => f.startsWith('argocd-'))).toBe(true);
    expect(FILES.length).toBeGreaterThan(20);
  });

  it('rejects what the real schemas reject (so that the check can fail)', async () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'typo', namespace: 'default' },
      spec: { project: 'p', destination: { server: 'https://kubernetes.default.svc' } },
    };
    expect(await rejection(app)).toBeUndefined();
    expect(await rejection({ ...app, spec: { ...app.spec, sourc: { repoURL: 'https://x' } } })).toMatch(
      /\.spec\.sourc: field not declared in schema|unknown field "spec\.sourc"/,
    );
    expect(await rejection({ ...app, spec: { destination: {} } })).toMatch(/project/);
    expect(
      await rejection({ ...app, kind: 'AppProject', spec: { clusterResourceWhitelist: [{ kind: 'Namespace' }] } }),
    ).toMatch(/group/);
  });

  it.each(FILES.map((f) => [relative(FIXTURES, f), f] as const))('%s is accepted', async (_name, file) => {
    const { docs, errors } = objectsOf(file);
    expect(errors, 'YAML that parses').toEqual([]);
    const rejected: string[] = [];
    for (const { index, raw } of docs) {
      const why = await rejection(raw);
      const md = raw.metadata as { name?: string } | undefined;
      if (why) rejected.push(`document ${index} (${String(raw.kind)} ${md?.name ?? ''}): ${why}`);
    }
    expect(rejected).toEqual([]);
  });
});
