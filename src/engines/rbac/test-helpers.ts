import { parseAllDocuments } from 'yaml';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';

/** Objects from multi-document YAML, without positions (for engine tests). */
export function objectsFromYaml(text: string, scope = 'test'): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const o = toKubeObject(doc.toJS(), undefined, scope);
    if (o) out.push(o);
  }
  return out;
}
