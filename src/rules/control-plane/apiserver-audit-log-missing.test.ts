import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { toKubeObject } from '../../model/kube-object.js';
import { scanObjects } from '../../scan.js';
import { rule } from './apiserver-audit-log-missing.js';

function findings(args: string[]) {
  const pod = toKubeObject(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kube-apiserver', namespace: 'kube-system' },
      spec: { containers: [{ name: 'kube-apiserver', command: ['kube-apiserver', ...args] }] },
    },
    undefined,
    's',
  );
  if (!pod) throw new Error('not an object');
  return scanObjects([pod], { config: DEFAULT_CONFIG, rules: [rule] }).findings.map((f) => ({
    message: f.message,
    path: f.path,
  }));
}

const POLICY = '--audit-policy-file=/etc/kubernetes/audit-policy.yaml';
const LOG = '--audit-log-path=/var/log/audit.log';
const WEBHOOK = '--audit-webhook-config-file=/etc/kubernetes/audit-webhook.yaml';

describe('apiserver-audit-log-missing', () => {
  it('a backend and a policy audit', () => {
    expect(findings([LOG, POLICY])).toEqual([]);
    expect(findings([WEBHOOK, POLICY])).toEqual([]);
    expect(findings([LOG, WEBHOOK, POLICY])).toEqual([]);
  });

  it('a backend without a policy records nothing, and the message says the policy is missing', () => {
    const [log] = findings([LOG]);
    expect(log?.message).toContain('--audit-log-path but no --audit-policy-file');
    expect(log?.path).toBe('/spec/containers/0/command/1');
    const [hook] = findings([WEBHOOK]);
    expect(hook?.message).toContain('--audit-webhook-config-file but no --audit-policy-file');
    expect(findings([LOG, '--audit-policy-file='])[0]?.message).toContain('no --audit-policy-file');
  });

  it('a policy without a backend, and neither: the message names what is missing', () => {
    const [policyOnly] = findings([POLICY]);
    expect(policyOnly?.message).toContain('neither --audit-log-path nor --audit-webhook-config-file');
    expect(policyOnly?.message).not.toContain('no --audit-policy-file');
    expect(policyOnly?.path).toBe('/spec/containers/0/command');
    const [none] = findings(['--v=2']);
    expect(none?.message).toContain('no --audit-policy-file and neither --audit-log-path');
    expect(findings(['--audit-log-path=', POLICY])[0]?.message).toContain('neither --audit-log-path');
  });
});
