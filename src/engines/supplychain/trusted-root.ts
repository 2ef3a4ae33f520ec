/**
 * Where trusted roots come from (an adapter: it reads files). Sigstore's
 * production root ships inside `@sigstore/tuf` (`seeds.json`, target
 * `trusted_root.json`), so verification works offline; a private deployment
 * passes its own file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeprintError } from '../../errors.js';

const PRODUCTION_TUF = 'https://tuf-repo-cdn.sigstore.dev';

let production: unknown;

/**
 * `@sigstore/tuf`'s seeds.json: beside this module when bundled (scripts/bundle.mjs
 * copies it as sigstore-seeds.json, and no node_modules exist), else in the package.
 */
function seedsFile(): string {
  const bundled = fileURLToPath(new URL('./sigstore-seeds.json', import.meta.url));
  if (existsSync(bundled)) return bundled;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@sigstore/tuf')), '..', 'seeds.json');
}

/** Sigstore's public-good production trusted root, as embedded in `@sigstore/tuf`. */
export async function productionTrustedRoot(): Promise<unknown> {
  if (production !== undefined) return production;
  const seedsPath = seedsFile();
  let seeds: unknown;
  try {
    seeds = JSON.parse(await readFile(seedsPath, 'utf8'));
  } catch (err) {
    throw new KubeprintError('INTERNAL', `cannot read Sigstore's embedded trust root (${seedsPath})`, { cause: err });
  }
  const target = (seeds as Record<string, { targets?: Record<string, string> }>)[PRODUCTION_TUF]?.targets?.[
    'trusted_root.json'
  ];
  if (typeof target !== 'string') {
    throw new KubeprintError('INTERNAL', `${seedsPath} has no trusted_root.json target for ${PRODUCTION_TUF}`);
  }
  production = JSON.parse(Buffer.from(target, 'base64').toString('utf8'));
  return production;
}

/** A trusted root from a file (`--trusted-root`), or the production root when no file is given. */
export async function loadTrustedRoot(file: string | undefined): Promise<unknown> {
  if (file === undefined) return productionTrustedRoot();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new KubeprintError('READ_FAILED', `cannot read trusted root ${file}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KubeprintError('INPUT_INVALID', `trusted root ${file} is not JSON`, { cause: err });
  }
}
