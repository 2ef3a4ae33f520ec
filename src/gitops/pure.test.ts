/**
 * The pure pieces of following GitOps objects: repository URLs, Argo CD's
 * directory globs, Flux's variable substitution, and the kustomization edits
 * the controllers make before they build.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argoEnvsubst, mergePatch } from './argocd.js';
import { argoGlobMatches } from './glob.js';
import { editKustomization, generatedKustomization, parseImageArg } from './kustomization-edit.js';
import { repositoryKey, sameRepository } from './repo-url.js';
import { substitute } from './substitute.js';

describe('repositoryKey', () => {
  it('takes https, ssh and scp spellings of one repository as one', () => {
    const spellings = [
      'https://github.com/argoproj/argocd-example-apps.git',
      'https://github.com/argoproj/argocd-example-apps',
      'https://github.com/argoproj/argocd-example-apps/',
      'http://github.com/argoproj/argocd-example-apps',
      'git@github.com:argoproj/argocd-example-apps.git',
      'ssh://git@github.com/argoproj/argocd-example-apps',
      'ssh://git@github.com:22/argoproj/argocd-example-apps.git',
      'https://user:token@GitHub.com/ArgoProj/argocd-example-apps.git',
    ];
    for (const s of spellings) expect(repositoryKey(s), s).toBe('github.com/argoproj/argocd-example-apps');
  });

  it('tells other repositories, hosts and ports apart', () => {
    expect(sameRepository('https://github.com/a/b', 'https://github.com/a/c')).toBe(false);
    expect(sameRepository('https://github.com/a/b', 'https://gitlab.com/a/b')).toBe(false);
    expect(sameRepository('https://git.example.com:8443/a/b', 'https://git.example.com/a/b')).toBe(false);
    expect(sameRepository('https://github.com/a/b/sub', 'https://github.com/a/b')).toBe(false);
  });

  it('refuses what is no repository URL', () => {
    for (const v of ['', '   ', 'not a url', '/local/path', 42, null, undefined, 'https://github.com'])
      expect(repositoryKey(v), String(v)).toBeUndefined();
  });
});

describe('argoGlobMatches (gobwas/glob without separators, as Argo CD calls it)', () => {
  it('lets * cross directories', () => {
    expect(argoGlobMatches('*.yaml', 'deploy.yaml')).toBe(true);
    expect(argoGlobMatches('*.yaml', 'sub/deploy.yaml')).toBe(true);
    expect(argoGlobMatches('*.yaml', 'deploy.json')).toBe(false);
  });
  it('reads alternatives, classes and escapes', () => {
    expect(argoGlobMatches('{*.yml,*.yaml}', 'a.yml')).toBe(true);
    expect(argoGlobMatches('{*.yml,*.yaml}', 'a.json')).toBe(false);
    expect(argoGlobMatches('config-[!p]*.yaml', 'config-dev.yaml')).toBe(true);
    expect(argoGlobMatches('config-[!p]*.yaml', 'config-prod.yaml')).toBe(false);
    expect(argoGlobMatches('a\\*b', 'a*b')).toBe(true);
    expect(argoGlobMatches('a\\*b', 'axb')).toBe(false);
  });
  it('matches nothing with a malformed pattern', () => {
    expect(argoGlobMatches('{a,b', 'a')).toBe(false);
    expect(argoGlobMatches('[ab', 'a')).toBe(false);
  });
});

describe('argoEnvsubst (Go os.Expand with Argo CD build variables)', () => {
  const env = new Map([['ARGOCD_APP_NAME', 'web']]);
  it('expands $NAME and ${NAME}, empties unknown names, keeps $$ as $', () => {
    expect(argoEnvsubst('app=$ARGOCD_APP_NAME-${ARGOCD_APP_NAME}', env)).toBe('app=web-web');
    expect(argoEnvsubst('x$UNKNOWN.y', env)).toBe('x.y');
    expect(argoEnvsubst('pa$$word', env)).toBe('pa$word');
    expect(argoEnvsubst('cost: 5$', env)).toBe('cost: 5$');
  });
});

describe('mergePatch (RFC 7386, for .argocd-source.yaml)', () => {
  it('merges maps, replaces lists and removes nulls', () => {
    expect(mergePatch({ helm: { a: 1, b: [1] }, x: 1 }, { helm: { b: [2], c: 3 }, x: null })).toEqual({
      helm: { a: 1, b: [2], c: 3 },
    });
  });
});

describe('substitute (Flux postBuild)', () => {
  const vars = new Map([
    ['cluster_env', 'prod'],
    ['region', 'eu-west-1'],
    ['empty', ''],
  ]);
  const sub = (s: string) => {
    const r = substitute(s, vars);
    return r.ok ? r.text : `error: ${r.error}`;
  };
  it('expands the braced form only', () => {
    expect(sub('env: ${cluster_env}')).toBe('env: prod');
    expect(sub('home: $HOME and $cluster_env')).toBe('home: $HOME and $cluster_env');
    expect(sub('unset: "${nope}"')).toBe('unset: ""');
  });
  it('keeps $${var} as a literal ${var}', () => {
    expect(sub('echo $${cluster_env}')).toBe('echo ${cluster_env}');
  });
  it('gives defaults when the value is empty, with every default operator', () => {
    expect(sub('${nope:=fallback} ${nope:-b} ${empty:-c} ${cluster_env:-d} ${nope=e}')).toBe('fallback b c prod e');
    expect(sub('${nope:-${region}}')).toBe('eu-west-1');
  });
  it('runs the string operators', () => {
    expect(sub('${#region} ${region:3} ${region:0:2} ${cluster_env^^} ${region/-/_} ${region//-/_}')).toBe(
      '9 west-1 eu PROD eu_west-1 eu_west_1',
    );
    expect(sub('${region#*-} ${region##*-} ${region%-*} ${region%%-*}')).toBe('west-1 1 eu-west eu');
  });
  it('fails on a substitution it cannot parse', () => {
    expect(sub('${cluster_env')).toMatch(/^error:/);
    expect(sub('${}')).toMatch(/^error:/);
  });
});

describe('parseImageArg (kustomize edit set image)', () => {
  it('reads every form kustomize accepts', () => {
    expect(parseImageArg('nginx=registry.local/nginx:1.27')).toEqual({
      name: 'nginx',
      newName: 'registry.local/nginx',
      newTag: '1.27',
    });
    expect(parseImageArg('nginx:1.27')).toEqual({ name: 'nginx', newTag: '1.27' });
    expect(parseImageArg('nginx@sha256:abc')).toEqual({ name: 'nginx', digest: 'sha256:abc' });
    expect(parseImageArg('mysql=mariadb')).toEqual({ name: 'mysql', newName: 'mariadb' });
    expect(parseImageArg('registry:5000/app')).toBeUndefined();
  });
});

describe('editKustomization', () => {
  const base = [
    '# the web overlay',
    'resources:',
    '- ../base',
    'namePrefix: old-',
    'images:',
    '- name: web',
    '  newTag: "1.0"',
    '- name: zz',
    '  newTag: "2"',
    'commonLabels:',
    '  team: a',
    '',
  ].join('\n');

  it('makes Argo CD kustomize edits as kustomize edit does', () => {
    const r = editKustomization(base, {
      namePrefix: 'new-',
      images: {
        mode: 'argocd',
        list: [
          { name: 'web', newName: 'registry.local/web', newTag: '*' },
          { name: 'api', newTag: '3' },
        ],
      },
      labels: { pairs: { env: 'prod' }, force: false, withoutSelector: false, includeTemplates: false },
      namespace: 'prod',
      patches: [{ patch: '- op: add\n  path: /x\n  value: 1', target: { kind: 'Deployment' } }],
      components: ['../components/a'],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.text.startsWith('# the web overlay\n')).toBe(true);
    const doc = parse(r.text);
    expect(doc.namePrefix).toBe('new-');
    expect(doc.namespace).toBe('prod');
    // replaced by name, `*` keeps the old tag, the list sorted by name
    expect(doc.images).toEqual([
      { name: 'api', newTag: '3' },
      { name: 'web', newName: 'registry.local/web', newTag: '1.0' },
      { name: 'zz', newTag: '2' },
    ]);
    expect(doc.commonLabels).toEqual({ team: 'a', env: 'prod' });
    expect(doc.patches).toHaveLength(1);
    expect(doc.components).toEqual(['../components/a']);
  });

  it('refuses a label that is already there unless forced, as Argo CD would fail', () => {
    const labels = { pairs: { team: 'b' }, force: false, withoutSelector: false, includeTemplates: false };
    expect(editKustomization(base, { labels })).toEqual({
      ok: false,
      error: 'label team already in kustomization file',
    });
    const forced = editKustomization(base, { labels: { ...labels, force: true } });
    expect(forced.ok && parse(forced.text).commonLabels).toEqual({ team: 'b' });
  });

  it('puts labels without selectors in a labels entry', () => {
    const r = editKustomization(base, {
      labels: { pairs: { env: 'prod' }, force: false, withoutSelector: true, includeTemplates: false },
    });
    expect(r.ok && parse(r.text).labels).toEqual([{ pairs: { env: 'prod' } }]);
  });

  it('replaces or appends Flux images by name', () => {
    const r = editKustomization(base, {
      images: {
        mode: 'flux',
        list: [
          { name: 'web', newTag: '9' },
          { name: 'new', newName: 'x/new' },
        ],
      },
    });
    expect(r.ok && parse(r.text).images).toEqual([
      { name: 'web', newTag: '9' },
      { name: 'zz', newTag: '2' },
      { name: 'new', newName: 'x/new' },
    ]);
  });

  it('takes an empty file as an empty kustomization and refuses one that is not a mapping', () => {
    const r = editKustomization('', { namespace: 'x' });
    expect(r.ok && parse(r.text)).toEqual({ namespace: 'x' });
    expect(editKustomization('- a\n', { namespace: 'x' }).ok).toBe(false);
  });

  it('generates the kustomization kustomize-controller writes', () => {
    expect(parse(generatedKustomization(['./a.yaml', './sub']))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['./a.yaml', './sub'],
    });
    expect(parse(generatedKustomization([])).namespace).toBe('_placeholder');
  });
});
