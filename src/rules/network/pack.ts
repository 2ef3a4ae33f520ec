import type { Rule } from '../rule.js';
import { rule as egressDeniedWithoutDns } from './egress-denied-without-dns.js';
import { rule as ingressTlsMissing } from './ingress-tls-missing.js';
import { rule as namespaceWithoutDefaultDenyEgress } from './namespace-without-default-deny-egress.js';
import { rule as namespaceWithoutDefaultDenyIngress } from './namespace-without-default-deny-ingress.js';
import { rule as netpolRuleNeverMatches } from './netpol-rule-never-matches.js';
import { rule as netpolSelectsNoPods } from './netpol-selects-no-pods.js';
import { rule as serviceExposedExternally } from './service-exposed-externally.js';
import { rule as serviceExternalIps } from './service-external-ips.js';
import { rule as servicePortUnreachable } from './service-port-unreachable.js';
import { rule as workloadExposedToClusterOrInternet } from './workload-exposed-to-cluster-or-internet.js';
import { rule as workloadWithoutNetworkPolicy } from './workload-without-network-policy.js';

/** The network pillar, in registry order. */
export const networkRules: Rule[] = [
  namespaceWithoutDefaultDenyIngress,
  namespaceWithoutDefaultDenyEgress,
  workloadExposedToClusterOrInternet,
  workloadWithoutNetworkPolicy,
  netpolSelectsNoPods,
  netpolRuleNeverMatches,
  egressDeniedWithoutDns,
  servicePortUnreachable,
  serviceExternalIps,
  serviceExposedExternally,
  ingressTlsMissing,
];
