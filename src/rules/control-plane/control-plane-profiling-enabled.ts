import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isFalse, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'control-plane-profiling-enabled',
  title: 'Control-plane component exposes profiling',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: {
    'kube-apiserver': ['profiling'],
    'kube-controller-manager': ['profiling'],
    'kube-scheduler': ['profiling'],
    etcd: ['enable-pprof'],
  },
  description:
    'Profiling endpoints (/debug/pprof) reveal program internals and can be used to exhaust the component; they are on by default for the API server, controller manager and scheduler (etcd: --enable-pprof).',
  remediation: 'Set `--profiling=false` (and leave etcd `--enable-pprof` off).',
  references: [
    cis('1.2.15', 'Ensure that the --profiling argument is set to false'),
    cis('1.3.2', 'Ensure that the --profiling argument is set to false'),
    cis('1.4.1', 'Ensure that the --profiling argument is set to false'),
    flagDoc('kube-apiserver'),
    flagDoc('kube-controller-manager'),
    flagDoc('kube-scheduler'),
    flagDoc('etcd'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'], (c) => {
      if (c.component === 'etcd') {
        const f = c.flag('enable-pprof');
        return f && !isFalse(f.value)
          ? at(f, 'etcd --enable-pprof: profiling endpoints are served on the client port')
          : undefined;
      }
      const f = c.flag('profiling');
      if (!f) return missing(c, `${c.component} has no --profiling=false: profiling is on by default`);
      return isFalse(f.value)
        ? undefined
        : at(f, `${c.component} --profiling=${f.value ?? 'true'}: /debug/pprof is served`);
    });
  },
});
