import { defineRule } from '../rule.js';

/** Reported by the sources when they follow GitOps objects (src/gitops), not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'gitops-source-not-followed',
  title: 'GitOps source not followed: what it deploys was not judged',
  category: 'governance',
  severity: 'info',
  appliesTo: [],
  needs: 'object',
  description:
    'kubeprint follows Argo CD Applications and Flux Kustomizations and HelmReleases into the scanned repository and judges what they deploy, rendered the way the controller renders it. This finding names a source it did not follow, and why: a remote source (another Git repository, a Helm or OCI repository, a bucket), a config management plugin or Jsonnet (not run), an ApplicationSet (generators are not run), a source object missing from the files, an Application that deploys itself (followed once), or something the render leaves out (Flux post-renderers, a values ConfigMap not in the files). What such a source deploys is judged only where it is scanned itself.',
  remediation:
    'Scan the remote repository or chart too, or render it (helm template, kustomize build) and scan the output; when the source is this repository under another URL, give that URL with --repo-url or gitops.repoURL in .kubeprint.yaml.',
  references: [
    {
      title: 'Argo CD: tools (Helm, Kustomize, directory, plugins)',
      url: 'https://argo-cd.readthedocs.io/en/stable/user-guide/application_sources/',
    },
    { title: 'Flux: Kustomization', url: 'https://fluxcd.io/flux/components/kustomize/kustomizations/' },
  ],
  check: () => undefined,
});
