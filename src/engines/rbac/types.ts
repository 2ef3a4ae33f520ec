import type { KubeObject } from '../../model/kube-object.js';

/** The subject kinds of RBAC bindings. */
export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

/** A subject as written in a binding or on the command line. ServiceAccounts always carry a namespace. */
export type Subject =
  | { kind: 'User'; name: string }
  | { kind: 'Group'; name: string }
  | { kind: 'ServiceAccount'; name: string; namespace: string };

/** Who is asking, as the authorizer sees it: a user name plus groups. */
export interface UserInfo {
  name: string;
  groups: readonly string[];
}

/** A normalised PolicyRule; absent lists are empty. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export interface RoleDef {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Set for Roles. */
  namespace: string | undefined;
  /** Effective rules (for an aggregated ClusterRole: the union of the roles its selectors match). */
  rules: PolicyRule[];
  /** Names of the ClusterRoles aggregated into this one (empty when not aggregated). */
  aggregatedFrom: string[];
  labels: Record<string, string>;
  /** The manifest object; undefined for the built-in bootstrap policy. */
  object: KubeObject | undefined;
  bootstrap: boolean;
}

export interface BindingDef {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace: string | undefined;
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string };
  /** Subjects as written; ServiceAccount subjects without a namespace take the RoleBinding's. */
  subjects: BindingSubject[];
  object: KubeObject | undefined;
  bootstrap: boolean;
}

export interface BindingSubject {
  subject: Subject;
  /** Index in `subjects` of the object (for JSON pointers). */
  index: number;
}

/** What is asked: a resource request or a non-resource URL. */
export type AccessRequest =
  | {
      type: 'resource';
      verb: string;
      apiGroup: string;
      resource: string;
      subresource: string;
      /** Object name; '' when the request names none (list, create). */
      name: string;
      /** Namespace; '' for a cluster-scoped resource or a request across all namespaces. */
      namespace: string;
    }
  | { type: 'nonResource'; verb: string; path: string };

/** One rule that applies to a subject, and where it comes from. */
export interface Grant {
  rule: PolicyRule;
  /** The namespace the rule is effective in, or '*' for a ClusterRoleBinding (every namespace and cluster scope). */
  scope: string;
  binding: BindingDef;
  role: RoleDef;
  /** The binding subject that matched the user. */
  via: Subject;
}

export type PolicyProblem =
  | { type: 'missing-role'; binding: BindingDef; message: string }
  | { type: 'missing-subject'; binding: BindingDef; subject: BindingSubject; message: string }
  | { type: 'invalid'; object: KubeObject; path: string; message: string };
