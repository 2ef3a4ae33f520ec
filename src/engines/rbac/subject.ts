import { KubeprintError } from '../../errors.js';
import type { Subject, UserInfo } from './types.js';

const SA_PREFIX = 'system:serviceaccount:';

/**
 * Parse a subject as written on the command line: `User:alice`, `Group:devs`,
 * `ServiceAccount:ns:name`, or the username form `system:serviceaccount:ns:name`.
 * @throws KubeprintError USAGE when the text is none of these.
 */
export function parseSubject(text: string): Subject {
  if (text.startsWith(SA_PREFIX)) {
    const [ns, name, ...rest] = text.slice(SA_PREFIX.length).split(':');
    if (ns && name && rest.length === 0) return { kind: 'ServiceAccount', namespace: ns, name };
  }
  const i = text.indexOf(':');
  const kind = i < 0 ? '' : text.slice(0, i);
  const rest = i < 0 ? '' : text.slice(i + 1);
  if ((kind === 'User' || kind === 'Group') && rest) return { kind, name: rest };
  if (kind === 'ServiceAccount') {
    const [ns, name, ...more] = rest.split(':');
    if (ns && name && more.length === 0) return { kind: 'ServiceAccount', namespace: ns, name };
  }
  throw new KubeprintError(
    'USAGE',
    `subject "${text}" must be User:NAME, Group:NAME, ServiceAccount:NAMESPACE:NAME or system:serviceaccount:NAMESPACE:NAME`,
  );
}

/** `User:alice`, `Group:devs`, `ServiceAccount:ns:name`. */
export function formatSubject(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace}:${s.name}` : `${s.kind}:${s.name}`;
}

/** The username a ServiceAccount authenticates as. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/**
 * The user the API server sees for a subject: a ServiceAccount gets its
 * username and the implicit groups `system:serviceaccounts`,
 * `system:serviceaccounts:<ns>` and `system:authenticated`; a User gets
 * `system:authenticated` (`system:unauthenticated` for `system:anonymous`);
 * a Group is a member with no user name and only that group.
 */
export function userInfoOf(s: Subject, extraGroups: readonly string[] = []): UserInfo {
  switch (s.kind) {
    case 'ServiceAccount':
      return {
        name: serviceAccountUsername(s.namespace, s.name),
        groups: [
          'system:serviceaccounts',
          `system:serviceaccounts:${s.namespace}`,
          'system:authenticated',
          ...extraGroups,
        ],
      };
    case 'User': {
      const sa = s.name.startsWith(SA_PREFIX) ? s.name.slice(SA_PREFIX.length).split(':') : undefined;
      if (sa && sa.length === 2 && sa[0] && sa[1])
        return userInfoOf({ kind: 'ServiceAccount', namespace: sa[0], name: sa[1] }, extraGroups);
      const implicit = s.name === 'system:anonymous' ? 'system:unauthenticated' : 'system:authenticated';
      return { name: s.name, groups: [implicit, ...extraGroups] };
    }
    case 'Group':
      return { name: '', groups: [s.name, ...extraGroups] };
  }
}

export function subjectKey(s: Subject): string {
  return formatSubject(s);
}

export function sameSubject(a: Subject, b: Subject): boolean {
  return formatSubject(a) === formatSubject(b);
}
