import { IMAGE_HAS_DIGEST, imageValid } from '../cel.js';
import { defineRule } from '../rule.js';
import {
  describeContainer,
  ISTIO_INJECTED_VARIABLE,
  imageChosenByInjectorCel,
  parsedImages,
} from './container-images.js';
import { K8S_IMAGE_NAMES, MITRE_T1525, NSA_CISA } from './refs.js';

export const rule = defineRule({
  id: 'image-tag-latest',
  title: 'Image uses the latest tag or no tag',
  category: 'supply-chain',
  severity: 'high',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: [ISTIO_INJECTED_VARIABLE],
    validations: [
      {
        expression: `variables.containers.all(c, !has(c.image) || ${imageChosenByInjectorCel('c')} || !${imageValid('c')} || ${IMAGE_HAS_DIGEST('c')} || (c.image.matches(':[\\\\w][\\\\w.-]{0,127}$') && !c.image.endsWith(':latest')))`,
        message: 'images must have an explicit tag other than latest, or a digest',
      },
    ],
  },
  description:
    'A container image has the tag `latest` or no tag at all (which means `latest`). What runs then depends on when each node pulled: replicas can run different code, a rollback redeploys whatever `latest` is today, and a pushed image goes live without review. An image pinned by digest is not reported, whatever its tag.',
  remediation:
    'Use an explicit version tag (`nginx:1.27.3`), better still pinned by digest (`nginx:1.27.3@sha256:…`), and let a bot (Renovate, Dependabot) propose updates.',
  references: [
    K8S_IMAGE_NAMES,
    {
      title: 'Kubernetes: Configuration best practices, container images',
      url: 'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
    },
    MITRE_T1525,
    NSA_CISA,
  ],
  check(_obj, ctx) {
    return parsedImages(ctx)
      .filter(({ ref }) => !ref.digest && (ref.tag === undefined || ref.tag === 'latest'))
      .map(({ container, path, ref }) => ({
        path,
        message:
          ref.tag === undefined
            ? `${describeContainer(container)} uses image "${ref.original}" without a tag, so it runs whatever "latest" is when the node pulls`
            : `${describeContainer(container)} uses image "${ref.original}" with the mutable tag "latest"`,
      }));
  },
});
