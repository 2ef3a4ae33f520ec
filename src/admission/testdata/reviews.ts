/** Builders for AdmissionReview bodies used by the admission tests and the bench. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A test object from this folder, as a plain value (a fresh copy each call). */
export function testObject(file: string): Record<string, unknown> {
  return parse(readFileSync(join(HERE, file), 'utf8')) as Record<string, unknown>;
}

let counter = 0;

export function review(opts: {
  object?: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  namespace?: string;
  subResource?: string;
  dryRun?: boolean;
  uid?: string;
}): Record<string, unknown> {
  const obj = opts.object ?? opts.oldObject ?? {};
  const kind = String(obj.kind ?? 'Pod');
  const apiVersion = String(obj.apiVersion ?? 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const md = (obj.metadata ?? {}) as Record<string, unknown>;
  const request: Record<string, unknown> = {
    uid: opts.uid ?? `uid-${++counter}`,
    kind: { group, version, kind },
    resource: { group, version, resource: `${kind.toLowerCase()}s` },
    name: md.name,
    namespace: opts.namespace ?? 'default',
    operation: opts.operation ?? 'CREATE',
    userInfo: { username: 'alice', groups: ['dev'] },
    object: opts.operation === 'DELETE' ? null : (opts.object ?? null),
    oldObject: opts.oldObject ?? null,
    dryRun: opts.dryRun ?? false,
  };
  if (opts.subResource) request.subResource = opts.subResource;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}
