import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-run-as-user',
  check: 'runAsUser',
  title: 'Container runs as user 0',
  description: 'The pod or a container sets securityContext.runAsUser: 0, i.e. runs as root.',
  remediation: "Set runAsUser to a non-zero UID (or remove it and rely on the image's non-root USER).",
});
