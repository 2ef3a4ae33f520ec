import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'file-skipped',
  title: 'File not judged (too large, binary, unreadable, not a regular file, or a symlink out of the input)',
  category: 'governance',
  severity: 'high',
  appliesTo: [],
  needs: 'object',
  description:
    "A manifest under a scanned path was not read, so nothing in it was judged: it is larger than the size limit (maxFileBytes, 64 MiB by default; stdin too), binary or not text in UTF-8 or UTF-16/UTF-32 with a byte-order mark, a directory or file that cannot be read, a FIFO, socket or device with a manifest's name, or a symlink to a file outside the scanned directories (which `kubectl apply -f` would still apply). kubeprint is a gate: what it could not judge fails the run rather than pass unseen. A path named on the command line that cannot be read stops the run with exit status 2 instead.",
  remediation:
    'Make the file readable text, move what a symlink points at into the scanned directories (or scan its target too), exclude files that are not manifests from the scanned paths, or raise maxFileBytes in .kubeprint.yaml when a larger manifest is expected.',
  references: [
    {
      title: 'kubectl apply -f: files, directories and URLs',
      url: 'https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/',
    },
  ],
  check: () => undefined,
});
