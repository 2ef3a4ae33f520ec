import type { KubeObject } from '../../model/kube-object.js';
import { EscalationGraph } from './escalation.js';
import { IdentityFacts } from './facts.js';
import { type PolicyOptions, RbacPolicy } from './policy.js';

/** The RBAC analyses of one set of objects, built once and queried many times. */
export interface RbacEngine {
  policy: RbacPolicy;
  facts: IdentityFacts;
  escalation: EscalationGraph;
}

/**
 * Build the RBAC engine over a set of objects (pure; no I/O).
 * @example
 * const rbac = createRbacEngine(objects, { bootstrap: 'roles' });
 * rbac.policy.authorize(userInfoOf(parseSubject('User:alice')), parseRequest('get', 'pods', { namespace: 'prod' }));
 */
export function createRbacEngine(objects: readonly KubeObject[], opts: PolicyOptions = {}): RbacEngine {
  const policy = new RbacPolicy(objects, opts);
  const facts = new IdentityFacts(objects);
  return { policy, facts, escalation: new EscalationGraph(policy, facts) };
}
