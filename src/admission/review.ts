/**
 * AdmissionReview v1: parsing an untrusted request body into a checked shape,
 * and building the response. Pure; the server is a thin adapter around it.
 */

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
}

/** The parts of `request` the webhook uses, checked. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: { group: string; version: string; resource: string };
  subResource: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  userInfo: UserInfo;
  object: Record<string, unknown> | undefined;
  oldObject: Record<string, unknown> | undefined;
  dryRun: boolean;
}

export type ParsedReview = { ok: true; request: AdmissionRequest } | { ok: false; reason: string };

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  warnings?: string[];
}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Parse and check an AdmissionReview v1 request body. Never throws: a body
 * that is not JSON, not an AdmissionReview v1, or lacks what a request must
 * carry gives `{ ok: false, reason }` (the server answers 400 with it).
 */
export function parseAdmissionReview(body: string): ParsedReview {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `body is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!isRecord(v)) return { ok: false, reason: 'body is not a JSON object' };
  if (v.kind !== 'AdmissionReview') return { ok: false, reason: 'kind must be AdmissionReview' };
  if (v.apiVersion !== 'admission.k8s.io/v1')
    return { ok: false, reason: `apiVersion must be admission.k8s.io/v1 (got ${JSON.stringify(v.apiVersion)})` };
  const r = v.request;
  if (!isRecord(r)) return { ok: false, reason: 'request is missing' };
  const uid = str(r.uid);
  if (!uid) return { ok: false, reason: 'request.uid is missing' };
  const op = str(r.operation);
  if (!op || !OPERATIONS.has(op))
    return { ok: false, reason: 'request.operation must be CREATE, UPDATE, DELETE or CONNECT' };
  const k = r.kind;
  if (!isRecord(k) || typeof k.kind !== 'string' || typeof k.version !== 'string' || !k.kind)
    return { ok: false, reason: 'request.kind must be {group, version, kind}' };
  const res = isRecord(r.resource) ? r.resource : {};
  if (r.object !== undefined && r.object !== null && !isRecord(r.object))
    return { ok: false, reason: 'request.object must be an object' };
  if (r.oldObject !== undefined && r.oldObject !== null && !isRecord(r.oldObject))
    return { ok: false, reason: 'request.oldObject must be an object' };
  const object = isRecord(r.object) ? r.object : undefined;
  const oldObject = isRecord(r.oldObject) ? r.oldObject : undefined;
  if ((op === 'CREATE' || op === 'UPDATE') && !object)
    return { ok: false, reason: `request.object is missing for ${op}` };
  const ui = isRecord(r.userInfo) ? r.userInfo : {};
  const userInfo: UserInfo = {};
  if (typeof ui.username === 'string') userInfo.username = ui.username;
  if (typeof ui.uid === 'string') userInfo.uid = ui.uid;
  if (Array.isArray(ui.groups)) userInfo.groups = ui.groups.filter((g): g is string => typeof g === 'string');
  return {
    ok: true,
    request: {
      uid,
      kind: { group: str(k.group) ?? '', version: k.version, kind: k.kind },
      resource: { group: str(res.group) ?? '', version: str(res.version) ?? '', resource: str(res.resource) ?? '' },
      subResource: str(r.subResource) || undefined,
      name: str(r.name) || undefined,
      namespace: str(r.namespace) || undefined,
      operation: op as AdmissionRequest['operation'],
      userInfo,
      object,
      oldObject,
      dryRun: r.dryRun === true,
    },
  };
}

/** The AdmissionReview the API server expects back. */
export function reviewResponse(response: AdmissionResponse): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}
