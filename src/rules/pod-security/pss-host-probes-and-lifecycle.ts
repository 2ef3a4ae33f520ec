import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-host-probes-and-lifecycle',
  check: 'hostProbesAndHostLifecycle',
  title: 'Probe or lifecycle handler targets another host',
  description:
    "A probe or lifecycle handler sets httpGet.host or tcpSocket.host: the kubelet then connects to an arbitrary address on the pod's behalf, which can be used to reach the node or other hosts (policy v1.34 and later).",
  remediation: "Remove the host field from probes and lifecycle handlers so that the kubelet targets the pod's own IP.",
});
