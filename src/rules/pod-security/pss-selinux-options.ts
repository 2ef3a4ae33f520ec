import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-selinux-options',
  check: 'seLinuxOptions',
  title: 'Custom SELinux type, user or role',
  description:
    'The pod or a container sets seLinuxOptions with a type outside container_t, container_init_t, container_kvm_t, container_engine_t, or sets a user or role.',
  remediation: 'Remove seLinuxOptions.user and .role, and use one of the allowed types (or leave type unset).',
});
