import { at, cis, defineControlPlaneRule, flagDoc, forComponents } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-token-auth-file',
  title: 'API server authenticates with a static token file',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['token-auth-file'] },
  description:
    'Static tokens live in clear text on the control-plane node, never expire and can only be changed by restarting the API server.',
  remediation: 'Remove `--token-auth-file`; use client certificates, OIDC or service-account tokens instead.',
  references: [cis('1.2.2', 'Ensure that the --token-auth-file parameter is not set'), flagDoc('kube-apiserver')],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      const f = c.flag('token-auth-file');
      return f
        ? at(
            f,
            'kube-apiserver --token-auth-file: static bearer tokens never expire and cannot be revoked without a restart',
          )
        : undefined;
    });
  },
});
