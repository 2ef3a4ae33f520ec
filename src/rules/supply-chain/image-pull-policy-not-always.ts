import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { describeContainer, parsedImages } from './container-images.js';
import { K8S_PULL_POLICY } from './refs.js';

export const rule = defineRule({
  id: 'image-pull-policy-not-always',
  title: 'Image pull policy is not Always for a mutable tag',
  category: 'supply-chain',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    'A container image is referenced by tag, not digest, and its effective pull policy is not Always (Kubernetes defaults to IfNotPresent for any tag other than `latest`). A node then runs whatever it cached under that tag, so replicas can differ, and a pod can use an image cached by another tenant without the registry ever checking its pull credentials. Images pinned by digest are not reported: a digest cannot change.',
  remediation:
    'Pin the image by digest (preferred), or set `imagePullPolicy: Always` on the container. Cluster operators can enforce the latter with the AlwaysPullImages admission plugin.',
  references: [
    K8S_PULL_POLICY,
    { title: 'CIS Kubernetes Benchmark 1.2.11 (AlwaysPullImages admission plugin)' },
    {
      title: 'Kubernetes: AlwaysPullImages admission controller',
      url: 'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages',
    },
  ],
  check(_obj, ctx) {
    const hits = [];
    for (const { container, ref } of parsedImages(ctx)) {
      if (ref.digest) continue;
      const written = container.spec.imagePullPolicy;
      const policy =
        typeof written === 'string' && written !== ''
          ? written
          : ref.tag === undefined || ref.tag === 'latest'
            ? 'Always'
            : 'IfNotPresent';
      if (policy === 'Always') continue;
      const how = written === policy ? `imagePullPolicy ${policy}` : `the default imagePullPolicy ${policy}`;
      hits.push({
        // the field to set; positions fall back to the container when it is absent
        path: join(container.path, 'imagePullPolicy'),
        message: `${describeContainer(container)} pulls the mutable tag "${ref.original}" with ${how}, so a node may run a stale cached image`,
      });
    }
    return hits;
  },
});
