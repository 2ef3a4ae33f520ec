import { at, cis, defineControlPlaneRule, flagDoc, forComponents, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'control-plane-bind-address-exposed',
  title: 'Controller manager or scheduler listens beyond localhost',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-controller-manager': ['bind-address'], 'kube-scheduler': ['bind-address'] },
  description:
    'The controller manager and scheduler serve health, metrics and (unless disabled) profiling on their secure port; bound to all interfaces (the default 0.0.0.0) they are reachable from the network.',
  remediation: 'Set `--bind-address=127.0.0.1`.',
  references: [
    cis('1.3.7', 'Ensure that the --bind-address argument is set to 127.0.0.1'),
    cis('1.4.2', 'Ensure that the --bind-address argument is set to 127.0.0.1'),
    flagDoc('kube-controller-manager'),
    flagDoc('kube-scheduler'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-controller-manager', 'kube-scheduler'], (c) => {
      const f = c.flag('bind-address');
      if (!f)
        return missing(c, `${c.component} has no --bind-address=127.0.0.1: it listens on all interfaces by default`);
      const v = (f.value ?? '').trim();
      return v === '127.0.0.1' || v === '::1' || v === 'localhost'
        ? undefined
        : at(f, `${c.component} --bind-address=${v}: the secure port is reachable from the network`);
    });
  },
});
