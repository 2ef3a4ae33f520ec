import { describe, expect, it } from 'vitest';
import { scanObjects } from '../../scan.js';
import { objectsFromText } from '../../sources/file-objects.js';
import { rule } from './workload-exposed-to-cluster-or-internet.js';

function messages(ingress: string): string[] {
  const yaml = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
${ingress}
`;
  const { objects } = objectsFromText(yaml, { file: 'np.yaml', scope: 'np' });
  return scanObjects(objects, { rules: [rule] }).findings.map((f) => f.message);
}

describe('workload-exposed-to-cluster-or-internet messages say which ports are open', () => {
  it('a rule without "from" limited to ports names those ports, not every address on every port', () => {
    expect(messages('    - ports: [{port: 8080}, {port: 53, protocol: UDP}]')).toEqual([
      'ingress rule 0 has no "from", so it admits every pod and every address, but only on ports 8080/TCP, 53/UDP',
    ]);
  });

  it('a rule without "from" or "ports" admits everything on every port', () => {
    expect(messages('    - {}')).toEqual([
      'ingress rule 0 has no "from" and no "ports", so it admits every pod and every address on every port',
    ]);
  });

  it('0.0.0.0/0 and namespaceSelector: {} name the ports too (ranges, named ports, a protocol alone)', () => {
    expect(
      messages(
        [
          '    - from: [{ipBlock: {cidr: 0.0.0.0/0}}]',
          '      ports: [{port: 8000, endPort: 8080}, {port: http}]',
          '    - from: [{namespaceSelector: {}}]',
          '      ports: [{protocol: UDP}]',
          '    - from: [{namespaceSelector: {}}]',
        ].join('\n'),
      ),
    ).toEqual([
      'ingress rule 0 admits every IPv4 address (0.0.0.0/0), on ports 8000-8080/TCP, "http"/TCP',
      'ingress rule 1 admits every pod in every namespace (the entire cluster), on every UDP port',
      'ingress rule 2 admits every pod in every namespace (the entire cluster), on every port',
    ]);
  });
});
