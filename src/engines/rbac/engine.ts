import { type KubeObject, metadataOf } from '../../model/kube-object.js';
import { EscalationGraph } from './escalation.js';
import { IdentityFacts } from './facts.js';
import { type BootstrapMode, type PolicyOptions, RbacPolicy } from './policy.js';

/** The RBAC analyses of one set of objects, built once and queried many times. */
export interface RbacEngine {
  policy: RbacPolicy;
  facts: IdentityFacts;
  escalation: EscalationGraph;
}

/**
 * Build the RBAC engine over a set of objects (pure; no I/O).
 * @example
 * const rbac = createRbacEngine(objects, { bootstrap: assumedDefaults(objects) });
 * rbac.policy.authorize(userInfoOf(parseSubject('User:alice')), parseRequest('get', 'pods', { namespace: 'prod' }));
 */
export function createRbacEngine(objects: readonly KubeObject[], opts: PolicyOptions = {}): RbacEngine {
  const policy = new RbacPolicy(objects, opts);
  const facts = new IdentityFacts(objects);
  return { policy, facts, escalation: new EscalationGraph(policy, facts) };
}

/**
 * How much of Kubernetes' default policy (src/engines/rbac/bootstrap.ts) an
 * analysis of these objects assumes. Manifests: all of it, roles and
 * bindings, since every API server creates them (a ServiceAccount bound to
 * `cluster-admin` can do everything, every authenticated identity may create
 * SelfSubjectAccessReviews); `optOut` (`--no-bootstrap`) leaves it out.
 * Objects read from a live API server (`--cluster`, a snapshot, the admission
 * webhook's cache: no file source, and a resourceVersion the server set):
 * none, the cluster has its own.
 * Every RBAC answer (rbac who-can/can-i/permissions, identities, the identity
 * rules of scan) takes its policy from here, so that they agree.
 */
export function assumedDefaults(objects: readonly KubeObject[], optOut = false): BootstrapMode {
  if (optOut) return 'none';
  if (objects.some((o) => o.source !== undefined)) return 'all';
  return objects.some((o) => typeof metadataOf(o.raw).resourceVersion === 'string') ? 'none' : 'all';
}
