import type { CloudIdentity, IdentityEntry } from '../engines/rbac/index.js';
import { KubeprintError } from '../errors.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { IDENTITY_KINDS, LIVE_OPTIONS, loadObjectsFrom } from './live-source.js';
import { table, whereOf } from './rbac-common.js';

export const summary = 'Inventory of service accounts: workloads, tokens, bindings, permissions, cloud identity';

const USAGE = `Usage: kubeprint identities PATH... [-n NAMESPACE] [--no-bootstrap] [-o table|json]
       kubeprint identities --cluster [--context C] [--kubeconfig F] [-n NAMESPACE] [-o table|json]

Lists every ServiceAccount with the workloads that run as it, whether its token
is mounted, legacy long-lived token Secrets, its bindings, a summary of its
effective permissions and escalation techniques, and the cloud identity it
federates to (EKS IRSA role, GKE Workload Identity, Azure Workload Identity,
SPIRE ClusterSPIFFEID). Kubernetes' default roles and bindings, which every API
server creates, are assumed beside the manifests (--no-bootstrap leaves them
out; nothing is added with --cluster); PERMISSIONS counts what an account holds
beyond the defaults every service account has.
PATHs that hold no Kubernetes object are exit status 2 (nothing was judged) unless --allow-empty.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    namespace: { type: 'string', short: 'n' },
    // the default; kept so that older command lines still work
    bootstrap: { type: 'boolean' },
    'no-bootstrap': { type: 'boolean' },
    ...LIVE_OPTIONS,
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.cluster && values.bootstrap)
    throw new KubeprintError(
      'USAGE',
      '--bootstrap adds the default roles to manifests; a live cluster already has them',
    );
  if (values.bootstrap && values['no-bootstrap'])
    throw new KubeprintError('USAGE', '--bootstrap and --no-bootstrap contradict each other');
  const format = choice('-o', values.output, ['table', 'json'] as const, 'table');
  const objects = await loadObjectsFrom('identities', positionals, values, IDENTITY_KINDS, io);
  const rbac = await import('../engines/rbac/index.js');
  const engine = rbac.createRbacEngine(objects, {
    bootstrap: rbac.assumedDefaults(objects, values['no-bootstrap'] === true || values.cluster === true),
  });
  const entries = rbac
    .identityInventory(engine, objects)
    .filter((e) => values.namespace === undefined || e.namespace === values.namespace);
  if (format === 'json') {
    io.stdout(`${JSON.stringify(entries.map(toJson), null, 2)}\n`);
    return 0;
  }
  io.stdout(
    table(
      [
        'SERVICE ACCOUNT',
        'WORKLOADS',
        'TOKEN',
        'LEGACY SECRETS',
        'BINDINGS',
        'PERMISSIONS',
        'ESCALATION',
        'CLOUD',
        'WHERE',
      ],
      entries.map((e) => [
        `${e.namespace}/${e.name}`,
        e.workloads.length ? e.workloads.map((w) => `${w.kind}/${w.name}`).join(',') : '-',
        e.workloads.length === 0 ? '-' : e.tokenMounted ? 'mounted' : 'not mounted',
        e.legacyTokenSecrets.join(',') || '-',
        e.bindings.map((b) => `${b.role}`).join(',') || '-',
        permissionSummary(e),
        e.escalation.join(',') || '-',
        e.cloud.map(cloudText).join(',') || '-',
        whereOf(e.object),
      ]),
    ),
  );
  io.stdout(`\n${entries.length} service accounts\n`);
  return 0;
}

function permissionSummary(e: IdentityEntry): string {
  const p = e.permissions;
  if (p.rules === 0) return p.defaultRules > 0 ? 'defaults only' : 'none';
  const where = p.clusterWide ? 'cluster-wide' : p.namespaces.join(',');
  return `${p.rules} rules ${where}${p.wildcard ? ' (*)' : ''}`;
}

function cloudText(c: CloudIdentity): string {
  switch (c.provider) {
    case 'aws':
      return `aws:${c.roleArn}`;
    case 'gcp':
      return `gcp:${c.serviceAccount}`;
    case 'azure':
      return `azure:${c.clientId}`;
    case 'spiffe':
      return `spiffe:${c.spiffeIdTemplate || c.clusterSpiffeId}`;
  }
}

function toJson(e: IdentityEntry) {
  const { object, ...rest } = e;
  return {
    ...rest,
    exists: object !== undefined,
    source: object?.source ? { file: object.source.file, line: object.source.line } : null,
  };
}
