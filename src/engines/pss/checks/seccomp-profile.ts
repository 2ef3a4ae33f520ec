import { join } from '../../../model/pointer.js';
import type { CheckDenial, CheckFn, PodInput, PssCheck } from '../types.js';
import {
  annotationsOf,
  annotationValue,
  containerList,
  containerSCPath,
  goQuote,
  isWindowsPod,
  joinQuote,
  pluralize,
  podSCPath,
  podSecurityContext,
  rec,
  securityContextOf,
  sortedSet,
  str,
} from '../util.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function validAnnotation(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

/** Before v1.19 seccomp was set by the alpha annotations. */
const baselineAnnotations: CheckFn = (pod) => {
  const annotations = annotationsOf(pod);
  const forbidden: string[] = [];
  const paths: string[] = [];
  const consider = (key: string) => {
    if (!Object.hasOwn(annotations, key)) return;
    const v = annotationValue(annotations[key]);
    if (validAnnotation(v)) return;
    forbidden.push(`${key}=${goQuote(v)}`);
    paths.push(join(pod.metadataPath, 'annotations', key));
  };
  consider(POD_ANNOTATION);
  for (const c of pod.containers) consider(CONTAINER_ANNOTATION_PREFIX + c.name);
  if (forbidden.length === 0) return undefined;
  const unique = sortedSet(forbidden);
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', unique.length)} ${unique.join(', ')}`,
    paths,
  };
};

interface SeccompScan {
  setters: string[];
  badValues: string[];
  paths: string[];
  podSet: boolean;
  implicit: string[];
  implicitPaths: string[];
}

/** Explicitly bad values at pod and container level, and containers left unset without a valid pod value. */
function scanSeccomp(pod: PodInput): SeccompScan {
  const out: SeccompScan = { setters: [], badValues: [], paths: [], podSet: false, implicit: [], implicitPaths: [] };
  const podProfile = rec(podSecurityContext(pod), 'seccompProfile');
  if (podProfile) {
    const t = str(podProfile, 'type');
    if (!validType(t)) {
      out.setters.push('pod');
      out.badValues.push(t);
      out.paths.push(podSCPath(pod, 'seccompProfile', 'type'));
    } else {
      out.podSet = true;
    }
  }
  const bad: string[] = [];
  for (const c of pod.containers) {
    const profile = rec(securityContextOf(c), 'seccompProfile');
    if (profile) {
      const t = str(profile, 'type');
      if (!validType(t)) {
        bad.push(c.label);
        out.badValues.push(t);
        out.paths.push(containerSCPath(c, 'seccompProfile', 'type'));
      }
    } else if (!out.podSet) {
      out.implicit.push(c.label);
      out.implicitPaths.push(containerSCPath(c, 'seccompProfile', 'type'));
    }
  }
  if (bad.length > 0) out.setters.push(containerList(bad));
  return out;
}

function explicitDenial(s: SeccompScan): CheckDenial | undefined {
  if (s.setters.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `${s.setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(s.badValues))}`,
    paths: s.paths,
  };
}

const baselineFields: CheckFn = (pod) => explicitDenial(scanSeccomp(pod));

const restrictedFields: CheckFn = (pod) => {
  const s = scanSeccomp(pod);
  const explicit = explicitDenial(s);
  if (explicit) return explicit;
  if (s.implicit.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${containerList(s.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    paths: [podSCPath(pod, 'seccompProfile', 'type'), ...s.implicitPaths],
  };
};

/** Unconfined seccomp (baseline): annotations before v1.19, `seccompProfile` fields from v1.19. */
export const seccompProfileBaseline: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  title: 'Seccomp',
  versions: [
    { minVersion: 0, check: baselineAnnotations },
    { minVersion: 19, check: baselineFields },
  ],
};

/**
 * Seccomp must be RuntimeDefault or Localhost, set at pod level or on every
 * container (restricted, v1.19+; Windows pods exempt from v1.25).
 */
export const seccompProfileRestricted: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  title: 'Seccomp (restricted)',
  versions: [
    { minVersion: 19, check: restrictedFields, overrides: ['seccompProfile_baseline'] },
    {
      minVersion: 25,
      check: (pod) => (isWindowsPod(pod) ? undefined : restrictedFields(pod)),
      overrides: ['seccompProfile_baseline'],
    },
  ],
};
