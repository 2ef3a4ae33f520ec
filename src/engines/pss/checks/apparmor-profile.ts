import { join } from '../../../model/pointer.js';
import type { PssCheck } from '../types.js';
import {
  annotationsOf,
  annotationValue,
  byteOrder,
  containerList,
  containerSCPath,
  goQuote,
  joinQuote,
  pluralize,
  podSCPath,
  podSecurityContext,
  rec,
  securityContextOf,
  sortedSet,
  str,
} from '../util.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(v: string): boolean {
  return v === '' || v === 'runtime/default' || v.startsWith('localhost/');
}

function allowedType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

/**
 * Overriding or disabling the default AppArmor profile (baseline, v1.0+):
 * the `appArmorProfile` fields of the pod and its containers, and the
 * deprecated per-container annotations. The controller checks both channels
 * at every policy version.
 */
export const appArmorProfile: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  title: 'AppArmor',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const setters: string[] = [];
        const values: string[] = [];
        const paths: string[] = [];
        const podProfile = rec(podSecurityContext(pod), 'appArmorProfile');
        if (podProfile && !allowedType(str(podProfile, 'type'))) {
          setters.push('pod');
          values.push(str(podProfile, 'type'));
          paths.push(podSCPath(pod, 'appArmorProfile', 'type'));
        }
        const bad: string[] = [];
        for (const c of pod.containers) {
          const profile = rec(securityContextOf(c), 'appArmorProfile');
          if (profile && !allowedType(str(profile, 'type'))) {
            bad.push(c.label);
            values.push(str(profile, 'type'));
            paths.push(containerSCPath(c, 'appArmorProfile', 'type'));
          }
        }
        if (bad.length > 0) setters.push(containerList(bad));
        const annotations: string[] = [];
        for (const [k, raw] of Object.entries(annotationsOf(pod))) {
          const v = annotationValue(raw);
          if (k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(v)) {
            annotations.push(`${k}=${goQuote(v)}`);
            paths.push(join(pod.metadataPath, 'annotations', k));
          }
        }
        const badValues = sortedSet(values);
        if (annotations.length > 0) {
          badValues.push(...annotations.sort(byteOrder));
          setters.push(pluralize('annotation', 'annotations', annotations.length));
        }
        if (setters.length === 0) return undefined;
        return {
          reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValues.length),
          detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
          paths,
        };
      },
    },
  ],
};
