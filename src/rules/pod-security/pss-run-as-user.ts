import { scIs, USER_NAMESPACE } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-run-as-user',
  check: 'runAsUser',
  cel: {
    matchKinds: 'workloads',
    variables: [USER_NAMESPACE],
    validations: [
      {
        expression: `variables.userNamespace || (!${scIs('variables.podSpec', 'runAsUser', '0')} && variables.containers.all(c, !${scIs('c', 'runAsUser', '0')}))`,
        message: 'runAsUser=0: the pod and its containers must not set runAsUser=0',
      },
    ],
  },
  title: 'Container runs as user 0',
  description: 'The pod or a container sets securityContext.runAsUser: 0, i.e. runs as root.',
  remediation: "Set runAsUser to a non-zero UID (or remove it and rely on the image's non-root USER).",
});
