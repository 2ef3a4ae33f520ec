import { join } from '../../model/pointer.js';
import { scIs, USER_NAMESPACE } from '../cel.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeContainer } from '../supply-chain/container-images.js';
import { K8S_SECURITY_CONTEXT, MITRE_T1611, NSA_CISA } from './hardening-refs.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

const POD_SUPPLEMENTAL_ROOT =
  'has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.supplementalGroups) && 0 in variables.podSpec.securityContext.supplementalGroups';

export const rule = defineRule({
  id: 'run-as-root-group',
  title: 'Pod or container runs with the root group (GID 0)',
  category: 'pod-security',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: [USER_NAMESPACE],
    validations: [
      {
        expression: `variables.userNamespace || (!${scIs('variables.podSpec', 'runAsGroup', '0')} && !${scIs('variables.podSpec', 'fsGroup', '0')} && !(${POD_SUPPLEMENTAL_ROOT}) && variables.containers.all(c, !${scIs('c', 'runAsGroup', '0')}))`,
        message: 'runAsGroup, fsGroup and supplementalGroups must not be 0 (the root group)',
      },
    ],
  },
  description:
    'The pod or a container sets `securityContext.runAsGroup: 0`, the pod sets `fsGroup: 0`, or its `supplementalGroups` include 0: its processes then run with the root group, which owns most system files and devices, and files written to volumes get group root. After an escape, or on a hostPath or shared volume, group root reads and writes what only root should. A pod-level `runAsGroup: 0` is reported even when every container overrides it, since containers added later (ephemeral debug containers) inherit it. Not reported: fields left unset (the image decides), and pods in a user namespace (`hostUsers: false`), where group 0 maps to an unprivileged group on the node (as Pod Security relaxes runAsUser for them). The same check as Trivy KSV029/KSV116 and the Kyverno policy require-non-root-groups.',
  remediation:
    'Set `runAsGroup` (and `fsGroup`, when volumes need a group) to a non-zero GID, e.g. 10001, and remove 0 from `supplementalGroups`. Images built for arbitrary UIDs with group 0 (the OpenShift convention) run as well with another GID when their files are group-owned by it, or with `hostUsers: false`.',
  references: [
    K8S_SECURITY_CONTEXT,
    {
      title: 'Kyverno policies: Require Non-Root Groups',
      url: 'https://kyverno.io/policies/pod-security/restricted/require-non-root-groups/require-non-root-groups/',
    },
    { title: 'Trivy KSV029 / KSV116: runs with a root primary or supplementary GID' },
    NSA_CISA,
    MITRE_T1611,
  ],
  check(_obj, ctx) {
    const w = ctx.workload;
    if (!w || w.podSpec.hostUsers === false) return undefined;
    const hits: RuleHit[] = [];
    const podSC = w.podSpec.securityContext;
    const scPath = join(w.podSpecPath, 'securityContext');
    if (isRecord(podSC)) {
      if (podSC.runAsGroup === 0) {
        hits.push({
          path: join(scPath, 'runAsGroup'),
          message: 'pod sets securityContext.runAsGroup: 0, so its containers run with the root group',
        });
      }
      if (podSC.fsGroup === 0) {
        hits.push({
          path: join(scPath, 'fsGroup'),
          message: 'pod sets securityContext.fsGroup: 0, so its volumes are owned by the root group',
        });
      }
      if (Array.isArray(podSC.supplementalGroups)) {
        const i = podSC.supplementalGroups.indexOf(0);
        if (i >= 0) {
          hits.push({
            path: join(scPath, 'supplementalGroups', i),
            message: 'pod adds the root group (0) to securityContext.supplementalGroups',
          });
        }
      }
    }
    for (const c of w.containers) {
      const sc = c.spec.securityContext;
      if (isRecord(sc) && sc.runAsGroup === 0) {
        hits.push({
          path: join(c.path, 'securityContext', 'runAsGroup'),
          message: `${describeContainer(c)} sets securityContext.runAsGroup: 0, the root group`,
        });
      }
    }
    return hits;
  },
});
