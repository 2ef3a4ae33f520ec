import { checkById, evaluateCheck, podInputOfWorkload } from '../../engines/pss/index.js';
import { getAt, parsePointer, pointer } from '../../model/pointer.js';
import type { Rule, RuleHit } from '../rule.js';
import { pssCheckRule } from './pss-check-rule.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const CONTAINER_LISTS: Record<string, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

const base = pssCheckRule({
  id: 'pss-apparmor-profile',
  check: 'appArmorProfile',
  title: 'AppArmor profile disabled or overridden',
  description:
    'The pod or a container sets an AppArmor profile other than RuntimeDefault or Localhost (the appArmorProfile field or the deprecated container.apparmor.security.beta.kubernetes.io annotation), e.g. Unconfined.',
  remediation:
    'Remove the appArmorProfile setting (or the annotation), or set it to RuntimeDefault or a Localhost profile.',
});

const check = checkById('appArmorProfile');

/**
 * The Pod Security check's verdict, told in its own words: the admission
 * controller's detail quotes `key="value"` inside quotes
 * (`to "container.apparmor...app="unconfined""`), which reads as garbage; the
 * message here names each offending field or annotation and its value.
 * `kubeprint pss` keeps the controller's exact text.
 */
export const rule: Rule = {
  ...base,
  check(obj, ctx) {
    if (!ctx.workload || !check) return undefined;
    const v = evaluateCheck(check, podInputOfWorkload(ctx.workload), 'latest');
    if (!v) return undefined;
    const parts: string[] = [];
    let fields = false;
    let annotations = false;
    for (const path of v.paths) {
      const segs = parsePointer(path);
      const value = JSON.stringify(getAt(obj.raw, path) ?? '');
      const last = segs[segs.length - 1] ?? '';
      if (last.startsWith(ANNOTATION_PREFIX)) {
        annotations = true;
        parts.push(
          `annotation ${last} is ${value} (container ${JSON.stringify(last.slice(ANNOTATION_PREFIX.length))})`,
        );
        continue;
      }
      fields = true;
      const sc = segs.lastIndexOf('securityContext');
      const list = CONTAINER_LISTS[segs[sc - 2] ?? ''];
      const name = list ? getAt(obj.raw, pointer(...segs.slice(0, sc), 'name')) : undefined;
      const who = list
        ? `${list} ${typeof name === 'string' && name ? JSON.stringify(name) : `#${segs[sc - 1]}`}`
        : 'pod';
      parts.push(`${who} securityContext.appArmorProfile.type is ${value}`);
    }
    const allowed = fields
      ? `RuntimeDefault and Localhost${annotations ? ' (annotations: runtime/default and localhost/<profile>)' : ''}`
      : 'runtime/default and localhost/<profile>';
    const hit: RuleHit = {
      message: `AppArmor profile overridden: ${parts.join('; ')}; allowed are ${allowed}`,
      path: v.path,
    };
    return [hit];
  },
};
