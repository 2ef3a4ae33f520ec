import type {
  AccessRequest,
  BindingDef,
  EscalationStep,
  Grant,
  RbacEngine,
  RoleDef,
  Subject,
} from '../engines/rbac/index.js';
import { KubeprintError } from '../errors.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { IDENTITY_KINDS, LIVE_OPTIONS, loadObjectsFrom } from './live-source.js';
import { table, whereOf } from './rbac-common.js';

export const summary = 'RBAC questions: who-can, can-i, permissions, least privilege from audit logs';

const USAGE = `Usage:
  kubeprint rbac who-can VERB RESOURCE [-n NS] [--name N] [--subresource S] [--include-escalation] [--no-bootstrap] PATH...
  kubeprint rbac can-i VERB RESOURCE --as SUBJECT [-n NS] [--name N] [--subresource S] [--include-escalation] [--no-bootstrap] PATH...
  kubeprint rbac permissions SUBJECT [--no-bootstrap] PATH...
  (instead of PATH...: --cluster [--context C] [--kubeconfig F] reads every
  namespace of a live cluster: RBAC objects, service accounts, token Secrets,
  namespaces and workloads)
  kubeprint rbac generate --from-audit FILE [--user U | --serviceaccount NS:NAME] [--resource-names] [--only-allowed] [--name PREFIX]

RESOURCE is a resource (pods), with a group (deployments.apps), a subresource
(pods/exec) or a non-resource URL (/healthz). SUBJECT is User:NAME, Group:NAME,
ServiceAccount:NS:NAME or system:serviceaccount:NS:NAME.
who-can and can-i answer direct authorization as the API server would;
--include-escalation adds who reaches the permission through an escalation path.
Kubernetes' default roles and bindings (cluster-admin, admin, edit, view,
system:*), which every API server creates, are assumed beside the manifests;
--no-bootstrap leaves them out (a live cluster has its own: nothing is added
with --cluster). Options: -o table|json.
can-i exits 0 when allowed and 1 when not.
PATHs that hold no Kubernetes object are exit status 2 (nothing was judged) unless --allow-empty.
`;

const OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  name: { type: 'string' },
  subresource: { type: 'string' },
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
  'include-escalation': { type: 'boolean' },
  // the default; kept so that older command lines still work
  bootstrap: { type: 'boolean' },
  'no-bootstrap': { type: 'boolean' },
  ...LIVE_OPTIONS,
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
  // generate
  'from-audit': { type: 'string' },
  user: { type: 'string' },
  serviceaccount: { type: 'string' },
  'resource-names': { type: 'boolean' },
  'only-allowed': { type: 'boolean' },
} as const;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    io.stdout(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.cluster && values.bootstrap)
    throw new KubeprintError(
      'USAGE',
      '--bootstrap adds the default roles to manifests; a live cluster already has them',
    );
  if (values.bootstrap && values['no-bootstrap'])
    throw new KubeprintError('USAGE', '--bootstrap and --no-bootstrap contradict each other');
  const format = choice('-o', values.output, ['table', 'json'] as const, 'table');
  if (sub === 'generate') {
    const { runGenerate } = await import('./rbac-generate.js');
    return runGenerate(rest, values, io);
  }
  const rbac = await import('../engines/rbac/index.js');
  const noDefaults = values['no-bootstrap'] === true;
  // with --cluster the objects come from the cluster, so one PATH fewer is needed
  const need = (n: number, what: string) => {
    if (rest.length < n - (values.cluster ? 1 : 0))
      throw new KubeprintError('USAGE', `rbac ${sub} needs ${values.cluster ? what.replace(' PATH...', '') : what}`);
  };
  /** The engine over the objects of PATHs (with the default policy, unless opted out) or of the cluster. */
  const engineOf = async (paths: string[]): Promise<RbacEngine> => {
    const objects = await loadObjectsFrom('rbac', paths, values, IDENTITY_KINDS, io);
    const engine = rbac.createRbacEngine(objects, {
      bootstrap: rbac.assumedDefaults(objects, noDefaults || values.cluster === true),
    });
    noteUnresolved(engine, io, noDefaults);
    return engine;
  };
  switch (sub) {
    case 'who-can': {
      need(3, 'VERB RESOURCE PATH...');
      const [verb, resource, ...paths] = rest as [string, string, ...string[]];
      const engine = await engineOf(paths);
      const req = rbac.parseRequest(verb, resource, requestOpts(values), engine.policy);
      const rows = engine.policy.whoCan(req);
      const esc = values['include-escalation'] ? engine.escalation.reachersOf(req) : undefined;
      if (format === 'json') {
        io.stdout(
          `${JSON.stringify(
            {
              request: req,
              subjects: rows.map((r) => ({
                subject: rbac.formatSubject(r.subject),
                ...subjectJson(r.subject),
                binding: r.binding ? bindingJson(r.binding) : null,
                role: r.role ? roleJson(r.role) : null,
                rule: r.rule ? rbac.formatRule(r.rule) : null,
              })),
              ...(esc
                ? {
                    escalation: esc.map((e) => ({
                      subject: e.id,
                      chain: chainJson(e.steps),
                      text: rbac.formatChain(e.id, e.steps),
                    })),
                  }
                : {}),
            },
            null,
            2,
          )}\n`,
        );
        return 0;
      }
      io.stdout(`Who can ${rbac.formatRequest(req)}:\n`);
      io.stdout(
        table(
          ['SUBJECT', 'BINDING', 'ROLE', 'WHERE'],
          rows.map((r) => [
            rbac.formatSubject(r.subject),
            r.binding ? bindingName(r.binding) : '(no binding: bypasses authorization)',
            r.role ? roleName(r.role) : '-',
            r.binding?.bootstrap ? '(default)' : whereOf(r.binding?.object),
          ]),
        ),
      );
      if (esc) {
        io.stdout(`\nThrough escalation (${esc.length}):\n`);
        for (const e of esc) io.stdout(`  ${rbac.formatChain(e.id, e.steps)}\n`);
      }
      return 0;
    }
    case 'can-i': {
      need(3, 'VERB RESOURCE --as SUBJECT PATH...');
      if (!values.as) throw new KubeprintError('USAGE', 'rbac can-i needs --as SUBJECT');
      const [verb, resource, ...paths] = rest as [string, string, ...string[]];
      const subject = rbac.parseSubject(values.as);
      const engine = await engineOf(paths);
      const req = rbac.parseRequest(verb, resource, requestOpts(values), engine.policy);
      const user = rbac.userInfoOf(subject, values['as-group'] ?? []);
      const answer = engine.policy.authorize(user, req);
      const id = rbac.formatSubject(subject);
      const esc =
        values['include-escalation'] && !answer.allowed
          ? engine.escalation.reachersOf(req).find((e) => e.id === id)
          : undefined;
      if (format === 'json') {
        io.stdout(
          `${JSON.stringify(
            {
              subject: id,
              user,
              request: req,
              allowed: answer.allowed,
              superuser: answer.superuser,
              reasons: answer.grants.map((g) => grantJson(g, rbac.formatRule, rbac.formatSubject)),
              ...(values['include-escalation']
                ? { escalation: esc ? { chain: chainJson(esc.steps), text: rbac.formatChain(id, esc.steps) } : null }
                : {}),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        io.stdout(`${answer.allowed ? 'yes' : 'no'}\n`);
        if (answer.superuser) io.stdout(`  ${id} is in group system:masters, which bypasses authorization\n`);
        for (const g of answer.grants)
          io.stdout(
            `  via ${bindingName(g.binding)} -> ${roleName(g.role)} (${rbac.formatRule(g.rule)})  ${g.binding.bootstrap ? '(default)' : whereOf(g.binding.object)}\n`,
          );
        if (esc) io.stdout(`  but reachable through escalation: ${rbac.formatChain(id, esc.steps)}\n`);
      }
      return answer.allowed ? 0 : 1;
    }
    case 'permissions': {
      need(2, 'SUBJECT PATH...');
      const [subjectText, ...paths] = rest as [string, ...string[]];
      const subject = rbac.parseSubject(subjectText);
      const engine = await engineOf(paths);
      const user = rbac.userInfoOf(subject, values['as-group'] ?? []);
      const grants = engine.policy.grantsFor(user);
      const id = rbac.formatSubject(subject);
      const paths2 = engine.escalation.pathsFrom(id);
      if (format === 'json') {
        io.stdout(
          `${JSON.stringify(
            {
              subject: id,
              user,
              superuser: user.groups.includes(rbac.SUPERUSER_GROUP),
              grants: grants.map((g) => grantJson(g, rbac.formatRule, rbac.formatSubject)),
              escalation: paths2.map((p) => ({
                technique: p.technique,
                attack: rbac.TECHNIQUES[p.technique].attack ?? null,
                chain: chainJson(p.steps),
                text: rbac.formatChain(id, p.steps),
              })),
            },
            null,
            2,
          )}\n`,
        );
        return 0;
      }
      io.stdout(`${id} (user "${user.name}", groups ${user.groups.join(', ') || '-'})\n`);
      io.stdout(
        table(
          ['SCOPE', 'RULE', 'ROLE', 'BINDING', 'VIA'],
          grants.map((g) => [
            g.scope === '*' ? 'cluster-wide' : g.scope,
            rbac.formatRule(g.rule),
            roleName(g.role),
            bindingName(g.binding),
            rbac.formatSubject(g.via),
          ]),
        ),
      );
      if (paths2.length) {
        io.stdout('\nEscalation paths:\n');
        for (const p of paths2) {
          const t = rbac.TECHNIQUES[p.technique];
          io.stdout(`  ${p.technique}${t.attack ? ` (${t.attack})` : ''}: ${rbac.formatChain(id, p.steps)}\n`);
        }
      }
      return 0;
    }
    default:
      throw new KubeprintError('USAGE', `unknown rbac subcommand "${sub}" (who-can, can-i, permissions, generate)`);
  }
}

function requestOpts(values: { namespace?: string; name?: string; subresource?: string }) {
  return { namespace: values.namespace, name: values.name, subresource: values.subresource };
}

/**
 * Bindings to default roles that did not resolve: left out on purpose
 * (--no-bootstrap), or missing from the cluster that was read.
 */
function noteUnresolved(engine: RbacEngine, io: CliIO, noDefaults: boolean): void {
  const unresolved = engine.policy.unresolvedDefaultRoles();
  if (unresolved.length === 0) return;
  const names = [...new Set(unresolved.map((b) => b.roleRef.name))].sort();
  const why = noDefaults
    ? 'which --no-bootstrap leaves out; they grant nothing here'
    : 'which the input does not define; they grant nothing here';
  io.stderr(`kubeprint rbac: ${unresolved.length} binding(s) reference default roles (${names.join(', ')}), ${why}\n`);
}

function bindingName(b: BindingDef): string {
  return `${b.kind}/${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
}

function roleName(r: RoleDef): string {
  return `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function subjectJson(s: Subject) {
  return s.kind === 'ServiceAccount'
    ? { kind: s.kind, namespace: s.namespace, name: s.name }
    : { kind: s.kind, name: s.name };
}

function bindingJson(b: BindingDef) {
  return {
    kind: b.kind,
    namespace: b.namespace ?? null,
    name: b.name,
    bootstrap: b.bootstrap,
    source: b.object?.source ? { file: b.object.source.file, line: b.object.source.line } : null,
  };
}

function roleJson(r: RoleDef) {
  return { kind: r.kind, namespace: r.namespace ?? null, name: r.name, bootstrap: r.bootstrap };
}

function grantJson(g: Grant, formatRule: (r: Grant['rule']) => string, formatSubject: (s: Subject) => string) {
  return {
    scope: g.scope,
    rule: g.rule,
    text: formatRule(g.rule),
    binding: bindingJson(g.binding),
    role: roleJson(g.role),
    via: formatSubject(g.via),
  };
}

function chainJson(steps: readonly EscalationStep[]) {
  return steps.map((s) => ({
    technique: s.technique,
    from: s.from,
    scope: s.scope,
    detail: s.detail,
    outcome: s.outcome,
    binding: s.grant ? bindingJson(s.grant.binding) : null,
  }));
}

export type { AccessRequest };
