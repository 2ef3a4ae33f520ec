import { describe, expect, it } from 'vitest';
import { scanObjects } from '../../scan.js';
import { objectsFromText } from '../../sources/file-objects.js';
import { rule } from './pss-apparmor-profile.js';

function messages(yaml: string): string[] {
  const { objects } = objectsFromText(yaml, { file: 'p.yaml', scope: 'p' });
  return scanObjects(objects, { rules: [rule] }).findings.map((f) => f.message);
}

const pod = (annotations: string, spec: string) => `apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
  annotations:
${annotations}
spec:
${spec}
`;

describe('pss-apparmor-profile messages', () => {
  it('names the annotation, its value and its container without nested quotes', () => {
    const [message] = messages(
      pod(
        '    container.apparmor.security.beta.kubernetes.io/app: unconfined',
        '  containers:\n  - name: app\n    image: registry.example.com/debug:1.0',
      ),
    );
    expect(message).toBe(
      'AppArmor profile overridden: annotation container.apparmor.security.beta.kubernetes.io/app is "unconfined" (container "app"); allowed are runtime/default and localhost/<profile>',
    );
    expect(message).not.toMatch(/""|="/);
  });

  it('names the pod and container fields that set a forbidden type, and every annotation', () => {
    const [message] = messages(
      pod(
        '    container.apparmor.security.beta.kubernetes.io/sidecar: "unconfined"\n    container.apparmor.security.beta.kubernetes.io/app: runtime/default',
        [
          '  securityContext:',
          '    appArmorProfile: {type: Unconfined}',
          '  containers:',
          '  - name: app',
          '    image: a:1',
          '    securityContext:',
          '      appArmorProfile: {type: Unconfined}',
          '  - name: sidecar',
          '    image: b:1',
        ].join('\n'),
      ),
    );
    expect(message).toBe(
      'AppArmor profile overridden: pod securityContext.appArmorProfile.type is "Unconfined"; container "app" securityContext.appArmorProfile.type is "Unconfined"; annotation container.apparmor.security.beta.kubernetes.io/sidecar is "unconfined" (container "sidecar"); allowed are RuntimeDefault and Localhost (annotations: runtime/default and localhost/<profile>)',
    );
  });

  it('does not fire for allowed profiles', () => {
    expect(
      messages(
        pod(
          '    container.apparmor.security.beta.kubernetes.io/app: localhost/k8s-apparmor',
          '  securityContext:\n    appArmorProfile: {type: RuntimeDefault}\n  containers:\n  - name: app\n    image: a:1',
        ),
      ),
    ).toEqual([]);
  });
});
