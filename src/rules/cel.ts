/**
 * CEL building blocks for rules that carry a ValidatingAdmissionPolicy form
 * (`rule.cel`). Workload rules see `variables.podSpec` and
 * `variables.containers` (app, init and ephemeral containers), whatever the
 * kind; every field access is guarded with `has()`, since a missing field is
 * an evaluation error in CEL and the policy would then fail closed.
 */
import { DIGEST_PATTERN, IMAGE_NAME_PATTERN, IMAGE_REFERENCE_PATTERN } from '../model/image-ref.js';
import { WORKLOAD_KINDS } from '../model/workload.js';

export const WORKLOAD_VARIABLES: ReadonlyArray<{ name: string; expression: string }> = [
  {
    name: 'podSpec',
    expression:
      "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.kind == 'PodTemplate' ? object.template.spec : object.spec.template.spec",
  },
  {
    name: 'containers',
    expression:
      '(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : []) + variables.podSpec.containers + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
  },
];

/** A CEL single-quoted string literal. */
export function celString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `spec.os.name: windows` (Pod Security's v1.25 relaxations). */
export const IS_WINDOWS = {
  name: 'isWindows',
  expression: "has(variables.podSpec.os) && has(variables.podSpec.os.name) && variables.podSpec.os.name == 'windows'",
};

/** True when `c.securityContext.FIELD` is set to `value`. */
export function scIs(c: string, field: string, value: string): string {
  return `(has(${c}.securityContext) && has(${c}.securityContext.${field}) && ${c}.securityContext.${field} == ${value})`;
}

/** The image is a valid reference (rules other than image-ref-invalid judge only these). */
export function imageValid(c: string): string {
  return `${c}.image.matches(${celString(IMAGE_REFERENCE_PATTERN)})`;
}

/** The image's name and tag are valid, whatever follows its `@` (a malformed digest is then the only fault). */
export function imageNameValid(c: string): string {
  return `${c}.image.matches(${celString(IMAGE_NAME_PATTERN)})`;
}

/** The image ends in one `@` and a digest that runtimes accept (sha256/sha384/sha512, lowercase hex of the right length). */
export const IMAGE_HAS_DIGEST = (c: string) => `${c}.image.matches(${celString(`^[^@]*@${DIGEST_PATTERN}$`)})`;

/** Controlled by a workload controller (its owner is judged instead), and long-running. */
/** Owned by a workload controller (a ReplicaSet's pods): the owner is judged instead. */
export const CONTROLLED = {
  name: 'controlled',
  expression: `has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller == true && r.kind in [${WORKLOAD_KINDS.map(celString).join(', ')}])`,
};

export const SERVING_VARIABLES: ReadonlyArray<{ name: string; expression: string }> = [
  CONTROLLED,
  {
    name: 'longRunning',
    expression:
      "!(object.kind in ['Job', 'CronJob']) && !(object.kind == 'Pod' && has(object.spec.restartPolicy) && object.spec.restartPolicy in ['Never', 'OnFailure'])",
  },
  {
    name: 'serving',
    expression:
      "variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers.filter(c, has(c.restartPolicy) && c.restartPolicy == 'Always') : [])",
  },
];

/** `spec.hostUsers: false` (Pod Security's v1.35 relaxations for user-namespaced pods). */
export const USER_NAMESPACE = {
  name: 'userNamespace',
  expression: 'has(variables.podSpec.hostUsers) && variables.podSpec.hostUsers == false',
};

/** A CEL list of string literals. */
export function celList(items: Iterable<string>): string {
  return `[${[...items].map(celString).join(', ')}]`;
}

/** A seccomp profile whose type is RuntimeDefault or Localhost. */
export function seccompValid(p: string): string {
  return `(has(${p}.type) && ${p}.type in ['RuntimeDefault', 'Localhost'])`;
}
