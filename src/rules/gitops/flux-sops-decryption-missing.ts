import type { KubeObject } from '../../model/kube-object.js';
import { defineRule } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf, text } from './flux.js';
import { FLUX_KS_DECRYPTION, FLUX_SOPS } from './flux-refs.js';

/** A document SOPS encrypted: its top-level `sops` metadata (a MAC, a timestamp), which only decryption removes. */
export function sopsEncrypted(o: KubeObject): boolean {
  const s = o.raw.sops;
  return isMap(s) && (typeof s.mac === 'string' || typeof s.lastmodified === 'string');
}

const segments = (p: string) =>
  p
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');

/** The file's directory lies in `dirs` (at any depth), read from a root that also holds `anchor` (the Kustomization's own file). */
function underPath(file: string, dirs: readonly string[], anchor: string): boolean {
  const fileDir = segments(file).slice(0, -1);
  const anchorSegs = segments(anchor);
  for (let i = 0; i + dirs.length <= fileDir.length; i++) {
    if (!dirs.every((d, k) => fileDir[i + k] === d)) continue;
    // the repository root the path is read from: it must also hold the Kustomization
    const root = fileDir.slice(0, i);
    if (root.every((r, k) => anchorSegs[k] === r) && anchorSegs.length > root.length) return true;
  }
  return false;
}

/** What the object says deploys it, when the scan followed a GitOps object to it (src/gitops). */
function deployer(o: KubeObject): { kind?: unknown; name?: unknown; namespace?: unknown } | undefined {
  const by = (o.source as { deployedBy?: unknown } | undefined)?.deployedBy;
  const first = Array.isArray(by) ? by[0] : by;
  return isMap(first) ? first : undefined;
}

/** The encrypted objects a Kustomization deploys: named as its by the scan, or lying under its `spec.path`. */
function encryptedUnder(ks: KubeObject, encrypted: readonly KubeObject[]): KubeObject[] {
  const path = text(specOf(ks)?.path);
  const dirs = path ? segments(path) : [];
  const anchor = ks.source?.file;
  return encrypted.filter((o) => {
    const by = deployer(o);
    if (by) return by.kind === 'Kustomization' && by.name === ks.name && (by.namespace ?? undefined) === ks.namespace;
    const file = o.source?.file;
    return !!file && !!anchor && dirs.length > 0 && underPath(file, dirs, anchor);
  });
}

export const rule = defineRule({
  id: 'flux-sops-decryption-missing',
  title: 'Flux Kustomization deploys SOPS-encrypted files without decryption',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Kustomization'],
  needs: 'scope',
  description:
    "A Flux Kustomization without `spec.decryption` deploys files that SOPS encrypted (documents carrying SOPS's `sops` metadata). kustomize-controller decrypts only with `decryption.provider: sops`; without it the encrypted documents go to the API server as they are, so the reconciliation fails on the unknown `sops` field (every object of the Kustomization stays at its old version) or, for `data` a Secret accepts, the Secret holds ciphertext and its users break. Judged only where the scan sees both: an encrypted document that the scan rendered through this Kustomization (following it into the repository), or one whose file lies under the Kustomization's `spec.path` read from a directory that also holds the Kustomization's own file (the repository root of a Flux monorepo). Paths of other repositories, and a `spec.path` at the repository root, are not judged.",
  remediation:
    'Add `decryption: {provider: sops, secretRef: {name: sops-age}}` (or a KMS identity through `serviceAccountName`) to the Kustomization, with the key Secret in its namespace; or move the encrypted files out of its path.',
  references: [FLUX_KS_DECRYPTION, FLUX_SOPS],
  check(obj, ctx) {
    if (!isFlux(obj, 'Kustomization')) return undefined;
    const spec = specOf(obj);
    if (!spec || isMap(spec.decryption)) return undefined;
    const encrypted = ctx.memo('flux-sops-decryption-missing/encrypted', () => ctx.all.objects.filter(sopsEncrypted));
    if (encrypted.length === 0) return undefined;
    const mine = encryptedUnder(obj, encrypted);
    if (mine.length === 0) return undefined;
    const files = [...new Set(mine.map((o) => o.source?.file ?? `${o.kind}/${o.name}`))];
    const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
    return [
      {
        path: '/spec',
        message: `${describeFlux(obj)} has no spec.decryption, yet deploys ${mine.length === 1 ? 'a SOPS-encrypted document' : `${mine.length} SOPS-encrypted documents`} (${shown}): Flux applies ${mine.length === 1 ? 'it' : 'them'} still encrypted`,
      },
    ];
  },
});
