import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-apparmor-profile',
  check: 'appArmorProfile',
  title: 'AppArmor profile disabled or overridden',
  description:
    'The pod or a container sets an AppArmor profile other than RuntimeDefault or Localhost (the appArmorProfile field or the deprecated container.apparmor.security.beta.kubernetes.io annotation), e.g. Unconfined.',
  remediation:
    'Remove the appArmorProfile setting (or the annotation), or set it to RuntimeDefault or a Localhost profile.',
});
