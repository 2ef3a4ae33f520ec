import { defineRule } from '../rule.js';
import { MITRE_T1611, NSA_CISA } from './hardening-refs.js';

/**
 * Node paths that hold the node's identity, credentials, runtime or kernel
 * interfaces: a volume at one of them, inside one, or above one (`/var` holds
 * `/var/lib/kubelet`) hands the node to whoever mounts it.
 */
export const SENSITIVE_HOST_PATHS: readonly string[] = [
  '/',
  '/etc',
  '/root',
  '/home',
  '/boot',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/usr',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/var/run',
  '/var/run/docker.sock',
  '/run/containerd',
  '/var/run/containerd',
  '/run/crio',
  '/var/run/crio',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/etcd',
  '/var/lib/rancher',
  '/var/log',
  '/etc/kubernetes',
];

/** `/var//lib/./kubelet/` → `/var/lib/kubelet`; undefined for a relative or empty path. */
function normalise(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

/**
 * The sensitive path a host path is or lies in (the most specific), or else
 * the first one it contains; undefined when it touches none.
 */
export function sensitiveHostPath(path: string): { path: string; contains: boolean } | undefined {
  const p = normalise(path);
  if (p === undefined) return undefined;
  let within: string | undefined;
  for (const s of SENSITIVE_HOST_PATHS)
    if ((p === s || p.startsWith(s === '/' ? '/' : `${s}/`)) && (within === undefined || s.length > within.length))
      within = s;
  if (within !== undefined && within !== '/') return { path: within, contains: false };
  if (p === '/') return { path: '/', contains: false };
  const inside = SENSITIVE_HOST_PATHS.find((s) => s.startsWith(`${p}/`));
  return inside === undefined ? undefined : { path: inside, contains: true };
}

const normalisedPath = (path: string | undefined) => (path === undefined ? undefined : normalise(path));

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export const rule = defineRule({
  id: 'hostpath-persistent-volume',
  title: 'PersistentVolume exposes a node directory (hostPath)',
  category: 'pod-security',
  severity: 'medium',
  appliesTo: ['PersistentVolume'],
  needs: 'object',
  cel: {
    matchKinds: ['PersistentVolume'],
    validations: [
      {
        expression: '!has(object.spec) || !has(object.spec.hostPath)',
        message: 'PersistentVolumes must not use hostPath',
      },
    ],
  },
  description:
    "A PersistentVolume has `spec.hostPath`: any pod whose claim binds it mounts that directory of the node it is scheduled on. The pod itself only names a PersistentVolumeClaim, so Pod Security's hostPath check (baseline) and the pod-level hostPath rules never see it: whoever may create a claim (or bind this one) gets node files without any privileged pod spec. Kubernetes documents hostPath PersistentVolumes for single-node testing only. High severity when the path is, lies in, or contains a system path (`/`, `/etc`, `/root`, `/proc`, `/sys`, `/dev`, `/run` and `/var/run` with the container runtime sockets, `/var/lib/kubelet`, `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/etcd`, `/etc/kubernetes`, `/var/log`, `/usr`, `/boot`, ...): the node's credentials, the kubelet's state, the runtime socket or kernel interfaces; medium otherwise. `local` PersistentVolumes (the supported way to use a node's disks, with node affinity) are not reported.",
  remediation:
    'Use a storage class backed by a CSI driver (or a `local` PersistentVolume on a dedicated disk, with node affinity) instead of hostPath. If a node directory must be shared, give it to a dedicated, reviewed workload through its own pod spec, read-only, where Pod Security and admission policy can see it.',
  references: [
    {
      title: 'Kubernetes: persistent volume types (hostPath: for single node testing only)',
      url: 'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#types-of-persistent-volumes',
    },
    {
      title: 'Kubernetes: hostPath volumes and their security risks',
      url: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    },
    { title: 'Kubescape C-0048 (HostPath mount), C-0045 (Writable hostPath mount)' },
    NSA_CISA,
    MITRE_T1611,
  ],
  check(obj) {
    const spec = obj.raw.spec;
    if (!isRecord(spec) || spec.hostPath === undefined || spec.hostPath === null) return undefined;
    const hp = spec.hostPath;
    const path = isRecord(hp) && typeof hp.path === 'string' ? hp.path : undefined;
    const sensitive = path === undefined ? undefined : sensitiveHostPath(path);
    const where = path === undefined ? 'a node directory' : `the node's "${path}"`;
    const what = !sensitive
      ? ''
      : sensitive.path === '/'
        ? ", the node's root"
        : sensitive.contains
          ? `, which holds system path ${sensitive.path}`
          : sensitive.path === normalisedPath(path)
            ? ', a system path'
            : `, inside system path ${sensitive.path}`;
    return [
      {
        path: '/spec/hostPath',
        message: sensitive
          ? `PersistentVolume ${obj.name} mounts ${where} (hostPath)${what}: any pod whose claim binds it reads and writes the node's own files`
          : `PersistentVolume ${obj.name} mounts ${where} (hostPath): any pod whose claim binds it gets that node directory, unseen by Pod Security`,
        severity: sensitive ? 'high' : 'medium',
      },
    ];
  },
});
