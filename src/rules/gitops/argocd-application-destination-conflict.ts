import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { appSpecOf, describeApp, isMap } from './argo-app.js';
import { ARGO_APP_SPEC, kyverno } from './argo-refs.js';

const SPEC = `(object.kind == 'ApplicationSet' ? (has(object.spec) && has(object.spec.template) && has(object.spec.template.spec) ? object.spec.template.spec : null) : (has(object.spec) ? object.spec : null))`;
const filled = (v: unknown) => typeof v === 'string' && v !== '';

export const rule = defineRule({
  id: 'argocd-application-destination-conflict',
  title: 'Application destination names both or neither of server and name',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'object',
  cel: {
    matchKinds: ['Application', 'ApplicationSet'],
    variables: [{ name: 'spec', expression: SPEC }],
    validations: [
      {
        expression:
          "variables.spec == null || !has(variables.spec.destination) || ((has(variables.spec.destination.server) && variables.spec.destination.server != '') != (has(variables.spec.destination.name) && variables.spec.destination.name != ''))",
        message: 'an Application destination must set exactly one of server and name',
      },
    ],
  },
  description:
    "An Application's (or an ApplicationSet template's) `spec.destination` sets both `server` and `name`, which Argo CD rejects (`application destination can't have both name and server defined`), or neither, so Argo CD cannot tell which cluster to deploy to. Either way the Application does not sync. Kyverno's application-field-validation asks for one of them, never both.",
  remediation:
    'Name the cluster once: `server: https://kubernetes.default.svc` (its API URL) or `name: in-cluster` (the name it is registered under in Argo CD).',
  references: [ARGO_APP_SPEC, kyverno('application-field-validation')],
  check(obj) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const d = app.spec.destination;
    if (!isMap(d)) return undefined;
    const server = filled(d.server);
    const name = filled(d.name);
    if (server === name)
      return [
        {
          path: server ? join(app.at, 'destination', 'name') : join(app.at, 'destination'),
          message: server
            ? `${describeApp(obj, app)} destination sets both server "${String(d.server)}" and name "${String(d.name)}": Argo CD rejects it`
            : `${describeApp(obj, app)} destination names no cluster (server or name): Argo CD cannot tell where to deploy`,
        },
      ];
    return undefined;
  },
});
