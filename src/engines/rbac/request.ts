import { KubeprintError } from '../../errors.js';
import type { RbacPolicy } from './policy.js';
import { groupOfResource, isClusterScoped } from './resources.js';
import type { AccessRequest } from './types.js';

export interface RequestOptions {
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

/**
 * Turn `VERB RESOURCE` as typed (`get pods`, `create pods/exec`,
 * `update deployments.apps/scale`, `get /healthz`) into an AccessRequest.
 * A resource kubeprint does not know takes its API group from the rules that
 * name it; when several groups do, the user must write `resource.group`.
 * @throws KubeprintError USAGE for an unknown or ambiguous resource.
 */
export function parseRequest(
  verb: string,
  resourceArg: string,
  opts: RequestOptions,
  policy?: RbacPolicy,
): AccessRequest {
  if (resourceArg.startsWith('/')) return { type: 'nonResource', verb, path: resourceArg };
  let [resourcePart = '', subresource = ''] = resourceArg.split('/', 2);
  if (opts.subresource) {
    if (subresource && subresource !== opts.subresource)
      throw new KubeprintError('USAGE', `--subresource ${opts.subresource} contradicts ${resourceArg}`);
    subresource = opts.subresource;
  }
  let resource = resourcePart;
  let group: string | undefined;
  const dot = resourcePart.indexOf('.');
  if (dot > 0) {
    resource = resourcePart.slice(0, dot);
    group = resourcePart.slice(dot + 1);
    if (group === 'core') group = '';
  } else {
    group = groupOfResource(resource) ?? guessGroup(resource, policy);
  }
  if (!resource) throw new KubeprintError('USAGE', `resource "${resourceArg}" is empty`);
  const namespace = isClusterScoped(resource) ? '' : (opts.namespace ?? '');
  return { type: 'resource', verb, apiGroup: group, resource, subresource, name: opts.name ?? '', namespace };
}

function guessGroup(resource: string, policy: RbacPolicy | undefined): string {
  const groups = new Set<string>();
  for (const role of policy?.roles ?? [])
    for (const r of role.rules)
      if (r.resources.some((x) => x === resource || x.startsWith(`${resource}/`)))
        for (const g of r.apiGroups) if (g !== '*') groups.add(g);
  if (groups.size === 1) return [...groups][0] as string;
  throw new KubeprintError(
    'USAGE',
    groups.size === 0
      ? `unknown resource "${resource}"; write it as RESOURCE.GROUP (e.g. ${resource}.example.com)`
      : `resource "${resource}" exists in several API groups (${[...groups].join(', ')}); write it as RESOURCE.GROUP`,
  );
}

/** `get pods/exec (core) in ns prod name web` — for messages. */
export function formatRequest(req: AccessRequest): string {
  if (req.type === 'nonResource') return `${req.verb} ${req.path}`;
  const res = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  const group = req.apiGroup ? `.${req.apiGroup}` : '';
  const where = req.namespace
    ? ` in namespace ${req.namespace}`
    : isClusterScoped(req.resource)
      ? ''
      : ' in all namespaces';
  return `${req.verb} ${res}${group}${req.name ? ` named ${req.name}` : ''}${where}`;
}
